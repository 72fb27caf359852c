import { describe, expect, it } from "vitest";
import { measure, parseClock } from "./measure.js";

describe("measure", () => {
  it("parses time's clock formats", () => {
    expect(parseClock("0:14.23")).toBeCloseTo(14.23);
    expect(parseClock("1:02:03")).toBe(3723);
  });

  it("reports wall time, peak RSS, CPU and the command's exit status and output", async () => {
    // About 64 MiB touched: the peak must show it.
    const script = "const b = Buffer.alloc(64 * 1024 * 1024, 1); console.log(b[0]); process.exit(3);";
    const m = await measure(process.execPath, ["-e", script]);
    expect(m.exitCode).toBe(3);
    expect(m.stdout.trim()).toBe("1");
    expect(m.peakRssMiB).toBeGreaterThan(64);
    expect(m.wallS).toBeGreaterThan(0);
    expect(m.cpuS).toBeGreaterThanOrEqual(0);
  });
});
