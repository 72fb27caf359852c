import { describe, expect, it } from "vitest";
import type { VolumeProgress } from "../contract.js";
import { ProgressReporter } from "./progress-reporter.js";

describe("ProgressReporter", () => {
  it("writes the newest counters at most once a period and nothing when they did not change", async () => {
    const sent: VolumeProgress[] = [];
    const reporter = new ProgressReporter(async (p) => void sent.push(p), () => undefined, 50);
    for (let i = 1; i <= 100; i++) reporter.update({ bytesDone: i, filesDone: i });
    await new Promise((resolve) => setTimeout(resolve, 130));
    await reporter.stop();
    expect(sent.length).toBeLessThanOrEqual(4);
    expect(sent.at(-1)).toMatchObject({ bytesDone: 100, filesDone: 100 });
    const before = sent.length;
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(sent.length).toBe(before);
  });

  it("keeps reporting after a failed write", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const reporter = new ProgressReporter(async () => {
      calls++;
      if (calls === 1) throw new Error("conflict");
    }, (err) => errors.push(err), 20);
    await new Promise((resolve) => setTimeout(resolve, 10));
    reporter.update({ bytesDone: 5 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    await reporter.stop();
    expect(errors).toHaveLength(1);
    expect(calls).toBeGreaterThanOrEqual(2);
  });
});
