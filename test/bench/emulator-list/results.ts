// Rows and the printed report of the list benchmark: rates, CPU and memory against the targets.
import type { MemorySample } from "../common/emulator-process.js";
import type { ListOutcome } from "./listers.js";
import { fmtInt, fmtMiB, fmtPct, fmtSec, GiB, median, table } from "../common/report.js";

export const targetRate = 20_000; // objects/s listed
export const targetRss = 1.5 * GiB; // emulator peak RSS at 100k objects

export interface ListRow {
  method: string;
  kind: string;
  objects: number;
  pages: number;
  runs: number;
  seconds: { median: number; min: number; max: number; first: number };
  objectsPerSecond: number;
  bytesPerObject?: number;
  /** Emulator CPU seconds per wall second over the counted runs (1.0 = one core busy). */
  emulatorCpu: number;
  /** Objects listed per emulator CPU second: the rate if the emulator were the only limit, on one core. */
  emulatorBoundRate: number;
  /** This process's CPU seconds per wall second over the counted runs (the client, for in-process listers). */
  clientCpu?: number;
  pass: boolean;
}

export interface PhaseMemory {
  phase: string;
  /** VmHWM over the phase (reset at its start). */
  peak: number;
  /** VmRSS at its end. */
  rssAfter: number;
}

export function row(method: string, kind: string, perRun: ListOutcome[], first: ListOutcome): ListRow {
  const seconds = perRun.map((o) => o.seconds);
  const med = median(seconds);
  const objects = perRun[0]!.items;
  const bytes = perRun[0]!.bytes;
  const total = (f: (o: ListOutcome) => number | undefined): number => perRun.reduce((s, o) => s + (f(o) ?? 0), 0);
  const wall = total((o) => o.seconds);
  const emulatorCpu = total((o) => o.emulatorCpu);
  const clientCpu = perRun.every((o) => o.clientCpu !== undefined) ? total((o) => o.clientCpu) : undefined;
  return {
    method,
    kind,
    objects,
    pages: perRun[0]!.pages,
    runs: perRun.length,
    seconds: { median: med, min: Math.min(...seconds), max: Math.max(...seconds), first: first.seconds },
    objectsPerSecond: objects / med,
    bytesPerObject: bytes !== undefined && objects > 0 ? bytes / objects : undefined,
    emulatorCpu: emulatorCpu / wall,
    emulatorBoundRate: total((o) => o.items) / emulatorCpu,
    clientCpu: clientCpu === undefined ? undefined : clientCpu / wall,
    pass: objects / med >= targetRate,
  };
}

/** The four kinds listed one after another, as a backup would: per run the sum of the kinds. */
export function allKindsRow(method: string, counted: ListOutcome[][], warmup: ListOutcome[]): ListRow {
  const sum = (outcomes: ListOutcome[]): ListOutcome => {
    const add = (f: (o: ListOutcome) => number | undefined): number => outcomes.reduce((s, o) => s + (f(o) ?? 0), 0);
    return {
      seconds: add((o) => o.seconds),
      items: add((o) => o.items),
      labelled: add((o) => o.labelled),
      bytes: outcomes.every((o) => o.bytes !== undefined) ? add((o) => o.bytes) : undefined,
      pages: add((o) => o.pages),
      emulatorCpu: add((o) => o.emulatorCpu),
      clientCpu: outcomes.every((o) => o.clientCpu !== undefined) ? add((o) => o.clientCpu) : undefined,
    };
  };
  return row(method, "all kinds", counted.map(sum), sum(warmup));
}

export function render(
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; kubectl: string; loadAverageAtStart: number[]; loadAverage: number[] },
  load: { concurrency: number; namespaces: number; namespaceSeconds: number; objects: number; objectSeconds: number; objectsPerSecond: number; meanRequestBytes: number; emulatorCpu: number },
  rows: ListRow[],
  memStart: MemorySample,
  phases: PhaseMemory[],
  peak: number,
): string {
  const out: string[] = [];
  out.push(
    `Machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, kubectl ${machine.kubectl}; ` +
      `load average ${machine.loadAverageAtStart[0]!.toFixed(1)} at the start, ${machine.loadAverage[0]!.toFixed(1)} at the end`,
  );
  out.push("");
  out.push(
    `Load: ${fmtInt(load.namespaces)} namespaces in ${fmtSec(load.namespaceSeconds)} s; ${fmtInt(load.objects)} objects ` +
      `(mean request body ${fmtInt(load.meanRequestBytes)} B) in ${fmtSec(load.objectSeconds)} s = ` +
      `${fmtInt(load.objectsPerSecond)} objects/s, ${load.concurrency} POSTs in flight; emulator CPU ${fmtPct(load.emulatorCpu)}`,
  );
  out.push("");
  out.push(
    table(
      ["list", "kind", "objects", "B/object", "first s", "median s (min–max)", "objects/s", "emulator CPU", "objects/emulator CPU-s", "client CPU", `≥ ${fmtInt(targetRate)}/s`],
      rows.map((r) => [
        r.method,
        r.kind,
        fmtInt(r.objects),
        r.bytesPerObject === undefined ? "–" : fmtInt(r.bytesPerObject),
        fmtSec(r.seconds.first),
        r.runs > 1 ? `${fmtSec(r.seconds.median)} (${fmtSec(r.seconds.min)}–${fmtSec(r.seconds.max)})` : fmtSec(r.seconds.median),
        fmtInt(r.objectsPerSecond),
        fmtPct(r.emulatorCpu),
        fmtInt(r.emulatorBoundRate),
        fmtPct(r.clientCpu),
        r.pass ? "PASS" : "FAIL",
      ]),
      [false, false, true, true, true, true, true, true, true, true, false],
    ),
  );
  out.push("");
  out.push(
    table(
      ["emulator memory, phase", "peak RSS (VmHWM)", "RSS after", `peak ≤ ${(targetRss / GiB).toFixed(1)} GiB`],
      [
        ["after start", "–", fmtMiB(memStart.rss), ""],
        ...phases.map((p) => [p.phase, fmtMiB(p.peak), fmtMiB(p.rssAfter), p.peak <= targetRss ? "PASS" : "FAIL"]),
        ["whole run", fmtMiB(peak), "", peak <= targetRss ? "PASS" : "FAIL"],
      ],
      [false, true, true, false],
    ),
  );
  out.push("");
  return `${out.join("\n")}\n`;
}

/** The targets, judged on the all-kinds rows of the timed lists. */
export function verdict(all: ListRow[], peak: number): string {
  const rate = all.map((r) => `${r.method.split(" ")[0]} ${fmtInt(r.objectsPerSecond)}/s`).join(", ");
  const bound = all.map((r) => fmtInt(r.emulatorBoundRate)).join(", ");
  return (
    `Target list rate ≥ ${fmtInt(targetRate)} objects/s, all kinds: ${all.every((r) => r.pass) ? "PASS" : "FAIL"} (${rate}); ` +
    `emulator alone: ${bound} objects per emulator CPU-second ${all.every((r) => r.emulatorBoundRate >= targetRate) ? "(PASS)" : "(FAIL)"}\n` +
    `Target emulator peak RSS ≤ ${(targetRss / GiB).toFixed(1)} GiB: ${peak <= targetRss ? "PASS" : "FAIL"} (${fmtMiB(peak)})\n`
  );
}
