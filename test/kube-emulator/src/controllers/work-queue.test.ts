import { afterEach, describe, expect, it, vi } from "vitest";
import { WorkQueue } from "./work-queue.js";

describe("WorkQueue.addAfter", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function queue(): { q: WorkQueue<string>; handled: string[] } {
    const handled: string[] = [];
    return { q: new WorkQueue<string>((key) => handled.push(key), () => undefined), handled };
  }

  it("adds the key once the delay has passed, and a key already waiting keeps the earlier time", async () => {
    vi.useFakeTimers();
    const { q, handled } = queue();
    q.addAfter("a", 1_000);
    q.addAfter("a", 5_000); // later: the earlier time stands
    q.addAfter("b", 3_000);
    q.addAfter("b", 500); // earlier: replaces
    await vi.advanceTimersByTimeAsync(600);
    expect(handled).toEqual(["b"]);
    await vi.advanceTimersByTimeAsync(500);
    expect(handled).toEqual(["b", "a"]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(handled).toEqual(["b", "a"]);
  });

  it("forgets a cancelled key, and stop() forgets them all", async () => {
    vi.useFakeTimers();
    const { q, handled } = queue();
    q.addAfter("a", 100);
    q.cancelAfter("a");
    q.addAfter("b", 100);
    q.stop();
    q.addAfter("c", 100);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(handled).toEqual([]);
  });
});
