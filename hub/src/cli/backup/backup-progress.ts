// Following running backups for `--wait`: poll each until it ends, showing how far they have got.
import { BackupPhase, BackupPhaseSchema, type Backup } from "@lifeboat/proto";
import { isLifeboatError } from "@lifeboat/shared/errors";
import { enumName } from "../arguments.js";
import { formatBytes } from "../repo/units.js";

/** Phases a backup does not leave (DELETING included: waiting on it would never end). */
export const FINAL_PHASES: readonly BackupPhase[] = [
  BackupPhase.COMPLETED,
  BackupPhase.PARTIALLY_FAILED,
  BackupPhase.FAILED,
  BackupPhase.FAILED_VALIDATION,
  BackupPhase.DELETING,
];

export function isFinal(backup: Backup): boolean {
  return FINAL_PHASES.includes(backup.phase);
}

/** `IN_PROGRESS serialize 120/300 items 1.2 MiB`: the phase, then the progress while there is one. */
export function progressText(backup: Backup): string {
  const parts = [enumName(BackupPhaseSchema, backup.phase) || "UNKNOWN"];
  const p = backup.progress;
  if (p && !isFinal(backup)) {
    if (p.stage) parts.push(p.stage);
    if (p.itemsTotal > 0n || p.itemsDone > 0n) parts.push(p.itemsTotal > 0n ? `${p.itemsDone}/${p.itemsTotal} items` : `${p.itemsDone} items`);
    if (p.bytes > 0n) parts.push(formatBytes(Number(p.bytes)));
  }
  return parts.join(" ");
}

/**
 * `[########------------]  40% IN_PROGRESS serialize 120/300 items 1.2 MiB`, at most `width`
 * characters. The bar is items done over items known; empty until the total is known.
 */
export function progressBar(backup: Backup, width: number, barWidth = 20): string {
  const p = backup.progress;
  const share = isFinal(backup) ? 1 : p && p.itemsTotal > 0n ? Math.min(1, Number(p.itemsDone) / Number(p.itemsTotal)) : 0;
  const filled = Math.round(share * barWidth);
  const line = `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${progressText(backup)}`;
  return line.length > width ? line.slice(0, Math.max(0, width - 1)) + "…" : line;
}

/** Shows each poll's backups; `done` leaves the terminal clean. */
export interface ProgressDisplay {
  show(backups: readonly Backup[]): void;
  done(): void;
}

/** What the display writes to: stderr, or a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const PLAIN_EVERY_MS = 10_000;

/**
 * On a terminal: one line redrawn in place, the bar of the first backup still running (with
 * `k/n done` when there are several). Otherwise (a log, a pipe): a plain line when a backup's phase
 * or stage changes, else at most every 10 s while its counts move.
 */
export function startProgressDisplay(stream: ProgressStream, now: () => number = Date.now): ProgressDisplay {
  if (stream.isTTY) {
    let drawn = false;
    return {
      show(backups) {
        const running = backups.find((b) => !isFinal(b)) ?? backups[backups.length - 1];
        if (!running) return;
        const finished = backups.filter(isFinal).length;
        const prefix = `${backups.length > 1 ? `${finished}/${backups.length} done  ` : ""}${clusterLabel(running)} `;
        const width = (stream.columns || 100) - 1;
        stream.write(`\r${prefix}${progressBar(running, Math.max(20, width - prefix.length))}\x1b[K`);
        drawn = true;
      },
      done() {
        if (drawn) stream.write("\r\x1b[K");
      },
    };
  }
  const said = new Map<string, { text: string; key: string; at: number }>();
  return {
    show(backups) {
      for (const b of backups) {
        const text = progressText(b);
        const key = `${b.phase} ${b.progress?.stage ?? ""}`;
        const last = said.get(b.id);
        if (last?.text === text) continue;
        if (last && last.key === key && now() - last.at < PLAIN_EVERY_MS) continue;
        stream.write(`backup ${b.id} (${clusterLabel(b)}): ${text}\n`);
        said.set(b.id, { text, key, at: now() });
      }
    },
    done: () => undefined,
  };
}

function clusterLabel(b: Backup): string {
  return b.clusterName || b.clusterId;
}

export interface WaitOptions {
  pollMs?: number;
  /** How long the hub may stay unreachable (a restart, a network blip) before waiting gives up. */
  unreachableMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Polls every backup until each is in a final phase; returns them as they ended, in the order
 * given. An UNAVAILABLE hub is polled again for up to `unreachableMs` (60 s); other errors end the wait.
 */
export async function waitForBackups(ids: readonly string[], get: (id: string) => Promise<Backup>, display: ProgressDisplay, options: WaitOptions = {}): Promise<Backup[]> {
  const pollMs = options.pollMs ?? 1_000;
  const unreachableMs = options.unreachableMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const latest = new Map<string, Backup>();
  let unreachableSince: number | undefined;
  try {
    for (;;) {
      try {
        for (const id of ids) {
          const known = latest.get(id);
          if (!known || !isFinal(known)) latest.set(id, await get(id));
        }
        unreachableSince = undefined;
      } catch (err) {
        if (!(isLifeboatError(err) && err.code === "UNAVAILABLE")) throw err;
        unreachableSince ??= now();
        if (now() - unreachableSince >= unreachableMs) throw err;
      }
      const backups = ids.flatMap((id) => latest.get(id) ?? []);
      if (backups.length > 0) display.show(backups);
      if (backups.length === ids.length && backups.every(isFinal)) return backups;
      await sleep(pollMs);
    }
  } finally {
    display.done();
  }
}

/**
 * Why `--wait` exits 1, or undefined when every backup COMPLETED: one sentence naming each backup
 * that did not, its phase and where to look.
 */
export function waitOutcome(backups: readonly Backup[]): string | undefined {
  const failed = backups.filter((b) => b.phase !== BackupPhase.COMPLETED);
  if (failed.length === 0) return undefined;
  return failed
    .map((b) => {
      const phase = enumName(BackupPhaseSchema, b.phase);
      const why =
        b.phase === BackupPhase.PARTIALLY_FAILED
          ? `its manifest is written but ${b.summary?.errors.length ?? 0} errors occurred`
          : b.phase === BackupPhase.FAILED_VALIDATION
            ? b.validationErrors.join("; ")
            : b.failureReason;
      return `backup ${b.id} (${clusterLabel(b)}) ended ${phase}${why ? `: ${why}` : ""} (lifeboat backup describe ${b.id})`;
    })
    .join("; ");
}
