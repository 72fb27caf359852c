/**
 * How long to wait between attempts to reach the hub. Our own few lines rather than p-retry or
 * exponential-backoff: the Connect loop is not "retry a call until it succeeds" (a stream that
 * ran for hours then dropped is not a failure to escalate), it must restart the escalation once a
 * stream has been healthy, and stop() must cut a wait short through an AbortSignal. p-retry's
 * jitter multiplies by 1–2 instead of spreading over the whole window, and exponential-backoff
 * takes no signal.
 */
export interface BackoffPolicy {
  /** Upper bound of the first wait, in ms. */
  initialMs: number;
  /** Upper bound of any wait, in ms. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000 };

/**
 * The wait before retry number `attempt` (0 for the first retry): exponential backoff with "full
 * jitter", uniform in [0, min(maxMs, initialMs · 2^attempt)). Spreading each wait over its whole
 * window is what keeps ten thousand agents from reconnecting in lockstep after a hub restart
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/** Resolves after `ms`; rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface RetryOptions {
  policy?: BackoffPolicy;
  signal?: AbortSignal;
  /** Whether a failure is worth another attempt; the others are thrown at once. */
  isRetryable: (err: unknown) => boolean;
  /** Told before each wait. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Calls `work` until it succeeds, waiting backoffDelay between attempts, for as long as its
 * failures are retryable and `signal` has not aborted (then it rejects with the signal's reason).
 */
export async function retryWithBackoff<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      options.signal?.throwIfAborted();
      if (!options.isRetryable(err)) throw err;
      const delay = backoffDelay(attempt, options.policy);
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}
