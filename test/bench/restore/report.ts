// The restore benchmark's figures, its verdicts against issue 8's targets, and its Markdown.
import { fmtInt, table } from "../common/report.js";
import type { LoadFigures } from "../backup/load.js";
import type { BackupFigures, Machine, Verdict } from "../backup/report.js";
import type { Measured } from "../repository/measure.js";
import type { ObjectCount } from "./kubectl-reference.js";
import type { RestoreFigures } from "./lifeboat-restore.js";

export const RESTORE_TARGET = {
  /** Objects restored per second, at least this many times kubectl create's rate. */
  kubectlRatio: 3,
  /** Objects restored per second of the restore, at least. */
  objectsPerSecond: 1_000,
  /** The restore runner's peak RSS, MiB, at most. */
  peakRssMiB: 512,
};

export interface RestoreBenchResult {
  command: string;
  machine: Machine;
  config: { objects: number; namespaces: number; k8sVersion: string; runner: string };
  load: LoadFigures;
  backup: Omit<BackupFigures, "emulatorCpuS">;
  restore: RestoreFigures & { emulatorCpuS: number };
  lifeboatCount: ObjectCount;
  reference: Measured & { files: number; objects: number; emulatorCpuS: number };
  kubectlCount: ObjectCount;
}

/** Objects per second of each side: Lifeboat's over its whole process (start included), kubectl's over its process. */
export function rates(result: RestoreBenchResult): { lifeboat: number; lifeboatRun: number; kubectl: number } {
  const restored = result.restore.created + result.restore.updated;
  return { lifeboat: restored / result.restore.processS, lifeboatRun: restored / result.restore.runS, kubectl: result.reference.objects / result.reference.wallS };
}

export function judgeRestore(result: RestoreBenchResult): Verdict[] {
  const r = rates(result);
  return [
    { target: `restore ≥ ${RESTORE_TARGET.kubectlRatio}× kubectl create's rate`, measured: `${fmtInt(r.lifeboat)} / ${fmtInt(r.kubectl)} objects/s = ${(r.lifeboat / r.kubectl).toFixed(2)}×`, pass: r.lifeboat >= RESTORE_TARGET.kubectlRatio * r.kubectl },
    { target: `≥ ${fmtInt(RESTORE_TARGET.objectsPerSecond)} objects/s`, measured: `${fmtInt(r.lifeboat)} objects/s`, pass: r.lifeboat >= RESTORE_TARGET.objectsPerSecond },
    { target: `agent peak RSS ≤ ${RESTORE_TARGET.peakRssMiB} MiB`, measured: `${result.restore.peakRssMiB.toFixed(0)} MiB`, pass: result.restore.peakRssMiB <= RESTORE_TARGET.peakRssMiB },
    // Not a target but a precondition: a fast restore that left objects out measures nothing.
    {
      target: "both leave every object of the backup in their emulator",
      measured: `Lifeboat ${fmtInt(result.lifeboatCount.objects)} (${result.restore.phase}, ${fmtInt(result.restore.failed)} failed), kubectl ${fmtInt(result.kubectlCount.objects)}, files ${fmtInt(result.reference.objects)}`,
      pass: result.lifeboatCount.objects === result.reference.objects && result.kubectlCount.objects === result.reference.objects && result.restore.failed === 0,
    },
  ];
}

export function renderRestore(result: RestoreBenchResult, verdicts: Verdict[]): string {
  const m = result.machine;
  const r = rates(result);
  const out: string[] = [];
  out.push(`## Restore benchmark: ${fmtInt(result.config.objects)} objects in ${fmtInt(result.config.namespaces)} namespaces\n`);
  out.push(`Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, kubectl ${m.kubectl}; load average ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(" ")} at start, ${m.loadAverageAtEnd.map((x) => x.toFixed(2)).join(" ")} at end.`);
  out.push(
    `Emulators: Kubernetes ${result.config.k8sVersion}, controllers crd-registrar, namespace-lifecycle, garbage-collector; each side restores into a fresh, empty one. The source: ${fmtInt(result.load.objects)} objects in ${fmtInt(result.load.namespaces)} namespaces, backed up in ${result.backup.runS.toFixed(1)} s (${fmtInt(result.backup.items)} items).\n`,
  );
  out.push(
    table(
      ["side", "process s", "run s", "CPU s", "emulator CPU s", "peak RSS", "objects", "objects/s", "result"],
      [
        [
          "Lifeboat restore task",
          result.restore.processS.toFixed(2),
          result.restore.runS.toFixed(2),
          result.restore.cpuS.toFixed(1),
          result.restore.emulatorCpuS.toFixed(1),
          `${result.restore.peakRssMiB.toFixed(0)} MiB`,
          fmtInt(result.lifeboatCount.objects),
          fmtInt(r.lifeboat),
          `${result.restore.phase.replace("RESTORE_PHASE_", "")}: ${fmtInt(result.restore.created)} created, ${fmtInt(result.restore.skipped)} skipped, ${fmtInt(result.restore.failed)} failed`,
        ],
        [`kubectl create -f (CRD, wait, ${fmtInt(result.reference.files - 1)} files)`, result.reference.wallS.toFixed(2), "–", result.reference.cpuS.toFixed(1), result.reference.emulatorCpuS.toFixed(1), `${result.reference.peakRssMiB.toFixed(0)} MiB`, fmtInt(result.kubectlCount.objects), fmtInt(r.kubectl), `exit ${result.reference.exitCode}`],
      ],
      [false, true, true, true, true, true, true, true, false],
    ),
  );
  out.push(`\nStages of the restore: ${result.restore.stageSeconds.map(([stage, s]) => `${stage} ${s.toFixed(2)} s`).join(", ") || "not reported"}.`);
  if (result.restore.failures.length > 0) out.push(`First failures: ${result.restore.failures.join("; ")}.`);
  out.push(`\nobjects/s: objects in the emulator afterwards over the process's wall time (Lifeboat's inside run(): ${fmtInt(r.lifeboatRun)} objects/s). Peak RSS and CPU: /usr/bin/time -v of each process; emulator CPU s: the target API server's CPU meanwhile.\n`);
  out.push("### Targets\n");
  for (const v of verdicts) out.push(`- ${v.pass ? "PASS" : "FAIL"}: ${v.target}: ${v.measured}`);
  out.push("");
  return `${out.join("\n")}\n`;
}
