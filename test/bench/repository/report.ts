import { fmtInt, table } from "../common/report.js";
import type { EngineName } from "./engines.js";

export type PhaseName = "first" | "nochange" | "change" | "restore";
export const PHASES: readonly PhaseName[] = ["first", "nochange", "change", "restore"];
export const PHASE_LABEL: Record<PhaseName, string> = {
  first: "first backup",
  nochange: "backup, nothing changed",
  change: "backup, 1% of files changed",
  restore: "full restore",
};

export interface PhaseResult {
  wallS: number;
  peakRssMiB: number;
  cpuS: number;
  /** The machine's 1-minute load average when the phase ended: others' work inflates wall times. */
  load1: number;
}

export interface EngineRun {
  phases: Partial<Record<PhaseName, PhaseResult>>;
  /** Repository bytes after the first backup and after the last one. */
  repoBytesFirst?: number;
  repoBytes?: number;
}

export interface RepositoryRun {
  scale: number;
  tinyFiles?: number;
  datasetBytes: number;
  datasetFiles: number;
  changedFiles: number;
  generateS: number;
  engines: Partial<Record<EngineName, EngineRun>>;
}

export const TARGET = {
  firstThroughput: 2,
  incrementalTime: 0.5,
  restoreThroughput: 1.5,
  peakRss: 1.5,
  rssFlat: 0.15,
  tinyRssMiB: 1024,
} as const;

export interface Verdict {
  target: string;
  measured: string;
  pass: boolean;
}

const ratio = (x: number) => `${x.toFixed(2)}×`;
const peakOf = (run: EngineRun, phases: readonly PhaseName[] = PHASES) => Math.max(0, ...phases.map((p) => run.phases[p]?.peakRssMiB ?? 0));

/** The targets that can be judged from one run (both engines needed for the comparisons). */
export function judge(run: RepositoryRun): Verdict[] {
  const out: Verdict[] = [];
  const l = run.engines.lifeboat;
  const r = run.engines.restic;
  if (run.tinyFiles !== undefined) {
    if (l?.phases.first) {
      out.push({ target: `${fmtInt(run.tinyFiles)} tiny files: first backup peak RSS ≤ ${TARGET.tinyRssMiB} MiB`, measured: `${fmtInt(l.phases.first.peakRssMiB)} MiB`, pass: l.phases.first.peakRssMiB <= TARGET.tinyRssMiB });
    }
    return out;
  }
  if (!l || !r) return out;
  const lp = l.phases;
  const rp = r.phases;
  if (lp.first && rp.first) {
    const x = rp.first.wallS / lp.first.wallS;
    out.push({ target: `first backup ≥ ${TARGET.firstThroughput}× restic's throughput`, measured: ratio(x), pass: x >= TARGET.firstThroughput });
  }
  for (const phase of ["nochange", "change"] as const) {
    const a = lp[phase];
    const b = rp[phase];
    if (!a || !b) continue;
    const x = a.wallS / b.wallS;
    out.push({ target: `${PHASE_LABEL[phase]}: ≤ ½ restic's time`, measured: `${ratio(x)} restic's time`, pass: x <= TARGET.incrementalTime });
  }
  if (lp.restore && rp.restore) {
    const x = rp.restore.wallS / lp.restore.wallS;
    out.push({ target: `restore ≥ ${TARGET.restoreThroughput}× restic's throughput`, measured: ratio(x), pass: x >= TARGET.restoreThroughput });
  }
  const lPeak = peakOf(l);
  const rPeak = peakOf(r);
  if (lPeak > 0 && rPeak > 0) {
    out.push({ target: `peak RSS ≤ ${TARGET.peakRss}× restic's`, measured: `${fmtInt(lPeak)} vs ${fmtInt(rPeak)} MiB (${ratio(lPeak / rPeak)})`, pass: lPeak <= TARGET.peakRss * rPeak });
  }
  if (l.repoBytes !== undefined && r.repoBytes !== undefined) {
    out.push({ target: "repository size ≤ restic's", measured: `${mb(l.repoBytes)} vs ${mb(r.repoBytes)} MB (${ratio(l.repoBytes / r.repoBytes)})`, pass: l.repoBytes <= r.repoBytes });
  }
  return out;
}

/** Peak RSS of the 4× run against the 1× run, per engine and phase. */
export function judgeFlat(small: RepositoryRun, large: RepositoryRun): { rows: string[][]; verdicts: Verdict[] } {
  const rows: string[][] = [];
  const verdicts: Verdict[] = [];
  for (const engine of ["lifeboat", "restic"] as const) {
    const a = small.engines[engine];
    const b = large.engines[engine];
    if (!a || !b) continue;
    let worst = 0;
    for (const phase of PHASES) {
      const x = a.phases[phase];
      const y = b.phases[phase];
      if (!x || !y) continue;
      const growth = y.peakRssMiB / x.peakRssMiB - 1;
      worst = Math.max(worst, Math.abs(growth));
      rows.push([PHASE_LABEL[phase], engine, fmtInt(x.peakRssMiB), fmtInt(y.peakRssMiB), `${growth >= 0 ? "+" : ""}${Math.round(growth * 100)}%`]);
    }
    if (engine === "lifeboat") {
      verdicts.push({ target: `peak RSS flat (±${TARGET.rssFlat * 100}%) at 4× the dataset`, measured: `worst ${Math.round(worst * 100)}%`, pass: worst <= TARGET.rssFlat });
    }
  }
  return { rows, verdicts };
}

export const mb = (bytes: number): string => fmtInt(bytes / 1e6);
const sec = (s: number) => (s < 10 ? s.toFixed(2) : s.toFixed(1));
const passFail = (ok: boolean) => (ok ? "PASS" : "FAIL");

export function renderRun(run: RepositoryRun): string {
  const header = ["phase", "engine", "wall s", "MB/s", "files/s", "CPU s", "peak RSS MiB", "load"];
  const rows: string[][] = [];
  for (const phase of PHASES) {
    for (const engine of ["lifeboat", "restic"] as const) {
      const p = run.engines[engine]?.phases[phase];
      if (!p) continue;
      rows.push([PHASE_LABEL[phase], engine, sec(p.wallS), fmtInt(run.datasetBytes / 1e6 / p.wallS), fmtInt(run.datasetFiles / p.wallS), sec(p.cpuS), fmtInt(p.peakRssMiB), p.load1.toFixed(1)]);
    }
  }
  const what = run.tinyFiles !== undefined ? `${fmtInt(run.tinyFiles)} files of 100 bytes` : `scale ${run.scale}: ${fmtInt(run.datasetFiles)} files, ${mb(run.datasetBytes)} MB`;
  const repo = (["lifeboat", "restic"] as const)
    .filter((e) => run.engines[e]?.repoBytes !== undefined)
    .map((e) => `${e} ${mb(run.engines[e]!.repoBytesFirst ?? 0)} MB after the first backup, ${mb(run.engines[e]!.repoBytes!)} MB after the last`)
    .join("; ");
  const verdicts = judge(run);
  const targets = verdicts.length > 0 ? `\n\n${table(["target", "measured", ""], verdicts.map((v) => [v.target, v.measured, passFail(v.pass)]))}` : "";
  return (
    `### ${what}\n\n` +
    `${table(header, rows, header.map((_, i) => i > 1))}\n\n` +
    `MB/s and files/s: the whole dataset (${mb(run.datasetBytes)} MB, ${fmtInt(run.datasetFiles)} files) over the wall time, for every phase. Load: the 1-minute load average at the end of the phase (above the core count, other work was competing). ` +
    (run.changedFiles > 0 ? `The change: ${fmtInt(run.changedFiles)} files rewritten in part. ` : "") +
    `Repository size: ${repo || "–"}.` +
    targets +
    "\n"
  );
}

export function renderFlat(small: RepositoryRun, large: RepositoryRun): string {
  const { rows, verdicts } = judgeFlat(small, large);
  return (
    `### Peak RSS, scale ${small.scale} → ${large.scale}\n\n` +
    `${table(["phase", "engine", `scale ${small.scale} MiB`, `scale ${large.scale} MiB`, "growth"], rows, [false, false, true, true, true])}` +
    (verdicts.length > 0 ? `\n\n${table(["target", "measured", ""], verdicts.map((v) => [v.target, v.measured, passFail(v.pass)]))}` : "") +
    "\n"
  );
}
