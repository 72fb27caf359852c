// Following running backups for `--wait`: poll each until it ends, showing how far they have got
// (the display is the shared one, cli/catalog/run-progress.ts).
import { waitIntervalMs } from "../catalog/wait-interval.js";
import { BackupPhase, BackupPhaseSchema, type Backup } from "@lifeboat/proto";
import { isLifeboatError } from "@lifeboat/shared/errors";
import { enumName } from "../arguments.js";
import { clusterLabel, runProgressBar, runProgressText, startRunProgressDisplay, type ProgressStream, type RunProgressDisplay, type RunView } from "../catalog/run-progress.js";

export type { ProgressStream };

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

const BACKUP_VIEW: RunView<Backup> = { noun: "backup", phaseName: (phase) => enumName(BackupPhaseSchema, phase), isFinal };

/**
 * `IN_PROGRESS serialize 120/300 items 1.2 MiB`: the phase, then the progress while there is one;
 * in the volumes stage `IN_PROGRESS volumes 1/3 · 412.0 MiB of 2.0 GiB · 180.0 MB/s · ETA 9s`.
 */
export function progressText(backup: Backup): string {
  return runProgressText(BACKUP_VIEW, backup);
}

/** `[########------------]  40% IN_PROGRESS serialize 120/300 items 1.2 MiB`, at most `width` characters. */
export function progressBar(backup: Backup, width: number, barWidth = 20): string {
  return runProgressBar(BACKUP_VIEW, backup, width, barWidth);
}

/** Shows each poll's backups; `done` leaves the terminal clean. */
export type ProgressDisplay = RunProgressDisplay<Backup>;

/** The backups' display on `stream` (see startRunProgressDisplay). */
export function startProgressDisplay(stream: ProgressStream, now: () => number = Date.now): ProgressDisplay {
  return startRunProgressDisplay(BACKUP_VIEW, stream, now);
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
  const unreachableMs = options.unreachableMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const started = now();
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
      await sleep(waitIntervalMs(now() - started, options.pollMs));
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
