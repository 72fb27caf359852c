// `repo restore-snapshot ID DIR`: recreate a snapshot's tree in a directory.
import { readdir } from "node:fs/promises";
import { resolve } from "node:path";
import { LifeboatError, restoreTree, type Repository, type RestoreStats, type SnapshotRecord } from "@lifeboat/shared/repo";
import type { Progress } from "./progress.js";
import { findSnapshot } from "./snapshot-records.js";

export interface RestoreRun {
  ref: string;
  dir: string;
  /** Write into a non-empty directory, replacing files of the same name (others are left alone). */
  overwrite: boolean;
  concurrency?: number;
  progress: Progress;
  signal?: AbortSignal;
}

export interface RestoreResult {
  snapshot: SnapshotRecord;
  target: string;
  stats: RestoreStats;
  ms: number;
}

export async function runRestore(repo: Repository, run: RestoreRun): Promise<RestoreResult> {
  const started = Date.now();
  const target = resolve(run.dir);
  const snapshot = await findSnapshot(repo, run.ref, "snapshot");
  if (!run.overwrite) await checkEmpty(target);
  const stats = await restoreTree(snapshot.tree, target, {
    content: repo.content,
    concurrency: run.concurrency,
    signal: run.signal,
    progress: (s) =>
      run.progress.update({ label: "restore", bytes: s.bytes, totalBytes: snapshot.stats.bytes, files: s.files, totalFiles: snapshot.stats.files }),
  });
  return { snapshot, target, stats: { ...stats }, ms: Date.now() - started };
}

// Restoring over existing files mixes two trees with no way back; ask for it explicitly.
async function checkEmpty(target: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return;
    if (code === "ENOTDIR") throw new LifeboatError("INVALID_ARGUMENT", `restore target ${target} is not a directory`, { field: "dir", value: target });
    throw new LifeboatError("UNAVAILABLE", `restore target ${target} cannot be read: ${code ?? (err as Error).message}`, { field: "dir", value: target, cause: err });
  }
  if (names.length > 0) {
    throw new LifeboatError("FAILED_PRECONDITION", `restore target ${target} is not empty (${names.length} entries): choose an empty or new directory, or pass --overwrite`, {
      field: "dir",
      value: target,
    });
  }
}
