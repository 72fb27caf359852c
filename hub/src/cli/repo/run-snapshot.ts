// `repo snapshot DIR`: store a directory tree, building on the last snapshot of the same path so
// that unchanged files are neither read nor stored again, then commit its record.
import { resolve } from "node:path";
import {
  newRecordId,
  putSnapshot,
  snapshotTree,
  type ContentStats,
  type Repository,
  type SnapshotRecord,
  type SnapshotTreeStats,
} from "@lifeboat/shared/repo";
import type { Progress } from "./progress.js";
import { findSnapshot, latestOfPath } from "./snapshot-records.js";
import { formatBytes } from "./units.js";

export interface SnapshotRun {
  dir: string;
  host: string;
  /** A snapshot id (or "latest") to build on; undefined picks the newest of the same path and host; false builds on none. */
  parent?: string | false;
  tags: string[];
  concurrency?: number;
  progress: Progress;
  signal?: AbortSignal;
}

export interface SnapshotResult {
  record: SnapshotRecord;
  /** What the walk did: files read, files reused from the parent. */
  walk: SnapshotTreeStats;
  /** What the content layer stored: new blobs and bytes, and those already present. */
  stored: ContentStats;
  ms: number;
}

export async function runSnapshot(repo: Repository, run: SnapshotRun): Promise<SnapshotResult> {
  const started = Date.now();
  const root = resolve(run.dir);
  const parent =
    run.parent === false ? undefined : run.parent === undefined ? await latestOfPath(repo, root, run.host) : await findSnapshot(repo, run.parent, "--parent");
  const { tree, stats } = await snapshotTree(root, {
    content: repo.content,
    parent: parent?.tree,
    concurrency: run.concurrency,
    signal: run.signal,
    progress: (s) => run.progress.update({ label: "snapshot", bytes: s.bytes, files: s.files, extra: `${formatBytes(s.readBytes)} read` }),
  });
  // The record names the tree; it may only be written once every content it reaches is stored.
  run.signal?.throwIfAborted();
  await repo.prepareCommit();
  const record: SnapshotRecord = {
    id: newRecordId(),
    time: new Date().toISOString(),
    host: run.host,
    paths: [root],
    tree,
    stats: { files: stats.files, directories: stats.dirs, symlinks: stats.symlinks, bytes: stats.bytes },
  };
  if (parent) record.parent = parent.id;
  if (run.tags.length > 0) record.tags = run.tags;
  await putSnapshot(repo.manifests, record);
  return { record, walk: { ...stats }, stored: { ...repo.content.stats }, ms: Date.now() - started };
}
