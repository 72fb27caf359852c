// The volume-data part of `backup describe`: one line of counts, the failed volumes, and with
// --details a table of every volume the backup considered.
import { VolumeBackupPhase, VolumeBackupPhaseSchema, VolumePolicySchema, type VolumeBackup } from "@lifeboat/proto";
import { enumName } from "../arguments.js";
import { indent } from "../catalog/describe-sections.js";
import { renderTable, type Column } from "../output.js";
import { formatBytes } from "../repo/units.js";

/** Characters of a snapshot id the table shows: enough to tell snapshots apart, like a short commit id. */
export const SNAPSHOT_ID_CHARS = 12;

/** `2 copied (2.0 GiB, 412.0 MiB read), 1 failed, 3 skipped`: what became of the volumes. */
export function volumeCounts(volumes: readonly VolumeBackup[]): string {
  const copied = volumes.filter((v) => v.phase === VolumeBackupPhase.COMPLETED);
  const failed = volumes.filter((v) => v.phase === VolumeBackupPhase.FAILED).length;
  const skipped = volumes.filter((v) => v.phase === VolumeBackupPhase.SKIPPED).length;
  const bytes = copied.reduce((sum, v) => sum + v.bytes, 0n);
  const read = copied.reduce((sum, v) => sum + v.bytesRead, 0n);
  return `${copied.length} copied (${formatBytes(Number(bytes))}, ${formatBytes(Number(read))} read), ${failed} failed, ${skipped} skipped`;
}

const dash = (text: string): string => text || "-";

const VOLUME_COLUMNS: Column<VolumeBackup>[] = [
  { header: "namespace", value: (v) => dash(v.namespace) },
  { header: "pod", value: (v) => dash(v.pod) },
  { header: "volume", value: (v) => dash(v.volume) },
  { header: "claim", value: (v) => dash(v.claim) },
  { header: "pv", value: (v) => dash(v.persistentVolume) },
  { header: "storage class", value: (v) => dash(v.storageClass) },
  { header: "driver", value: (v) => dash(v.driver) },
  { header: "mode", value: (v) => dash(enumName(VolumePolicySchema, v.mode)) },
  { header: "phase", value: (v) => enumName(VolumeBackupPhaseSchema, v.phase) || "UNKNOWN" },
  { header: "snapshot", value: (v) => dash(v.snapshotId.slice(0, SNAPSHOT_ID_CHARS)) },
  // Sizes of a volume that was not copied would read as an empty volume: show none.
  { header: "size", value: (v) => (isCopied(v) ? formatBytes(Number(v.bytes)) : "-") },
  { header: "files", value: (v) => (isCopied(v) ? String(v.files) : "-") },
  { header: "read", value: (v) => (isCopied(v) ? formatBytes(Number(v.bytesRead)) : "-") },
  { header: "reused", value: (v) => (isCopied(v) ? String(v.filesReused) : "-") },
];

function isCopied(v: VolumeBackup): boolean {
  return v.phase === VolumeBackupPhase.COMPLETED;
}

/** `shop/db-0/data`: the pod's volume. */
function volumePath(v: VolumeBackup): string {
  return [v.namespace, v.pod, v.volume].filter((part) => part !== "").join("/");
}

/**
 * Without details, the failed volumes with their reasons (skips are by choice or by kind and
 * wait for --details); with details, a table of every volume, then every failed or skipped one
 * with its reason. Nothing when the backup considered no volume.
 */
export function renderVolumes(volumes: readonly VolumeBackup[], details: boolean): string {
  if (volumes.length === 0) return "";
  const notCopied = volumes.filter((v) => v.phase !== VolumeBackupPhase.COMPLETED && (details || v.phase === VolumeBackupPhase.FAILED));
  const reasons = notCopied.map((v) => `  ${volumePath(v)}: ${enumName(VolumeBackupPhaseSchema, v.phase) || "UNKNOWN"}: ${v.reason || "(no reason given)"}`);
  const sections: string[] = [];
  if (details) sections.push(`Volumes (${volumes.length}):\n${indent(renderTable(volumes, VOLUME_COLUMNS))}`);
  if (reasons.length > 0) sections.push(`${details ? "Volumes not copied" : "Failed volumes"} (${reasons.length}):\n${reasons.join("\n")}\n`);
  return sections.join("\n");
}
