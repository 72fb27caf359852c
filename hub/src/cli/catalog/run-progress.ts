// How `--wait` shows a running backup or restore: a line of text, a bar on a terminal, and a
// display that redraws the bar (terminal) or writes a line per change (log, pipe). Backups and
// restores differ in their phase names, whether they count bytes and how they show volumes (RunView).
import { formatBytes } from "../repo/units.js";
import { volumeProgressText, volumeShare, type VolumeCounters } from "./volume-progress.js";

/** What the display reads of a backup or restore. */
export interface Run {
  id: string;
  clusterId: string;
  clusterName: string;
  phase: number;
  progress?: { stage: string; itemsDone: bigint; itemsTotal: bigint; bytes?: bigint } & VolumeCounters;
}

/** One kind of run, as the display sees it. */
export interface RunView<R extends Run> {
  /** "backup": starts each plain line. */
  noun: string;
  /** The phase's name ("" when unknown). */
  phaseName(phase: number): string;
  /** Whether a run is in a phase it does not leave. */
  isFinal(run: R): boolean;
  /**
   * Whether the volume counts follow the items once there are volumes, in any stage (restores
   * write volume data while they apply items). Either way, in the `volumes` stage the line and
   * the bar follow the volumes instead of the items.
   */
  volumesBesideItems?: boolean;
}

/** The stage the agent copies volume data in, reporting the volume counters. */
export const VOLUME_STAGE = "volumes";

function inVolumeStage(run: Run): boolean {
  return run.progress?.stage === VOLUME_STAGE;
}

/** `IN_PROGRESS serialize 120/300 items 1.2 MiB`: the phase, then the progress while there is one. */
export function runProgressText<R extends Run>(view: RunView<R>, run: R): string {
  const parts = [view.phaseName(run.phase) || "UNKNOWN"];
  const p = run.progress;
  if (p && !view.isFinal(run)) {
    // The volume text starts with the word "volumes", which is also the stage's name.
    if (inVolumeStage(run)) return [...parts, volumeProgressText(p)].join(" ");
    if (p.stage) parts.push(p.stage);
    if (p.itemsTotal > 0n || p.itemsDone > 0n) parts.push(p.itemsTotal > 0n ? `${p.itemsDone}/${p.itemsTotal} items` : `${p.itemsDone} items`);
    if (p.bytes !== undefined && p.bytes > 0n) parts.push(formatBytes(Number(p.bytes)));
    if (view.volumesBesideItems === true && p.volumesTotal > 0n) parts.push("·", volumeProgressText(p));
  }
  return parts.join(" ");
}

/**
 * `[########------------]  40% IN_PROGRESS serialize 120/300 items 1.2 MiB`, at most `width`
 * characters. The bar is items done over items known (volume bytes in the volume stage); empty
 * until the total is known.
 */
export function runProgressBar<R extends Run>(view: RunView<R>, run: R, width: number, barWidth = 20): string {
  const p = run.progress;
  const share = view.isFinal(run) ? 1 : !p ? 0 : inVolumeStage(run) ? volumeShare(p) : p.itemsTotal > 0n ? Math.min(1, Number(p.itemsDone) / Number(p.itemsTotal)) : 0;
  const filled = Math.round(share * barWidth);
  const line = `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${runProgressText(view, run)}`;
  return line.length > width ? line.slice(0, Math.max(0, width - 1)) + "…" : line;
}

/** Shows each poll's runs; `done` leaves the terminal clean. */
export interface RunProgressDisplay<R> {
  show(runs: readonly R[]): void;
  done(): void;
}

/** What the display writes to: stderr, or a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const PLAIN_EVERY_MS = 10_000;

export function clusterLabel(run: Run): string {
  return run.clusterName || run.clusterId;
}

/**
 * On a terminal: one line redrawn in place, the bar of the first run still going (with `k/n done`
 * when there are several). Otherwise (a log, a pipe): a plain line when a run's phase or stage
 * changes, else at most every 10 s while its counts move.
 */
export function startRunProgressDisplay<R extends Run>(view: RunView<R>, stream: ProgressStream, now: () => number = Date.now): RunProgressDisplay<R> {
  const isFinal = (run: R): boolean => view.isFinal(run);
  if (stream.isTTY) {
    let drawn = false;
    return {
      show(runs) {
        const running = runs.find((r) => !isFinal(r)) ?? runs[runs.length - 1];
        if (!running) return;
        const finished = runs.filter(isFinal).length;
        const prefix = `${runs.length > 1 ? `${finished}/${runs.length} done  ` : ""}${clusterLabel(running)} `;
        const width = (stream.columns || 100) - 1;
        stream.write(`\r${prefix}${runProgressBar(view, running, Math.max(20, width - prefix.length))}\x1b[K`);
        drawn = true;
      },
      done() {
        if (drawn) stream.write("\r\x1b[K");
      },
    };
  }
  const said = new Map<string, { text: string; key: string; at: number }>();
  return {
    show(runs) {
      for (const r of runs) {
        const text = runProgressText(view, r);
        const key = `${r.phase} ${r.progress?.stage ?? ""}`;
        const last = said.get(r.id);
        if (last?.text === text) continue;
        if (last && last.key === key && now() - last.at < PLAIN_EVERY_MS) continue;
        stream.write(`${view.noun} ${r.id} (${clusterLabel(r)}): ${text}\n`);
        said.set(r.id, { text, key, at: now() });
      }
    },
    done: () => undefined,
  };
}
