export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString("en-US");
export const fmtSec = (s: number): string => (s < 10 ? s.toFixed(3) : s.toFixed(2));
export const fmtMiB = (bytes: number): string => `${(bytes / MiB).toFixed(0)} MiB`;
export const fmtPct = (x: number | undefined): string => (x === undefined ? "–" : `${Math.round(x * 100)}%`);

/** A Markdown table (GitHub style), columns padded so it also reads well on a terminal. */
export function table(header: string[], rows: string[][], rightAligned: boolean[] = []): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, c) => (rightAligned[c] ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}
