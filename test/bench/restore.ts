// Benchmark: Lifeboat's restore of a 100,000-object backup into an empty emulator against
// `kubectl create -f` of the same objects from files, each into a fresh emulator of its own.
// Run: npm run bench:restore -- [options] (see --help). Not part of the test suite.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { KubeConfig } from "@kubernetes/client-node";
import { newRecordId } from "@lifeboat/shared/repo";
import { failWithUsage, parseBenchArguments, positiveInteger } from "./bench-arguments.js";
import { readCpuSeconds, startEmulatorProcess, waitForIdle, type EmulatorProcess } from "./common/emulator-process.js";
import { makeTarget } from "./common/http.js";
import { kubectlVersion } from "./common/kubectl-version.js";
import { fmtInt, GiB } from "./common/report.js";
import { ensureTools } from "./repository/tools.js";
import { initRepository, measureBackup } from "./backup/lifeboat-backup.js";
import { loadDataset } from "./backup/load.js";
import { prepareRunner, type RunnerMode } from "./backup/runner-build.js";
import { countObjects, measureKubectlCreate, writeReferenceFiles } from "./restore/kubectl-reference.js";
import { measureRestore } from "./restore/lifeboat-restore.js";
import { judgeRestore, renderRestore, type RestoreBenchResult } from "./restore/report.js";

const usage = `Usage: npm run bench:restore -- [options]   (= npx tsx test/bench/restore.ts [options])

  --objects N        objects in the backup: ConfigMaps, Secrets, Services, Deployments,
                     ServiceAccounts and a CRD's custom resources (100000; 10000 for a quick run)
  --namespaces N     namespaces to spread them over (1000)
  --concurrency N    creates in flight while loading the source (16)
  --k8s-version V    persona of the emulators (1.30)
  --runner built|tsx run the tasks bundled into plain JavaScript, as an agent runs (built), or from source
  --cpu-prof DIR     run the restore under node --cpu-prof, writing its profile into DIR
  --keep             leave the work directory (repository, reference files, kubeconfigs) in place
  --json             print the results as JSON instead of Markdown
  -h, --help         this text

Loads the objects into a source emulator and backs them up with the agent's backup task; then
restores that backup with the agent's restore task (in a process of its own, under
/usr/bin/time -v) into a fresh, empty emulator, and creates the same objects from files with one
\`kubectl create -f DIR\` into another fresh emulator. Counts what each left in its emulator.
Exits 1 when a target fails or a run fails. Progress goes to stderr.`;

const args = parseBenchArguments(
  {
    objects: { type: "string", default: "100000" },
    namespaces: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "16" },
    "k8s-version": { type: "string", default: "1.30" },
    runner: { type: "string", default: "built" },
    "cpu-prof": { type: "string" },
    keep: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  usage,
);

const positive = (name: string, text: string): number => positiveInteger(name, text, usage);

const objects = positive("objects", args.objects);
const namespaces = positive("namespaces", args.namespaces);
const concurrency = positive("concurrency", args.concurrency);
const k8sVersion = args["k8s-version"];
if (args.runner !== "built" && args.runner !== "tsx") failWithUsage(`--runner must be built or tsx, got "${args.runner}"`, usage);
const runnerMode = args.runner as RunnerMode;
const kubectl = process.env.LIFEBOAT_KUBECTL ?? "/usr/bin/kubectl";
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const cliPath = path.join(repoRoot, "test/kube-emulator/dist/cli.js");
const controllers = ["--controllers", "crd-registrar,namespace-lifecycle,garbage-collector"];

const log = (line: string): void => void process.stderr.write(`[restore] ${line}\n`);

async function emulatorIn(work: string, name: string): Promise<{ emulator: EmulatorProcess; kubeconfig: string }> {
  const kubeconfig = path.join(work, `${name}.kubeconfig.yaml`);
  const emulator = await startEmulatorProcess({ cliPath, kubeconfigPath: kubeconfig, k8sVersion, emulatorArgs: controllers });
  return { emulator, kubeconfig };
}

function httpOf(emulator: EmulatorProcess, kubeconfig: string): ReturnType<typeof makeTarget> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return makeTarget(emulator.url, kc.getCurrentUser()?.token, concurrency);
}

async function main(): Promise<number> {
  await ensureTools(false, log);
  const loadAverageAtStart = os.loadavg();
  const work = mkdtempSync(path.join(os.tmpdir(), "lifeboat-bench-restore-"));
  const removeWork = (): void => {
    if (!args.keep) rmSync(work, { recursive: true, force: true });
  };
  process.once("exit", removeWork);
  const running = new Set<EmulatorProcess>();
  const cleanups: Array<() => Promise<void>> = [];
  try {
    // The source: loaded, backed up, stopped, so it takes no CPU from what is measured.
    log(`starting the source emulator (Kubernetes ${k8sVersion}) and loading ${fmtInt(objects)} objects in ${fmtInt(namespaces)} namespaces`);
    const source = await emulatorIn(work, "source");
    running.add(source.emulator);
    const load = await loadDataset(httpOf(source.emulator, source.kubeconfig), { objects, namespaces, concurrency, log });
    await waitForIdle(source.emulator.pid, 2);
    const backupRunner = await prepareRunner(runnerMode, "backup");
    cleanups.push(() => backupRunner.dispose());
    const repository = await initRepository(work);
    const backupId = newRecordId();
    log("backing up the source with the agent's backup task");
    const backup = await measureBackup("backup", backupRunner.args, source.kubeconfig, repository, backupId);
    log(`  ${backup.phase}: ${fmtInt(backup.items)} items in ${backup.runS.toFixed(2)} s`);
    await source.emulator.stop();
    running.delete(source.emulator);

    log("restoring the backup into an empty emulator with the agent's restore task");
    const lifeboatTarget = await emulatorIn(work, "lifeboat-target");
    running.add(lifeboatTarget.emulator);
    const restoreRunner = await prepareRunner(runnerMode, "restore");
    cleanups.push(() => restoreRunner.dispose());
    const nodeFlags = args["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(args["cpu-prof"])}`] : [];
    const lifeboatCpuBefore = readCpuSeconds(lifeboatTarget.emulator.pid);
    const restore = await measureRestore([...nodeFlags, ...restoreRunner.args], lifeboatTarget.kubeconfig, repository, backupId, newRecordId());
    const lifeboatEmulatorCpuS = readCpuSeconds(lifeboatTarget.emulator.pid) - lifeboatCpuBefore;
    const lifeboatCount = await countObjects(httpOf(lifeboatTarget.emulator, lifeboatTarget.kubeconfig), namespaces);
    log(`  ${restore.phase}: ${fmtInt(restore.created)} created in ${restore.runS.toFixed(2)} s, peak RSS ${restore.peakRssMiB.toFixed(0)} MiB; the emulator holds ${fmtInt(lifeboatCount.objects)} objects`);
    await lifeboatTarget.emulator.stop();
    running.delete(lifeboatTarget.emulator);

    log("creating the same objects from files with kubectl create -f into another empty emulator");
    const files = await writeReferenceFiles(path.join(work, "reference"), objects, namespaces);
    const kubectlTarget = await emulatorIn(work, "kubectl-target");
    running.add(kubectlTarget.emulator);
    const kubectlCpuBefore = readCpuSeconds(kubectlTarget.emulator.pid);
    const reference = await measureKubectlCreate(kubectl, kubectlTarget.kubeconfig, path.join(work, "kubectl-cache"), files);
    const kubectlEmulatorCpuS = readCpuSeconds(kubectlTarget.emulator.pid) - kubectlCpuBefore;
    const kubectlCount = await countObjects(httpOf(kubectlTarget.emulator, kubectlTarget.kubeconfig), namespaces);
    log(`  kubectl: ${fmtInt(files.objects)} objects from ${files.files} files in ${reference.wallS.toFixed(2)} s; the emulator holds ${fmtInt(kubectlCount.objects)} objects`);
    await kubectlTarget.emulator.stop();
    running.delete(kubectlTarget.emulator);

    const result: RestoreBenchResult = {
      command: `npm run bench:restore -- --objects ${objects} --namespaces ${namespaces}${runnerMode === "tsx" ? " --runner tsx" : ""}`,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        memoryGiB: Math.round(os.totalmem() / GiB),
        node: process.version,
        kubectl: kubectlVersion(kubectl),
        loadAverageAtStart,
        loadAverageAtEnd: os.loadavg(),
      },
      config: { objects, namespaces, k8sVersion, runner: runnerMode },
      load,
      backup,
      restore: { ...restore, emulatorCpuS: lifeboatEmulatorCpuS },
      lifeboatCount,
      reference: { ...reference, files: files.files, objects: files.objects, emulatorCpuS: kubectlEmulatorCpuS },
      kubectlCount,
    };
    const verdicts = judgeRestore(result);
    if (args.json) process.stdout.write(`${JSON.stringify({ ...result, verdicts }, null, 2)}\n`);
    else process.stdout.write(renderRestore(result, verdicts));
    return verdicts.every((v) => v.pass) ? 0 : 1;
  } finally {
    for (const emulator of running) await emulator.stop();
    for (const cleanup of cleanups) await cleanup();
    removeWork();
    if (args.keep) log(`kept ${work}`);
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`[restore] FAILED: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
