// The volume benchmark's figures, its verdicts (the repository benchmark's targets, here for the
// volume path through hub and agents) and its Markdown.
import { fmtInt, table } from "../common/report.js";
import type { Verdict } from "../backup/report.js";
import { PHASES, TARGET, type PhaseName } from "../repository/report.js";

export { PHASES, type PhaseName };

export const PHASE_LABEL: Record<PhaseName, string> = {
  first: "first backup",
  nochange: "backup, nothing changed",
  change: "backup, 1% of files changed",
  restore: "restore into a new claim",
};

/** Lifeboat's side of a phase: the CLI command's wall time, the node agent's memory and CPU. */
export interface LifeboatPhase {
  /** `backup create --wait` / `restore create --wait`, start to exit, s. */
  wallS: number;
  /** The record's create to start time: the task queued on the hub until the cluster agent took it, s. */
  queuedS?: number;
  /** The record's start to completion time: the task on the cluster agent, without queueing and the CLI's polling, s. */
  taskS?: number;
  /** The volume's own copy time from the summary (VolumeBackup/VolumeRestore duration), s. */
  volumeS?: number;
  /** Node agent peak RSS during the phase, MiB. */
  peakRssMiB: number;
  /** Node agent RSS when the phase started, MiB: what it holds idle. */
  startRssMiB: number;
  /** False when the peak was sampled rather than the kernel's VmHWM. */
  peakExact: boolean;
  /** Node agent CPU during the phase, s. */
  cpuS: number;
  /** Cluster agent peak RSS during the phase, MiB (for the record; no target). */
  clusterAgentPeakRssMiB?: number;
  /** Bytes the node agent read (changed files); the rest came unread from the parent. */
  bytesRead?: number;
  load1: number;
  loadMax: number;
}

export interface ResticPhase {
  wallS: number;
  peakRssMiB: number;
  cpuS: number;
  load1: number;
  loadMax: number;
}

export interface PhasePair {
  lifeboat?: LifeboatPhase;
  restic?: ResticPhase;
}

export interface VolumesRun {
  scale: number;
  datasetBytes: number;
  datasetFiles: number;
  changedFiles: number;
  phases: Partial<Record<PhaseName, PhasePair>>;
}

/** A first backup at one scale, for the node agent's memory against the volume's size. */
export interface FlatnessPoint {
  scale: number;
  datasetBytes: number;
  datasetFiles: number;
  first: PhasePair;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  restic: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
}

export interface VolumesBenchResult {
  command: string;
  machine: Machine;
  run?: VolumesRun;
  flatness: FlatnessPoint[];
}

const gibOf = (bytes: number) => (bytes / 2 ** 30).toPrecision(2);
const ratio = (x: number) => `${x.toFixed(2)}×`;
export const mb = (bytes: number): string => fmtInt(bytes / 1e6);
const sec = (s: number) => (s < 10 ? s.toFixed(2) : s.toFixed(1));
const passFail = (ok: boolean) => (ok ? "PASS" : "FAIL");

function peakOf(run: VolumesRun, side: "lifeboat" | "restic"): number {
  return Math.max(0, ...PHASES.map((p) => run.phases[p]?.[side]?.peakRssMiB ?? 0));
}

/** The run's verdicts: throughput and time against restic's per phase, and peak memory. */
export function judgeRun(run: VolumesRun): Verdict[] {
  const out: Verdict[] = [];
  const first = run.phases.first;
  if (first?.lifeboat && first.restic) {
    const x = first.restic.wallS / first.lifeboat.wallS;
    out.push({ target: `first backup ≥ ${TARGET.firstThroughput}× restic's throughput`, measured: ratio(x), pass: x >= TARGET.firstThroughput });
  }
  for (const phase of ["nochange", "change"] as const) {
    const pair = run.phases[phase];
    if (!pair?.lifeboat || !pair.restic) continue;
    const x = pair.lifeboat.wallS / pair.restic.wallS;
    out.push({ target: `${PHASE_LABEL[phase]}: ≤ ½ restic's time`, measured: `${ratio(x)} restic's time`, pass: x <= TARGET.incrementalTime });
  }
  const restore = run.phases.restore;
  if (restore?.lifeboat && restore.restic) {
    const x = restore.restic.wallS / restore.lifeboat.wallS;
    out.push({ target: `restore ≥ ${TARGET.restoreThroughput}× restic's throughput`, measured: ratio(x), pass: x >= TARGET.restoreThroughput });
  }
  const l = peakOf(run, "lifeboat");
  const r = peakOf(run, "restic");
  if (l > 0 && r > 0) {
    out.push({ target: `node agent peak RSS ≤ ${TARGET.peakRss}× restic's`, measured: `${fmtInt(l)} vs ${fmtInt(r)} MiB (${ratio(l / r)})`, pass: l <= TARGET.peakRss * r });
  }
  return out;
}

/** Node agent peak RSS of the first backup at the largest scale against the smallest. */
export function judgeFlatness(points: readonly FlatnessPoint[]): Verdict[] {
  const measured = points.filter((p) => p.first.lifeboat).sort((a, b) => a.datasetBytes - b.datasetBytes);
  if (measured.length < 2) return [];
  const small = measured[0]!;
  const large = measured.at(-1)!;
  const growth = large.first.lifeboat!.peakRssMiB / small.first.lifeboat!.peakRssMiB - 1;
  const gib = (p: FlatnessPoint) => gibOf(p.datasetBytes);
  return [
    {
      target: `node agent peak RSS flat (±${TARGET.rssFlat * 100}%) from ${gib(small)} to ${gib(large)} GiB`,
      measured: `${fmtInt(small.first.lifeboat!.peakRssMiB)} → ${fmtInt(large.first.lifeboat!.peakRssMiB)} MiB (${growth >= 0 ? "+" : ""}${Math.round(growth * 100)}%)`,
      pass: Math.abs(growth) <= TARGET.rssFlat,
    },
  ];
}

function lifeboatRow(label: string, bytes: number, p: LifeboatPhase): string[] {
  const maybe = (x: number | undefined) => (x === undefined ? "–" : sec(x));
  return [label, "lifeboat", sec(p.wallS), fmtInt(bytes / 1e6 / p.wallS), maybe(p.taskS), maybe(p.volumeS), sec(p.cpuS), `${fmtInt(p.peakRssMiB)}${p.peakExact ? "" : "~"}`, `${p.load1.toFixed(1)} / ${p.loadMax.toFixed(1)}`];
}

function resticRow(label: string, bytes: number, p: ResticPhase): string[] {
  return [label, "restic", sec(p.wallS), fmtInt(bytes / 1e6 / p.wallS), "–", "–", sec(p.cpuS), fmtInt(p.peakRssMiB), `${p.load1.toFixed(1)} / ${p.loadMax.toFixed(1)}`];
}

const HEADER = ["phase", "engine", "wall s", "MB/s", "task s", "volume s", "CPU s", "peak RSS MiB", "load end / max"];
const RIGHT = HEADER.map((_, i) => i > 1);

export function renderRun(run: VolumesRun): string {
  const rows: string[][] = [];
  for (const phase of PHASES) {
    const pair = run.phases[phase];
    if (pair?.lifeboat) rows.push(lifeboatRow(PHASE_LABEL[phase], run.datasetBytes, pair.lifeboat));
    if (pair?.restic) rows.push(resticRow(PHASE_LABEL[phase], run.datasetBytes, pair.restic));
  }
  const starts = PHASES.map((p) => run.phases[p]?.lifeboat?.startRssMiB).filter((x): x is number => x !== undefined);
  const idle = starts.length ? (Math.min(...starts) === Math.max(...starts) ? fmtInt(starts[0]!) : `${fmtInt(Math.min(...starts))}–${fmtInt(Math.max(...starts))}`) : "";
  const read = (["nochange", "change"] as const)
    .map((phase) => ({ phase, p: run.phases[phase]?.lifeboat }))
    .filter(({ p }) => p?.bytesRead !== undefined)
    .map(({ phase, p }) => `${PHASE_LABEL[phase]} ${(p!.bytesRead! / 1e6).toFixed(2)} MB`)
    .join(", ");
  return (
    `### Scale ${run.scale}: ${fmtInt(run.datasetFiles)} files, ${mb(run.datasetBytes)} MB in one claim` +
    (run.changedFiles > 0 ? ` (${fmtInt(run.changedFiles)} changed for the third backup)` : "") +
    `\n\n${table(HEADER, rows, RIGHT)}\n\n` +
    "Lifeboat's wall time is `lifeboat backup create --wait` (or `restore create --wait`) from start to exit, through hub, cluster agent and node agent; " +
    "task s is the record's start to completion (the cluster agent's task, without queueing and the CLI's polling); " +
    "volume s is the claim's copy alone, from the summary's volume duration. MB/s: the whole dataset over the wall time. " +
    "CPU and peak RSS: Lifeboat's node agent (VmHWM reset before each phase; ~ when sampled), restic's process" +
    (idle.length ? `; the node agent held ${idle} MiB when the phases started` : "") +
    ". " +
    "Load: the 1-minute load average at the end of the phase and its highest during it." +
    (read ? ` Bytes the node agent read: ${read}.` : "") +
    "\n"
  );
}

export function renderFlatness(points: readonly FlatnessPoint[]): string {
  const rows: string[][] = [];
  for (const p of points) {
    const label = `first backup, ${gibOf(p.datasetBytes)} GiB (scale ${p.scale})`;
    if (p.first.lifeboat) rows.push(lifeboatRow(label, p.datasetBytes, p.first.lifeboat));
    if (p.first.restic) rows.push(resticRow(label, p.datasetBytes, p.first.restic));
  }
  return `### Node agent memory against the volume's size\n\n${table(HEADER, rows, RIGHT)}\n`;
}

export function renderResult(result: VolumesBenchResult, verdicts: readonly Verdict[]): string {
  const m = result.machine;
  const parts = [
    `## Volume benchmark\n\n\`${result.command}\`\n`,
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.restic}; load average ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(" ")} at start, ${m.loadAverageAtEnd.map((x) => x.toFixed(2)).join(" ")} at end.\n`,
  ];
  if (result.run) parts.push(renderRun(result.run));
  if (result.flatness.length > 0) parts.push(renderFlatness(result.flatness));
  if (verdicts.length > 0) parts.push(`${table(["target", "measured", ""], verdicts.map((v) => [v.target, v.measured, passFail(v.pass)]))}\n`);
  return parts.join("\n");
}
