import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { MiB } from "../common/report.js";
import { procMemory, watchPeak, type MemoryProbe } from "./process-peak.js";

// A long-running process whose memory the test moves: "alloc N" holds N MiB more (pages touched),
// "free" lets go of all of it and collects; each command is answered with "ok".
const HOLDER = `
const held = [];
require("node:readline").createInterface({ input: process.stdin }).on("line", (line) => {
  const [cmd, n] = line.split(" ");
  if (cmd === "alloc") held.push(Buffer.alloc(Number(n) * 1024 * 1024, 1));
  if (cmd === "free") { held.length = 0; global.gc(); }
  process.stdout.write("ok\\n");
});`;

let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

async function startHolder(): Promise<(command: string) => Promise<void>> {
  child = spawn(process.execPath, ["--expose-gc", "-e", HOLDER]);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return async (command: string) => {
    child!.stdin.write(`${command}\n`);
    const answer = await lines.next();
    expect(answer.value).toBe("ok");
  };
}

describe("watchPeak", () => {
  it("gives each phase its own peak: an earlier, larger peak does not carry over", async () => {
    const send = await startHolder();
    const pid = child!.pid!;
    await send("alloc 200");
    await send("free");

    const watch = watchPeak(pid);
    await send("alloc 40");
    const phase = watch.end();
    expect(phase.exact).toBe(true);
    // The 200 MiB of before is gone from this phase's peak; the 40 MiB of this phase is in it.
    expect(phase.peakRssMiB).toBeLessThan(160);
    expect(phase.peakRssMiB).toBeGreaterThanOrEqual(phase.endRssMiB);
    expect(phase.endRssMiB).toBeGreaterThan(40);
    expect(phase.endRssMiB - watch.startRssMiB).toBeGreaterThan(35);
  });

  it("samples RSS when the kernel refuses the reset", async () => {
    const readings = [10, 30, 20].map((m) => ({ rss: m * MiB, hwm: 500 * MiB }));
    let i = 0;
    const probe: MemoryProbe = { reset: () => false, read: () => readings[Math.min(i++, readings.length - 1)]! };
    const watch = watchPeak(4242, probe, 5);
    expect(watch.startRssMiB).toBe(10);
    await new Promise((r) => setTimeout(r, 40));
    expect(watch.end()).toEqual({ peakRssMiB: 30, endRssMiB: 20, exact: false });
  });

  it("fails when the process is gone", () => {
    expect(() => watchPeak(2 ** 22 + 12345, procMemory)).toThrow(/status/);
  });
});
