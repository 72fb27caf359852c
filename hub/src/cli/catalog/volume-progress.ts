// How far the volume-data copy of a running backup or restore has got, as one piece of text for
// the `--wait` line and `describe`.
import { formatBytes, formatRate, formatSeconds } from "../repo/units.js";

/** The volume counters of BackupProgress and RestoreProgress (restores report no rate or ETA). */
export interface VolumeCounters {
  volumesDone: bigint;
  volumesTotal: bigint;
  volumeBytesDone: bigint;
  volumeBytesTotal: bigint;
  volumeBytesPerSecond?: bigint;
  volumeEtaSeconds?: bigint;
}

/** Whether there is anything to say about volumes yet. */
export function hasVolumeProgress(p: VolumeCounters): boolean {
  return p.volumesTotal > 0n || p.volumesDone > 0n || p.volumeBytesDone > 0n;
}

/**
 * `volumes 1/3 · 412.0 MiB of 2.0 GiB · 180.0 MB/s · ETA 9s`; each part only once it is known
 * (the agent sizes volumes as it reaches them, so the byte total can grow).
 */
export function volumeProgressText(p: VolumeCounters): string {
  const parts = [p.volumesTotal > 0n ? `volumes ${p.volumesDone}/${p.volumesTotal}` : p.volumesDone > 0n ? `volumes ${p.volumesDone}` : "volumes"];
  if (p.volumeBytesTotal > 0n) parts.push(`${formatBytes(Number(p.volumeBytesDone))} of ${formatBytes(Number(p.volumeBytesTotal))}`);
  else if (p.volumeBytesDone > 0n) parts.push(formatBytes(Number(p.volumeBytesDone)));
  if (p.volumeBytesPerSecond !== undefined && p.volumeBytesPerSecond > 0n) parts.push(formatRate(Number(p.volumeBytesPerSecond), 1000));
  if (p.volumeEtaSeconds !== undefined && p.volumeEtaSeconds > 0n) parts.push(`ETA ${formatSeconds(Number(p.volumeEtaSeconds))}`);
  return parts.join(" · ");
}

/** Volume bytes done over known (or volumes done over planned, before any is sized), 0 to 1. */
export function volumeShare(p: VolumeCounters): number {
  if (p.volumeBytesTotal > 0n) return Math.min(1, Number(p.volumeBytesDone) / Number(p.volumeBytesTotal));
  if (p.volumesTotal > 0n) return Math.min(1, Number(p.volumesDone) / Number(p.volumesTotal));
  return 0;
}
