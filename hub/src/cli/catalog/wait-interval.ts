// How often `--wait` asks the hub: often at first, since most restores and backups of a few
// namespaces end within seconds and a second's wait would be most of the command's time, then
// once a second, so a long run costs the hub one read a second per waiting command.

const FIRST_MS = 10_000;
const EARLY_POLL_MS = 250;
const POLL_MS = 1_000;

/** The pause before the next poll, `elapsedMs` after the wait began; `fixedMs` when given. */
export function waitIntervalMs(elapsedMs: number, fixedMs?: number): number {
  if (fixedMs !== undefined) return fixedMs;
  return elapsedMs < FIRST_MS ? EARLY_POLL_MS : POLL_MS;
}
