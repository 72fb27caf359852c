import { describe, expect, it } from "vitest";
import { judgeFlatness, judgeRun, renderResult, type FlatnessPoint, type LifeboatPhase, type ResticPhase, type VolumesRun } from "./report.js";

const lb = (wallS: number, peakRssMiB: number, extra: Partial<LifeboatPhase> = {}): LifeboatPhase => ({ wallS, peakRssMiB, startRssMiB: 80, peakExact: true, cpuS: 1, load1: 1.5, loadMax: 2, ...extra });
const rs = (wallS: number, peakRssMiB: number): ResticPhase => ({ wallS, peakRssMiB, cpuS: 2, load1: 1, loadMax: 1.2 });

const run: VolumesRun = {
  scale: 1,
  datasetBytes: 2_200_000_000,
  datasetFiles: 21_001,
  changedFiles: 210,
  phases: {
    first: { lifeboat: lb(10, 150, { taskS: 9, volumeS: 8 }), restic: rs(25, 100) },
    nochange: { lifeboat: lb(2, 90, { bytesRead: 0 }), restic: rs(3, 100) },
    change: { lifeboat: lb(1, 90, { bytesRead: 13_000_000 }), restic: rs(4, 100) },
    restore: { lifeboat: lb(10, 120), restic: rs(14, 120) },
  },
};

describe("volume benchmark verdicts", () => {
  it("compares each phase with restic's on the targets' terms", () => {
    const verdicts = judgeRun(run);
    expect(verdicts.map((v) => [v.target, v.measured, v.pass])).toEqual([
      ["first backup ≥ 2× restic's throughput", "2.50×", true],
      ["backup, nothing changed: ≤ ½ restic's time", "0.67× restic's time", false],
      ["backup, 1% of files changed: ≤ ½ restic's time", "0.25× restic's time", true],
      ["restore ≥ 1.5× restic's throughput", "1.40×", false],
      // The highest peak of any phase, each side: 150 against 120.
      ["node agent peak RSS ≤ 1.5× restic's", "150 vs 120 MiB (1.25×)", true],
    ]);
  });

  it("leaves out what was not measured", () => {
    expect(judgeRun({ ...run, phases: { first: { lifeboat: lb(10, 100) } } })).toEqual([]);
  });

  it("judges the node agent's memory flat within 15% from the smallest volume to the largest, whatever their order", () => {
    const point = (scale: number, peak: number): FlatnessPoint => ({ scale, datasetBytes: scale * 2 ** 30, datasetFiles: 1, first: { lifeboat: lb(1, peak), restic: rs(1, 50) } });
    expect(judgeFlatness([point(4, 114), point(1, 100)])).toEqual([{ target: "node agent peak RSS flat (±15%) from 1.0 to 4.0 GiB", measured: "100 → 114 MiB (+14%)", pass: true }]);
    expect(judgeFlatness([point(1, 100), point(4, 120)])[0]!.pass).toBe(false);
    expect(judgeFlatness([point(1, 100)])).toEqual([]);
  });

  it("renders one row per engine and phase, with MB/s over the whole dataset and a PASS/FAIL line per target", () => {
    const verdicts = judgeRun(run);
    const text = renderResult(
      { command: "npm run bench:volumes", machine: { cpus: 2, cpuModel: "cpu", memoryGiB: 23, node: "v20", restic: "restic 0.14.0", loadAverageAtStart: [1, 1, 1], loadAverageAtEnd: [2, 2, 2] }, run, flatness: [] },
      verdicts,
    );
    const row = text.split("\n").find((l) => l.startsWith("| first backup") && l.includes("lifeboat"))!;
    expect(row.split("|").map((c) => c.trim())).toEqual(["", "first backup", "lifeboat", "10.0", "220", "9.00", "8.00", "1.00", "150", "1.5 / 2.0", ""]);
    expect(text).toContain("backup, 1% of files changed 13.00 MB");
    expect(text).toContain("the node agent held 80 MiB when the phases started");
    expect(text.match(/\| (PASS|FAIL) \|/g)).toHaveLength(5);
  });
});
