// Following a running restore for `--wait`: poll it until it ends, showing how far it has got.
import { RestorePhase, RestorePhaseSchema, type Restore } from "@lifeboat/proto";
import { isLifeboatError } from "@lifeboat/shared/errors";
import { enumName } from "../arguments.js";
import type { ProgressStream } from "../backup/backup-progress.js";

/** Phases a restore does not leave (DELETING included: waiting on it would never end). */
const FINAL_PHASES: readonly RestorePhase[] = [RestorePhase.COMPLETED, RestorePhase.PARTIALLY_FAILED, RestorePhase.FAILED, RestorePhase.FAILED_VALIDATION, RestorePhase.DELETING];

export function isRestoreFinal(restore: Restore): boolean {
  return FINAL_PHASES.includes(restore.phase);
}

/** `IN_PROGRESS apply 120/300 items`: the phase, then the progress while there is one. */
export function restoreProgressText(restore: Restore): string {
  const parts = [enumName(RestorePhaseSchema, restore.phase) || "UNKNOWN"];
  const p = restore.progress;
  if (p && !isRestoreFinal(restore)) {
    if (p.stage) parts.push(p.stage);
    if (p.itemsTotal > 0n || p.itemsDone > 0n) parts.push(p.itemsTotal > 0n ? `${p.itemsDone}/${p.itemsTotal} items` : `${p.itemsDone} items`);
  }
  return parts.join(" ");
}

/** `[########------------]  40% IN_PROGRESS apply 120/300 items`, at most `width` characters. */
export function restoreProgressBar(restore: Restore, width: number, barWidth = 20): string {
  const p = restore.progress;
  const share = isRestoreFinal(restore) ? 1 : p && p.itemsTotal > 0n ? Math.min(1, Number(p.itemsDone) / Number(p.itemsTotal)) : 0;
  const filled = Math.round(share * barWidth);
  const line = `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${restoreProgressText(restore)}`;
  return line.length > width ? line.slice(0, Math.max(0, width - 1)) + "…" : line;
}

const PLAIN_EVERY_MS = 10_000;

/**
 * Polls restore `id` until it is in a final phase, showing progress on `stream` (one line redrawn
 * on a terminal; a plain line per change, at most every 10 s while counts move, otherwise).
 * An UNAVAILABLE hub is polled again for up to 60 s; other errors end the wait.
 */
export async function waitForRestore(id: string, get: (id: string) => Promise<Restore>, stream: ProgressStream, options: { pollMs?: number; unreachableMs?: number } = {}): Promise<Restore> {
  const pollMs = options.pollMs ?? 1_000;
  const unreachableMs = options.unreachableMs ?? 60_000;
  let unreachableSince: number | undefined;
  let said: { text: string; key: string; at: number } | undefined;
  let drawn = false;
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
        const label = `${restore.clusterName || restore.clusterId} `;
        if (stream.isTTY) {
          const width = (stream.columns || 100) - 1;
          stream.write(`\r${label}${restoreProgressBar(restore, Math.max(20, width - label.length))}\x1b[K`);
          drawn = true;
        } else {
          const text = restoreProgressText(restore);
          const key = `${restore.phase} ${restore.progress?.stage ?? ""}`;
          if (said?.text !== text && (said?.key !== key || Date.now() - said.at >= PLAIN_EVERY_MS)) {
            stream.write(`restore ${restore.id} (${label.trim()}): ${text}\n`);
            said = { text, key, at: Date.now() };
          }
        }
        if (isRestoreFinal(restore)) return restore;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } finally {
    if (drawn) stream.write("\r\x1b[K");
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
