// How snapshot records and the results of snapshot and restore runs are shown.
import type { JsonValue } from "@bufbuild/protobuf";
import type { SnapshotRecord } from "@lifeboat/shared/repo";
import type { Column } from "../output.js";
import type { RestoreResult } from "./run-restore.js";
import type { SnapshotResult } from "./run-snapshot.js";
import { formatBytes, formatRate, formatSeconds } from "./units.js";

export const SNAPSHOT_COLUMNS: Column<SnapshotRecord>[] = [
  { header: "id", value: (r) => r.id },
  { header: "time", value: (r) => r.time.replace(/\.\d{3}Z$/, "Z") },
  { header: "host", value: (r) => r.host },
  { header: "paths", value: (r) => r.paths.join(",") },
  { header: "files", value: (r) => String(r.stats.files) },
  { header: "bytes", value: (r) => formatBytes(r.stats.bytes) },
  { header: "tags", value: (r) => (r.tags ?? []).join(",") },
];

export function snapshotRecordJson(record: SnapshotRecord): JsonValue {
  return JSON.parse(JSON.stringify(record)) as JsonValue;
}

/** JSON/YAML for a snapshot run: the record's id first, then what was read, reused and stored. */
export function snapshotResultJson(result: SnapshotResult): JsonValue {
  const { record, walk, stored } = result;
  return {
    id: record.id,
    parent: record.parent ?? null,
    time: record.time,
    host: record.host,
    paths: record.paths,
    tags: record.tags ?? [],
    stats: { ...walk },
    stored: { ...stored },
    seconds: result.ms / 1000,
  };
}

/** One line for a person at a terminal, after the id: what the run cost. */
export function snapshotSummary(result: SnapshotResult): string {
  const { walk, stored, record } = result;
  return (
    `snapshot ${record.id}: ${walk.files} files, ${formatBytes(walk.bytes)}; ` +
    `${walk.reusedFiles} files unchanged${record.parent ? ` since ${record.parent.slice(0, 8)}` : ""}, ${formatBytes(walk.readBytes)} read, ` +
    `${formatBytes(stored.newBytes)} new (${formatBytes(stored.storedBytes)} stored) in ${formatSeconds(result.ms / 1000)}\n`
  );
}

export function restoreResultJson(result: RestoreResult): JsonValue {
  return { snapshot: result.snapshot.id, target: result.target, stats: { ...result.stats }, seconds: result.ms / 1000 };
}

export function restoreSummary(result: RestoreResult): string {
  const { stats } = result;
  const skipped = stats.skipped > 0 ? `, ${stats.skipped} special files skipped` : "";
  return (
    `restored snapshot ${result.snapshot.id} to ${result.target}: ${stats.files} files, ${stats.dirs} directories, ${stats.symlinks} symlinks, ` +
    `${formatBytes(stats.bytes)} in ${formatSeconds(result.ms / 1000)} (${formatRate(stats.bytes, result.ms)})${skipped}\n`
  );
}
