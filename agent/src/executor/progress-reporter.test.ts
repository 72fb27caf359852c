import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TaskProgress } from "@lifeboat/proto";
import { ProgressReporter } from "./progress-reporter.js";

describe("ProgressReporter", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends a task's updates at most once a second, the latest one winning", () => {
    const sent: TaskProgress[] = [];
    const reporter = new ProgressReporter((p) => sent.push(p), 60_000);
    reporter.update({ percent: 10, message: "listing namespaces" });
    reporter.update({ percent: 20 });
    reporter.update({ percent: 30, counters: { items: 5 } });
    expect(sent.map((p) => p.percent)).toEqual([10]);
    vi.advanceTimersByTime(1_000);
    expect(sent.map((p) => p.percent)).toEqual([10, 30]);
    expect(sent[1]).toMatchObject({ message: "listing namespaces", counters: { items: 5n } });
    reporter.stop();
  });

  it("resends the latest reading every third of the lease, and nothing after stop", () => {
    const sent: TaskProgress[] = [];
    const reporter = new ProgressReporter((p) => sent.push(p), 30_000);
    reporter.update({ percent: 40 });
    vi.advanceTimersByTime(30_000);
    expect(sent).toHaveLength(4);
    reporter.setLeaseDuration(3_000);
    vi.advanceTimersByTime(3_000);
    expect(sent).toHaveLength(7);
    reporter.stop();
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(7);
    expect(sent.every((p) => p.percent === 40)).toBe(true);
  });
});
