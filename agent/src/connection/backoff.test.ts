import { LifeboatError } from "@lifeboat/shared";
import { describe, expect, it } from "vitest";
import { backoffDelay, retryWithBackoff, sleep } from "./backoff.js";

const policy = { initialMs: 100, maxMs: 1_000 };

describe("backoffDelay", () => {
  it("spreads each wait over [0, initial · 2^attempt), capped at max", () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(0);
    expect(backoffDelay(0, policy, () => 0.999999)).toBe(99);
    expect(backoffDelay(2, policy, () => 0.999999)).toBe(399);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(400);
    expect(backoffDelay(4, policy, () => 0.999999)).toBe(999);
    // Far past the cap the exponent overflows to Infinity; the cap still holds.
    expect(backoffDelay(5_000, policy, () => 0.999999)).toBe(999);
  });

  it("stays within its bounds for random draws", () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** attempt);
      for (let i = 0; i < 200; i++) {
        const delay = backoffDelay(attempt, policy);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });
});

describe("sleep", () => {
  it("rejects with the signal's reason as soon as it aborts", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = sleep(10_000, controller.signal);
    setTimeout(() => controller.abort(new Error("stopping")), 20);
    await expect(waiting).rejects.toThrow("stopping");
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe("retryWithBackoff", () => {
  it("retries retryable failures until the work succeeds", async () => {
    let calls = 0;
    const retries: number[] = [];
    const value = await retryWithBackoff(
      async () => {
        if (++calls < 3) throw new LifeboatError("UNAVAILABLE", "hub down", { retryable: true });
        return "ok";
      },
      { policy: { initialMs: 5, maxMs: 10 }, isRetryable: () => true, onRetry: (_err, attempt) => retries.push(attempt) },
    );
    expect(value).toBe("ok");
    expect(retries).toEqual([0, 1]);
  });

  it("throws a failure that is not retryable at once", async () => {
    let calls = 0;
    const refused = new LifeboatError("UNAUTHENTICATED", "token refused");
    await expect(
      retryWithBackoff(
        async () => {
          calls++;
          throw refused;
        },
        { isRetryable: (err) => (err as LifeboatError).retryable },
      ),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });
});
