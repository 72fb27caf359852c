// Sizes, rates and durations as people read them on a progress line or in a table.

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/** 1536 -> "1.5 KiB"; bytes below 1 KiB are shown whole. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** Bytes over milliseconds as MB/s, the unit disks and links are sold in. */
export function formatRate(bytes: number, ms: number): string {
  if (ms <= 0) return "-- MB/s";
  return `${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s`;
}

/** Seconds as "45s", "3m20s" or "2h05m". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** Time left at the average rate so far; "" until there is a rate to go on. */
export function formatEta(done: number, total: number, ms: number): string {
  if (done <= 0 || total <= done || ms < 1000) return "";
  return `ETA ${formatSeconds(((total - done) * ms) / done / 1000)}`;
}
