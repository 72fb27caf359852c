// The volume-data part of `restore describe`: every claim whose data the restore wrote back.
import { durationMs } from "@bufbuild/protobuf/wkt";
import type { VolumeRestore } from "@lifeboat/proto";
import { indent } from "../catalog/describe-sections.js";
import { renderTable, type Column } from "../output.js";
import { formatBytes } from "../repo/units.js";

/** `3 restored (2.0 GiB), 1 failed`. */
export function volumeRestoreCounts(volumes: readonly VolumeRestore[]): string {
  const restored = volumes.filter((v) => v.succeeded);
  const bytes = restored.reduce((sum, v) => sum + v.bytes, 0n);
  return `${restored.length} restored (${formatBytes(Number(bytes))}), ${volumes.length - restored.length} failed`;
}

const dash = (text: string): string => text || "-";

const COLUMNS: Column<VolumeRestore>[] = [
  { header: "namespace", value: (v) => dash(v.namespace) },
  { header: "claim", value: (v) => dash(v.claim) },
  { header: "pv", value: (v) => dash(v.persistentVolume) },
  { header: "storage class", value: (v) => dash(v.storageClass) },
  { header: "node", value: (v) => dash(v.node) },
  // A failed volume's counts would read as an empty volume: show none.
  { header: "size", value: (v) => (v.succeeded ? formatBytes(Number(v.bytes)) : "-") },
  { header: "files", value: (v) => (v.succeeded ? String(v.files) : "-") },
  { header: "took", value: (v) => (v.duration ? `${(durationMs(v.duration) / 1000).toFixed(1)}s` : "-") },
  { header: "result", value: (v) => (v.succeeded ? "ok" : "FAILED") },
];

/** A table of the restored claims, then each failed one with its error; nothing without volumes. */
export function renderVolumeRestores(volumes: readonly VolumeRestore[]): string {
  if (volumes.length === 0) return "";
  const failed = volumes.filter((v) => !v.succeeded).map((v) => `  ${v.namespace}/${v.claim}: ${v.error || "(no error given)"}`);
  const table = `Volumes (${volumes.length}):\n${indent(renderTable(volumes, COLUMNS))}`;
  return failed.length === 0 ? table : `${table}\nFailed volumes (${failed.length}):\n${failed.join("\n")}\n`;
}
