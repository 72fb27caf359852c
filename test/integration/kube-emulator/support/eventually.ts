// Waiting for what the emulator's controllers do in the background (CRD establishment,
// garbage collection, namespace termination): poll until it shows or a deadline passes.
import { setTimeout as sleep } from "node:timers/promises";

/** Polls `probe` every 25 ms until it returns a value other than undefined, and returns that value. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
