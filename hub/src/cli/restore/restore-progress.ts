// Following a running restore for `--wait`: poll it until it ends, showing how far it has got
// (the display is the shared one, cli/catalog/run-progress.ts).
import { waitIntervalMs } from "../catalog/wait-interval.js";
import { RestorePhase, RestorePhaseSchema, type Restore } from "@lifeboat/proto";
import { isLifeboatError } from "@lifeboat/shared/errors";
import { enumName } from "../arguments.js";
import { runProgressBar, runProgressText, startRunProgressDisplay, type ProgressStream, type RunView } from "../catalog/run-progress.js";

/** Phases a restore does not leave (DELETING included: waiting on it would never end). */
const FINAL_PHASES: readonly RestorePhase[] = [RestorePhase.COMPLETED, RestorePhase.PARTIALLY_FAILED, RestorePhase.FAILED, RestorePhase.FAILED_VALIDATION, RestorePhase.DELETING];

export function isRestoreFinal(restore: Restore): boolean {
  return FINAL_PHASES.includes(restore.phase);
}

const RESTORE_VIEW: RunView<Restore> = { noun: "restore", phaseName: (phase) => enumName(RestorePhaseSchema, phase), isFinal: isRestoreFinal, volumesBesideItems: true };

/**
 * `IN_PROGRESS apply 120/300 items`: the phase, then the progress while there is one, with
 * ` · volumes 1/3 · 412.0 MiB of 2.0 GiB` once the restore has volume data to write.
 */
export function restoreProgressText(restore: Restore): string {
  return runProgressText(RESTORE_VIEW, restore);
}

/** `[########------------]  40% IN_PROGRESS apply 120/300 items`, at most `width` characters. */
export function restoreProgressBar(restore: Restore, width: number, barWidth = 20): string {
  return runProgressBar(RESTORE_VIEW, restore, width, barWidth);
}

/**
 * Polls restore `id` until it is in a final phase, showing progress on `stream` (one line redrawn
 * on a terminal; a plain line per change, at most every 10 s while counts move, otherwise).
 * An UNAVAILABLE hub is polled again for up to 60 s; other errors end the wait.
 */
export async function waitForRestore(id: string, get: (id: string) => Promise<Restore>, stream: ProgressStream, options: { pollMs?: number; unreachableMs?: number } = {}): Promise<Restore> {
  const unreachableMs = options.unreachableMs ?? 60_000;
  const started = Date.now();
  const display = startRunProgressDisplay(RESTORE_VIEW, stream);
  let unreachableSince: number | undefined;
  try {
    for (;;) {
      let restore: Restore | undefined;
      try {
        restore = await get(id);
        unreachableSince = undefined;
      } catch (err) {
        if (!(isLifeboatError(err) && err.code === "UNAVAILABLE")) throw err;
        unreachableSince ??= Date.now();
        if (Date.now() - unreachableSince >= unreachableMs) throw err;
      }
      if (restore) {
        display.show([restore]);
        if (isRestoreFinal(restore)) return restore;
      }
      await new Promise((resolve) => setTimeout(resolve, waitIntervalMs(Date.now() - started, options.pollMs)));
    }
  } finally {
    display.done();
  }
}

/** Why `--wait` exits 1, or undefined when the restore COMPLETED: its phase and where to look. */
export function restoreWaitOutcome(restore: Restore): string | undefined {
  if (restore.phase === RestorePhase.COMPLETED) return undefined;
  const phase = enumName(RestorePhaseSchema, restore.phase);
  const why =
    restore.phase === RestorePhase.PARTIALLY_FAILED
      ? `${restore.summary?.failed ?? 0} items failed`
      : restore.phase === RestorePhase.FAILED_VALIDATION
        ? restore.validationErrors.join("; ")
        : restore.failureReason;
  return `restore ${restore.id} ended ${phase}${why ? `: ${why}` : ""} (lifeboat restore describe ${restore.id})`;
}
