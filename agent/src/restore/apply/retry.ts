import { isLifeboatError } from "@lifeboat/shared";
import { setTimeout as sleep } from "node:timers/promises";
import pRetry from "p-retry";

/** How often one API request is tried, and the first backoff delay (it doubles, with jitter, up to 32×). */
export interface RetryPolicy {
  attempts: number;
  minDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, minDelayMs: 250 };

/**
 * `run` until it succeeds, a failure is not retryable, or the attempts are spent; then its last
 * error. Retryable are the LifeboatErrors marked so: toKubeError marks 5xx, 429, 409 Conflict, 410
 * and no answer at all. Jitter spreads the retries of items that failed together (a 500 burst),
 * so they do not hit the server again in step. An aborted `signal` rejects with its reason.
 */
export async function withRetry<T>(run: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  signal?.throwIfAborted();
  // Most requests succeed at once: only a retryable failure pays for the retry machinery.
  try {
    return await run();
  } catch (err) {
    if (!isRetryable(err) || policy.attempts <= 1 || signal?.aborted) throw err;
  }
  // The first backoff, as p-retry would have waited it (randomize: between 1× and 2× the delay).
  await sleep(policy.minDelayMs * (1 + Math.random()), undefined, { signal });
  return pRetry(run, {
    retries: Math.max(0, policy.attempts - 2),
    minTimeout: policy.minDelayMs * 2,
    maxTimeout: policy.minDelayMs * 32,
    factor: 2,
    randomize: true,
    signal,
    shouldRetry: ({ error }) => isRetryable(error),
  });
}

function isRetryable(error: unknown): boolean {
  return isLifeboatError(error) && error.retryable;
}
