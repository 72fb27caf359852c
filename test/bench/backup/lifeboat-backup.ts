// Lifeboat's side of the benchmark: a fresh filesystem repository, and backups into it run by the
// runner process under /usr/bin/time -v.
import { spawnSync } from "node:child_process";
import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openStorage, Repository } from "@lifeboat/shared/repo";
import { measure, type Measured } from "../repository/measure.js";
import type { RunnerOutput } from "./backup-runner.js";
import type { BackupFigures } from "./report.js";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

// Only ever guards the benchmark's own throw-away repository.
const PASSWORD = "lifeboat-benchmark-password";

export interface BenchRepository {
  dir: string;
  url: string;
  passwordFile: string;
}

/** Repository.init into `dir` (a new directory), with the password in a file beside it. */
export async function initRepository(work: string): Promise<BenchRepository> {
  const dir = path.join(work, "repository");
  await mkdir(dir);
  const passwordFile = path.join(work, "repository-password");
  await writeFile(passwordFile, PASSWORD, { mode: 0o600 });
  const url = pathToFileURL(dir).href;
  const storage = openStorage(url);
  try {
    await Repository.init(storage, PASSWORD);
  } finally {
    await storage.close();
  }
  return { dir, url, passwordFile };
}

export interface RepositorySize {
  /** Apparent bytes of its files. */
  bytes: number;
  files: number;
  /** Apparent bytes per top-level entry ("packs", "index", "backups", "repository.json", …). */
  byEntry: Record<string, number>;
  /** Disk usage as `du -sk` counts it. */
  diskBytes: number;
}

export async function repositorySize(dir: string): Promise<RepositorySize> {
  const size: RepositorySize = { bytes: 0, files: 0, byEntry: {}, diskBytes: Number.NaN };
  const walk = async (d: string, top: string | undefined): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      const key = top ?? entry.name;
      if (entry.isDirectory()) await walk(p, key);
      else if (entry.isFile()) {
        const bytes = (await stat(p)).size;
        size.bytes += bytes;
        size.files++;
        size.byEntry[key] = (size.byEntry[key] ?? 0) + bytes;
      }
    }
  };
  await walk(dir, undefined);
  const du = spawnSync("du", ["-sk", dir], { encoding: "utf8" });
  if (du.status === 0) size.diskBytes = Number(du.stdout.split(/\s/)[0]) * 1024;
  return size;
}

export interface BackupRun {
  measured: Measured;
  output: RunnerOutput;
}

/** One backup task in the runner process (`runnerArgs` from prepareRunner); throws when it printed nothing usable. */
export async function runBackup(runnerArgs: readonly string[], kubeconfig: string, repository: BenchRepository, backupId: string, nodeFlags: readonly string[] = []): Promise<BackupRun> {
  const measured = await measure(
    process.execPath,
    [
      ...nodeFlags,
      ...runnerArgs,
      "--kubeconfig",
      kubeconfig,
      "--repository-url",
      repository.url,
      "--password-file",
      repository.passwordFile,
      "--backup-id",
      backupId,
    ],
    { cwd: repoRoot },
  );
  const line = measured.stdout.trim().split("\n").at(-1) ?? "";
  let output: RunnerOutput;
  try {
    output = JSON.parse(line) as RunnerOutput;
  } catch {
    throw new Error(`the backup runner exited ${measured.exitCode} without a result:\n${measured.stderr.slice(-4000)}\n${measured.stdout.slice(-2000)}`);
  }
  return { measured, output };
}

/**
 * One backup measured: the task's own figures from its result, the process's from
 * /usr/bin/time, the repository's size after it. Throws when the backup failed.
 */
export async function measureBackup(
  label: string,
  runnerArgs: readonly string[],
  kubeconfig: string,
  repository: BenchRepository,
  backupId: string,
  nodeFlags: readonly string[] = [],
): Promise<Omit<BackupFigures, "emulatorCpuS">> {
  const { measured, output } = await runBackup(runnerArgs, kubeconfig, repository, backupId, nodeFlags);
  if (output.error || !output.result || output.runSeconds === undefined) {
    throw new Error(`${label} failed (exit ${measured.exitCode}): ${output.error?.code ?? ""} ${output.error?.message ?? "no result"}\n${measured.stderr.slice(-4000)}`);
  }
  // Proto JSON of BackupTaskResult: uint64 counts arrive as strings, empty lists left out.
  const result = output.result as { phase?: string; summary?: Record<string, unknown> };
  const summary = result.summary ?? {};
  const count = (name: string): number => Number(summary[name] ?? 0);
  const size = await repositorySize(repository.dir);
  return {
    label,
    runS: output.runSeconds,
    stageSeconds: output.stageSeconds ?? [],
    processS: measured.wallS,
    cpuS: measured.cpuS,
    peakRssMiB: measured.peakRssMiB,
    phase: result.phase ?? "BACKUP_PHASE_UNSPECIFIED",
    items: count("items"),
    itemVersions: count("itemVersions"),
    bytes: count("bytes"),
    bytesAdded: count("bytesAdded"),
    warnings: ((summary.warnings as unknown[] | undefined) ?? []).length,
    errors: ((summary.errors as unknown[] | undefined) ?? []).length,
    repoBytes: size.bytes,
    repoFiles: size.files,
    repoDiskBytes: size.diskBytes,
    repoByEntry: size.byEntry,
  };
}
