// Benchmark: Lifeboat's backup of a whole cluster (100,000 objects in 1,000 namespaces on the
// Kubernetes API emulator) against the least any client can spend reading the same lists
// (`kubectl get --raw`, page by page), then a second backup with nothing changed (dedup).
// Run: npm run bench:backup -- [options] (see --help). Not part of the test suite.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { KubeConfig } from "@kubernetes/client-node";
import { newRecordId } from "@lifeboat/shared/repo";
import { failWithUsage, parseBenchArguments, positiveInteger } from "./bench-arguments.js";
import { kubectlVersion } from "./common/kubectl-version.js";
import { readCpuSeconds, startEmulatorProcess, waitForIdle } from "./common/emulator-process.js";
import { makeTarget } from "./common/http.js";
import { fmtInt, GiB } from "./common/report.js";
import { ensureTools } from "./repository/tools.js";
import { datasetKinds, perKindCounts } from "./backup/dataset.js";
import { initRepository, measureBackup, repositorySize } from "./backup/lifeboat-backup.js";
import { loadDataset } from "./backup/load.js";
import { prepareRunner, type RunnerMode } from "./backup/runner-build.js";
import { backupListTargets, measureReference, type CpuAccounting } from "./backup/reference.js";
import { judge, render, type BackupBenchResult, type BackupFigures } from "./backup/report.js";

const usage = `Usage: npm run bench:backup -- [options]   (= npx tsx test/bench/backup.ts [options])

  --objects N           objects to load: ConfigMaps, Secrets, Services, Deployments, ServiceAccounts
                        and a CRD's custom resources (100000; 10000 for a quick run)
  --namespaces N        namespaces to spread them over (1000)
  --concurrency N       creates in flight while loading (16)
  --limit N             page size of the reference's lists (500, the agent's own page size)
  --list-concurrency N  lists the reference reads at a time (1)
  --k8s-version V       persona of the emulator (1.30)
  --runner built|tsx    run the backup task bundled into plain JavaScript, as an agent runs
                        (built), or from source under tsx (tsx, about 75 MiB more RSS)
  --cpu-prof DIR        run the backups under node --cpu-prof, writing their profiles into DIR
  --keep                leave the work directory (repository, kubeconfig) in place
  --json                print the results as JSON instead of Markdown
  -h, --help            this text

Starts the emulator (controllers off but crd-registrar, namespace-lifecycle and
garbage-collector, so the object count stays what was loaded), loads the objects, times
paginated lists of every listable resource in every served version (kubectl get --raw per page,
and plain HTTP in this process), then runs the agent's backup task twice in a process of its own
under /usr/bin/time -v into a fresh filesystem repository. Exits 1 when a target fails or a run
fails. Progress goes to stderr.`;

const args = parseBenchArguments(
  {
    objects: { type: "string", default: "100000" },
    namespaces: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "16" },
    limit: { type: "string", default: "500" },
    "list-concurrency": { type: "string", default: "1" },
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
const limit = positive("limit", args.limit);
const listConcurrency = positive("list-concurrency", args["list-concurrency"]);
const k8sVersion = args["k8s-version"];
if (args.runner !== "built" && args.runner !== "tsx") failWithUsage(`--runner must be built or tsx, got "${args.runner}"`, usage);
const runnerMode = args.runner as RunnerMode;
const kubectl = process.env.LIFEBOAT_KUBECTL ?? "/usr/bin/kubectl";
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const cliPath = path.join(repoRoot, "test/kube-emulator/dist/cli.js");

const log = (line: string): void => void process.stderr.write(`[backup] ${line}\n`);


async function main(): Promise<number> {
  await ensureTools(false, log);
  const loadAverageAtStart = os.loadavg();
  const work = mkdtempSync(path.join(os.tmpdir(), "lifeboat-bench-backup-"));
  // An interrupted run still removes its directory; the emulator and runner groups are killed by
  // their own exit hooks.
  const removeWork = (): void => {
    if (!args.keep) rmSync(work, { recursive: true, force: true });
  };
  process.once("exit", removeWork);
  const kubeconfig = path.join(work, "kubeconfig.yaml");
  log(`starting the emulator (Kubernetes ${k8sVersion})`);
  const emulator = await startEmulatorProcess({
    cliPath,
    kubeconfigPath: kubeconfig,
    k8sVersion,
    emulatorArgs: ["--controllers", "crd-registrar,namespace-lifecycle,garbage-collector"],
  });
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const http = makeTarget(emulator.url, kc.getCurrentUser()?.token, Math.max(concurrency, listConcurrency));

    log(`loading ${fmtInt(namespaces)} namespaces and ${fmtInt(objects)} objects, ${concurrency} creates in flight`);
    const load = await loadDataset(http, { objects, namespaces, concurrency, log });
    log(`loaded ${fmtInt(load.objects)} objects in ${load.seconds.toFixed(1)} s (${fmtInt(load.objectsPerSecond)} objects/s)`);
    await waitForIdle(emulator.pid, 2);

    const targets = await backupListTargets(kc);
    log(`${targets.length} lists to read (listable resources × served versions)`);
    // The emulator's CPU during each phase says how much of its time was the API server's.
    const withEmulatorCpu: CpuAccounting = async (work) => {
      const before = readCpuSeconds(emulator.pid);
      const result = await work();
      return { ...result, emulatorCpuS: readCpuSeconds(emulator.pid) - before };
    };
    const kubectlCacheDir = path.join(work, "kubectl-cache");
    const reference = await measureReference(targets, { http, kubectl, kubeconfig, kubectlCacheDir, limit, concurrency: listConcurrency, withEmulatorCpu, log });

    const runner = await prepareRunner(runnerMode);
    cleanups.push(() => runner.dispose());
    const repository = await initRepository(work);
    const emptyRepoBytes = (await repositorySize(repository.dir)).bytes;
    const nodeFlags = args["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(args["cpu-prof"])}`] : [];
    const backups: BackupFigures[] = [];
    for (const label of ["first backup", "second backup, nothing changed"]) {
      log(`${label}: running the agent's backup task`);
      const b = await withEmulatorCpu(() => measureBackup(label, runner.args, kubeconfig, repository, newRecordId(), nodeFlags));
      backups.push(b);
      log(`  ${b.phase}: ${fmtInt(b.items)} items in ${b.runS.toFixed(2)} s (process ${b.processS.toFixed(2)} s), peak RSS ${b.peakRssMiB.toFixed(0)} MiB, repository ${fmtInt(b.repoBytes)} B`);
    }

    const result: BackupBenchResult = {
      command: `npm run bench:backup -- --objects ${objects} --namespaces ${namespaces}${runnerMode === "tsx" ? " --runner tsx" : ""}`,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        memoryGiB: Math.round(os.totalmem() / GiB),
        node: process.version,
        kubectl: kubectlVersion(kubectl),
        loadAverageAtStart,
        loadAverageAtEnd: os.loadavg(),
      },
      config: {
        objects,
        namespaces,
        perKind: Object.fromEntries(perKindCounts(objects).map((n, k) => [datasetKinds[k]!.kind, n])),
        limit,
        concurrency,
        listConcurrency,
        k8sVersion,
        runner: runnerMode,
      },
      load,
      listTargets: targets.length,
      reference,
      emptyRepoBytes,
      backups,
    };
    const verdicts = judge(result);
    if (args.json) process.stdout.write(`${JSON.stringify({ ...result, verdicts }, null, 2)}\n`);
    else process.stdout.write(render(result, verdicts));
    return verdicts.every((v) => v.pass) ? 0 : 1;
  } finally {
    log("stopping the emulator");
    await emulator.stop();
    for (const cleanup of cleanups) await cleanup();
    removeWork();
    if (args.keep) log(`kept ${work}`);
  }
}

// Interrupted: exit hooks stop the emulator and the runner (by process group) and remove what
// the run wrote.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`[backup] FAILED: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
