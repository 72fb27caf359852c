// Lifeboat's side of the restore benchmark: the agent's restore task in a runner process of its
// own under /usr/bin/time -v.
import { fileURLToPath } from "node:url";
import type { BenchRepository } from "../backup/lifeboat-backup.js";
import type { RunnerOutput } from "../backup/backup-runner.js";
import { measure } from "../repository/measure.js";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

export interface RestoreFigures {
  /** Seconds inside the task's run(). */
  runS: number;
  stageSeconds: Array<[string, number]>;
  processS: number;
  cpuS: number;
  peakRssMiB: number;
  phase: string;
  items: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  /** The first few failures, "resource ns/name: message". */
  failures: string[];
}

/** Restores `backupId` into the cluster of `kubeconfig`; throws when the runner printed no result. */
export async function measureRestore(runnerArgs: readonly string[], kubeconfig: string, repository: BenchRepository, backupId: string, restoreId: string): Promise<RestoreFigures> {
  const measured = await measure(
    process.execPath,
    [...runnerArgs, "--kubeconfig", kubeconfig, "--repository-url", repository.url, "--password-file", repository.passwordFile, "--backup-id", backupId, "--restore-id", restoreId],
    { cwd: repoRoot },
  );
  let output: RunnerOutput;
  try {
    output = JSON.parse(measured.stdout.trim().split("\n").at(-1) ?? "") as RunnerOutput;
  } catch {
    throw new Error(`the restore runner exited ${measured.exitCode} without a result:\n${measured.stderr.slice(-4000)}`);
  }
  if (output.error || !output.result || output.runSeconds === undefined) {
    throw new Error(`the restore failed (exit ${measured.exitCode}): ${output.error?.code ?? ""} ${output.error?.message ?? "no result"}\n${measured.stderr.slice(-4000)}`);
  }
  // Proto JSON of RestoreTaskResult: uint64 counts arrive as strings, empty lists left out.
  const result = output.result as { phase?: string; summary?: Record<string, unknown> };
  const summary = result.summary ?? {};
  const count = (name: string): number => Number(summary[name] ?? 0);
  const failures = ((summary.failures as Array<{ resource?: string; namespace?: string; name?: string; message?: string }> | undefined) ?? [])
    .slice(0, 5)
    .map((f) => `${f.resource} ${f.namespace ? `${f.namespace}/` : ""}${f.name}: ${f.message}`);
  return {
    runS: output.runSeconds,
    stageSeconds: output.stageSeconds ?? [],
    processS: measured.wallS,
    cpuS: measured.cpuS,
    peakRssMiB: measured.peakRssMiB,
    phase: result.phase ?? "RESTORE_PHASE_UNSPECIFIED",
    items: count("items"),
    created: count("created"),
    updated: count("updated"),
    skipped: count("skipped"),
    failed: count("failed"),
    failures,
  };
}
