// One progress line, redrawn on stderr while long work runs. Only when stdout is a terminal: a
// script capturing the output, or a log collector, gets the result and nothing else.
import { formatBytes, formatEta, formatRate } from "./units.js";

const REDRAW_MS = 200;

export interface Progress {
  /** Offers new figures; the line is redrawn at most every 200 ms. */
  update(figures: ProgressFigures): void;
  /** Clears the line, leaving the terminal as it was. */
  done(): void;
}

export interface ProgressFigures {
  /** What is being done: "snapshot", "restore", "check", "gc mark"… */
  label: string;
  bytes?: number;
  /** Bytes in all, when known in advance: adds a percentage and an ETA. */
  totalBytes?: number;
  files?: number;
  totalFiles?: number;
  /** Other counters, shown as given ("3/12 packs"). */
  extra?: string;
}

/** A progress line on stderr when stdout is a terminal; a silent one otherwise. */
export function startProgress(enabled = process.stdout.isTTY === true): Progress {
  if (!enabled) return { update: () => undefined, done: () => undefined };
  const started = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update(figures) {
      const now = Date.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      drawn = true;
      const width = process.stderr.columns || 100;
      process.stderr.write(`\r${progressText(figures, now - started).slice(0, Math.max(20, width - 1))}\x1b[K`);
    },
    done() {
      if (drawn) process.stderr.write("\r\x1b[K");
    },
  };
}

/** The line's text for figures after `elapsedMs`. */
export function progressText(f: ProgressFigures, elapsedMs: number): string {
  const parts = [f.label];
  if (f.bytes !== undefined) {
    const total = f.totalBytes !== undefined && f.totalBytes > 0 ? ` / ${formatBytes(f.totalBytes)} (${Math.min(100, Math.floor((f.bytes / f.totalBytes) * 100))}%)` : "";
    parts.push(`${formatBytes(f.bytes)}${total}`);
  }
  if (f.files !== undefined) parts.push(f.totalFiles !== undefined ? `${f.files}/${f.totalFiles} files` : `${f.files} files`);
  if (f.extra) parts.push(f.extra);
  if (f.bytes !== undefined) parts.push(formatRate(f.bytes, elapsedMs));
  if (f.bytes !== undefined && f.totalBytes !== undefined) parts.push(formatEta(f.bytes, f.totalBytes, elapsedMs));
  return parts.filter((part) => part !== "").join("  ");
}
