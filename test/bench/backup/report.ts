// The backup benchmark's figures, its targets and their Markdown rendering.
import { fmtInt, table } from "../common/report.js";
import type { LoadFigures } from "./load.js";
import type { ListPass } from "./reference.js";

/** The issue's targets. */
export const TARGET = {
  /** Backup wall time at most this many times the kubectl paginated lists' time. */
  kubectlRatio: 1.5,
  /** Items backed up per second of the backup, at least. */
  objectsPerSecond: 5000,
  /** Peak RSS of the process running the backup, MiB, at most. */
  peakRssMiB: 512,
  /** A backup with nothing changed grows the repository by less than this share of the first. */
  unchangedGrowth: 0.01,
} as const;

/** One backup as measured. */
export interface BackupFigures {
  label: string;
  /** Inside the task kind's run(): what an agent already running spends on the task. */
  runS: number;
  /** Seconds per stage of the backup, in order (from its progress reports). */
  stageSeconds: Array<[string, number]>;
  /** The runner process from spawn to exit (Node start and module loading included). */
  processS: number;
  cpuS: number;
  /** The emulator's CPU seconds while the backup ran. */
  emulatorCpuS: number;
  /** Maximum resident set size, /usr/bin/time -v, MiB. */
  peakRssMiB: number;
  phase: string;
  items: number;
  itemVersions: number;
  /** Bytes of item JSON the backup serialized. */
  bytes: number;
  /** What the backup says it added to the repository. */
  bytesAdded: number;
  warnings: number;
  errors: number;
  /** The repository after this backup: apparent bytes, files, disk usage (du). */
  repoBytes: number;
  repoFiles: number;
  repoDiskBytes: number;
  /** Apparent bytes per top-level entry of the repository ("packs", "backups", …). */
  repoByEntry: Record<string, number>;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kubectl: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
}

export interface BackupBenchResult {
  command: string;
  machine: Machine;
  config: { objects: number; namespaces: number; perKind: Record<string, number>; limit: number; concurrency: number; listConcurrency: number; k8sVersion: string; runner: string };
  load: LoadFigures;
  /** Resources × served versions a backup reads. */
  listTargets: number;
  reference: {
    firstHttp: ListPass;
    kubectl: ListPass;
    http: ListPass;
    /** Fastest wall time of one `kubectl get --raw /version`: kubectl's cost per process. */
    kubectlStartS: number;
  };
  /** Bytes of the repository just after Repository.init. */
  emptyRepoBytes: number;
  backups: BackupFigures[];
}

export interface Verdict {
  target: string;
  measured: string;
  pass: boolean;
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const pct = (x: number): string => `${(x * 100).toFixed(3)}%`;

/** The share of the first backup's repository the second one added. */
/** What the second backup added, per top-level entry of the repository, largest first. */
export function growthByEntry(first: BackupFigures, second: BackupFigures): Array<[string, number]> {
  const keys = new Set([...Object.keys(first.repoByEntry), ...Object.keys(second.repoByEntry)]);
  return [...keys]
    .map((k): [string, number] => [k, (second.repoByEntry[k] ?? 0) - (first.repoByEntry[k] ?? 0)])
    .filter(([, d]) => d !== 0)
    .sort((a, b) => b[1] - a[1]);
}

export function unchangedGrowth(emptyRepoBytes: number, first: BackupFigures, second: BackupFigures): number {
  return (second.repoBytes - first.repoBytes) / Math.max(1, first.repoBytes - emptyRepoBytes);
}

/** Each target, judged on the first backup (and the second for dedup); failing when a backup is missing. */
export function judge(result: BackupBenchResult): Verdict[] {
  const [first, second] = result.backups;
  const kubectlS = result.reference.kubectl.seconds;
  const verdicts: Verdict[] = [];
  if (!first) {
    const why = "no backup ran";
    return [
      { target: `backup ≤ ${TARGET.kubectlRatio}× kubectl list time`, measured: why, pass: false },
      { target: `≥ ${fmtInt(TARGET.objectsPerSecond)} objects/s`, measured: why, pass: false },
      { target: `agent peak RSS ≤ ${TARGET.peakRssMiB} MiB`, measured: why, pass: false },
      { target: `unchanged backup grows the repository < ${TARGET.unchangedGrowth * 100}%`, measured: why, pass: false },
    ];
  }
  const ratio = first.runS / kubectlS;
  verdicts.push({
    target: `backup ≤ ${TARGET.kubectlRatio}× kubectl list time`,
    measured: `${first.runS.toFixed(2)} s / ${kubectlS.toFixed(2)} s = ${ratio.toFixed(2)}×`,
    pass: ratio <= TARGET.kubectlRatio,
  });
  const rate = first.items / first.runS;
  verdicts.push({ target: `≥ ${fmtInt(TARGET.objectsPerSecond)} objects/s`, measured: `${fmtInt(rate)} objects/s`, pass: rate >= TARGET.objectsPerSecond });
  const peak = Math.max(...result.backups.map((b) => b.peakRssMiB));
  verdicts.push({ target: `agent peak RSS ≤ ${TARGET.peakRssMiB} MiB`, measured: `${peak.toFixed(0)} MiB`, pass: peak <= TARGET.peakRssMiB });
  if (second) {
    const growth = unchangedGrowth(result.emptyRepoBytes, first, second);
    verdicts.push({
      target: `unchanged backup grows the repository < ${TARGET.unchangedGrowth * 100}%`,
      measured: `+${fmtInt(second.repoBytes - first.repoBytes)} B = ${pct(growth)}`,
      pass: growth < TARGET.unchangedGrowth,
    });
  } else {
    verdicts.push({ target: `unchanged backup grows the repository < ${TARGET.unchangedGrowth * 100}%`, measured: "no second backup", pass: false });
  }
  // Not a target but a precondition: a fast backup that left objects out measures nothing.
  const expected = result.load.objects + result.load.namespaces;
  verdicts.push({
    target: `backup Completed with every loaded object (≥ ${fmtInt(expected)} items)`,
    measured: result.backups.map((b) => `${b.phase}, ${fmtInt(b.items)} items`).join("; "),
    pass: result.backups.every((b) => b.phase === "BACKUP_PHASE_COMPLETED" && b.items >= expected),
  });
  return verdicts;
}

function passRow(label: string, pass: ListPass, objects: number): string[] {
  const emulatorCpu = pass.emulatorCpuS === undefined ? "–" : pass.emulatorCpuS.toFixed(1);
  return [label, pass.seconds.toFixed(2), fmtInt(pass.requests), fmtInt(pass.items), fmtInt(objects / pass.seconds), mib(pass.bytes), emulatorCpu];
}

export function render(result: BackupBenchResult, verdicts: Verdict[]): string {
  const m = result.machine;
  const load = result.load;
  const out: string[] = [];
  out.push(`## Backup benchmark: ${fmtInt(result.config.objects)} objects in ${fmtInt(result.config.namespaces)} namespaces\n`);
  out.push(
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, kubectl ${m.kubectl}; load average ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(" ")} at start, ${m.loadAverageAtEnd.map((x) => x.toFixed(2)).join(" ")} at end.`,
  );
  out.push(
    `Emulator: Kubernetes ${result.config.k8sVersion}, controllers crd-registrar, namespace-lifecycle, garbage-collector. Loaded ${fmtInt(load.namespaces)} namespaces and ${fmtInt(load.objects)} objects (${Object.entries(result.config.perKind)
      .map(([k, n]) => `${fmtInt(n)} ${k}`)
      .join(", ")}) in ${load.seconds.toFixed(1)} s (${fmtInt(load.objectsPerSecond)} objects/s, ${result.config.concurrency} creates in flight).`,
  );
  out.push(`A backup reads ${result.listTargets} lists (every listable resource in every served version), page size ${result.config.limit}.\n`);

  const objects = result.backups[0]?.items ?? load.objects;
  out.push("### Reading the same lists\n");
  out.push(
    table(
      ["reader", "s", "requests", "items (× versions)", "objects/s", "read", "emulator CPU s"],
      [
        passRow("HTTP GET + JSON.parse, first after load (warm-up)", result.reference.firstHttp, objects),
        passRow(`kubectl get --raw per page (reference)`, result.reference.kubectl, objects),
        passRow("HTTP GET + JSON.parse in one process", result.reference.http, objects),
      ],
      [false, true, true, true, true, true, true],
    ),
  );
  const kubectlRef = result.reference.kubectl;
  out.push(
    `\nobjects/s: the backup's item count over the time. ${result.config.listConcurrency} list(s) at a time. One kubectl process costs ${result.reference.kubectlStartS.toFixed(2)} s before it reads anything (the fastest of 5 \`kubectl get --raw /version\`): ${fmtInt(kubectlRef.requests)} processes account for about ${(kubectlRef.requests * result.reference.kubectlStartS).toFixed(1)} s of the ${kubectlRef.seconds.toFixed(1)} s.\n`,
  );

  out.push("### Lifeboat backups\n");
  if (result.backups.length === 0) {
    out.push("No backup ran.\n");
  } else {
    const kubectlS = result.reference.kubectl.seconds;
    const httpS = result.reference.http.seconds;
    out.push(
      table(
        ["backup", "run s", "process s", "CPU s", "emulator CPU s", "peak RSS", "items", "item versions", "objects/s", "÷ kubectl", "÷ HTTP", "JSON", "added", "repository", "du", "phase"],
        result.backups.map((b) => [
          b.label,
          b.runS.toFixed(2),
          b.processS.toFixed(2),
          b.cpuS.toFixed(1),
          b.emulatorCpuS.toFixed(1),
          `${b.peakRssMiB.toFixed(0)} MiB`,
          fmtInt(b.items),
          fmtInt(b.itemVersions),
          fmtInt(b.items / b.runS),
          `${(b.runS / kubectlS).toFixed(2)}×`,
          `${(b.runS / httpS).toFixed(2)}×`,
          mib(b.bytes),
          mib(b.bytesAdded),
          mib(b.repoBytes),
          mib(b.repoDiskBytes),
          `${b.phase.replace("BACKUP_PHASE_", "")}${b.warnings + b.errors ? ` (${b.warnings} warnings, ${b.errors} errors)` : ""}`,
        ]),
        [false, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false],
      ),
    );
    out.push("");
    for (const b of result.backups) {
      out.push(`Stages of the ${b.label}: ${b.stageSeconds.map(([stage, s]) => `${stage} ${s.toFixed(2)} s`).join(", ") || "not reported"}.`);
    }
    const [first, second] = result.backups;
    if (first && second) {
      out.push(
        `\nRepository: ${fmtInt(result.emptyRepoBytes)} B empty, ${fmtInt(first.repoBytes)} B after the first backup, ${fmtInt(second.repoBytes)} B after the second: +${fmtInt(second.repoBytes - first.repoBytes)} B (${pct(unchangedGrowth(result.emptyRepoBytes, first, second))} of the first backup's ${fmtInt(first.repoBytes - result.emptyRepoBytes)} B); by folder: ${growthByEntry(first, second).map(([k, d]) => `${k} ${d > 0 ? "+" : ""}${fmtInt(d)} B`).join(", ") || "no change"}.`,
      );
    }
    out.push(`\nrun s: inside the task's run(), as an agent already running spends it; process s: the runner from spawn to exit (Node start and loading the agent's modules: ${result.config.runner === "built" ? "bundled JavaScript" : "TypeScript compiled by tsx"}); CPU s: the runner's user + system CPU (/usr/bin/time -v); emulator CPU s: the API server's CPU meanwhile. Peak RSS: /usr/bin/time -v of the runner process.\n`);
  }

  out.push("### Targets\n");
  for (const v of verdicts) out.push(`- ${v.pass ? "PASS" : "FAIL"}: ${v.target}: ${v.measured}`);
  out.push("");
  return `${out.join("\n")}\n`;
}
