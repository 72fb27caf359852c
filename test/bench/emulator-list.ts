// Benchmark: how fast the Kubernetes API emulator lists 100,000 objects, and how much memory
// it needs to hold them. Run: npx tsx test/bench/emulator-list.ts [--objects N] [--namespaces N]
// (`npm run bench` runs it). See BENCHMARKS.md for the figures and --help for the options.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { kubectlVersion } from "./common/kubectl-version.js";
import { readCpuSeconds, readMemory, resetPeak, startEmulatorProcess, waitForIdle } from "./common/emulator-process.js";
import { makeTarget, request, runPool, type HttpTarget } from "./common/http.js";
import { clientNodeListers, clientNodePagedList, kubectlRawList, rawHttpPagedList, type ListOutcome } from "./emulator-list/listers.js";
import { benchKinds, benchLabel, benchLabelValue, namespaceBody, namespaceName, perKindCounts, planObjects } from "./emulator-list/objects.js";
import { fmtInt, fmtMiB, fmtSec, GiB } from "./common/report.js";
import { allKindsRow, render, row, targetRate, targetRss, verdict, type ListRow, type PhaseMemory } from "./emulator-list/results.js";

const usage = `Usage: npx tsx test/bench/emulator-list.ts [options]

  --objects N        objects to create, split evenly over ConfigMaps, Secrets, Deployments, Services (100000)
  --namespaces N     namespaces to spread them over (1000)
  --runs N           counted runs of each list, after one warm-up run (5)
  --limit N          page size of the paginated lists (500)
  --concurrency N    concurrent POSTs while loading (16)
  --methods LIST     which lists to time, comma-separated: kubectl,client-node,http (all)
  --k8s-version V    persona of the emulator (1.30)
  --controllers L    the emulator's --controllers: a comma-separated list or "none" (all)
  --settle-seconds S after the load, wait until the emulator's CPU stays under 5% for
                     this long (its controllers done) before timing lists (0: don't wait)
  --cpu-prof DIR     run the emulator under node --cpu-prof, writing its profile into DIR
  --emulator-cli F   the emulator's cli.js to run, to compare builds (test/kube-emulator/dist/cli.js)
  --json             print the results as JSON instead of tables
  -h, --help         this text

Progress goes to stderr. Exits 1 if any list returns other than the objects created.`;

const { values: args } = parseArgs({
  options: {
    objects: { type: "string", default: "100000" },
    namespaces: { type: "string", default: "1000" },
    runs: { type: "string", default: "5" },
    limit: { type: "string", default: "500" },
    concurrency: { type: "string", default: "16" },
    methods: { type: "string", default: "kubectl,client-node,http" },
    "k8s-version": { type: "string", default: "1.30" },
    controllers: { type: "string" },
    "settle-seconds": { type: "string", default: "2" },
    "cpu-prof": { type: "string" },
    "emulator-cli": { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`--${name} must be a positive integer, got "${text}"\n${usage}\n`);
    process.exit(2);
  }
  return n;
}

const totalObjects = positive("objects", args.objects);
const namespaceCount = positive("namespaces", args.namespaces);
const runs = positive("runs", args.runs);
const pageLimit = positive("limit", args.limit);
const concurrency = positive("concurrency", args.concurrency);
const settleSeconds = Number(args["settle-seconds"]);
if (!Number.isInteger(settleSeconds) || settleSeconds < 0) {
  process.stderr.write(`--settle-seconds must be a non-negative integer, got "${args["settle-seconds"]}"\n`);
  process.exit(2);
}
const methodNames = ["kubectl", "client-node", "http"] as const;
type MethodName = (typeof methodNames)[number];
const methods = args.methods.split(",").map((m) => m.trim()) as MethodName[];
for (const m of methods) {
  if (!methodNames.includes(m)) {
    process.stderr.write(`--methods: unknown "${m}" (kubectl, client-node, http)\n`);
    process.exit(2);
  }
}
const kubectlPath = process.env.LIFEBOAT_KUBECTL ?? "kubectl";
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const cliPath = path.resolve(args["emulator-cli"] ?? path.join(repoRoot, "test/kube-emulator/dist/cli.js"));

const log = (line: string): void => void process.stderr.write(`[emulator-list] ${line}\n`);


async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), "lifeboat-bench-"));
  const kubeconfigPath = path.join(work, "kubeconfig.yaml");
  const cacheDir = path.join(work, "kubectl-cache");
  const nodeFlags = args["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(args["cpu-prof"])}`] : [];
  const counts = perKindCounts(totalObjects);
  const loadAverageAtStart = os.loadavg();

  log(`starting the emulator (Kubernetes ${args["k8s-version"]}${nodeFlags.length ? ", CPU profiling" : ""})`);
  const emulatorArgs = args.controllers ? ["--controllers", args.controllers] : [];
  const emulator = await startEmulatorProcess({ cliPath, kubeconfigPath, k8sVersion: args["k8s-version"], nodeFlags, emulatorArgs });
  const pid = emulator.pid;
  try {
    const memStart = readMemory(pid);
    const phases: PhaseMemory[] = [];
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    const token = kc.getCurrentUser()?.token;
    const http: HttpTarget = makeTarget(emulator.url, token, concurrency);

    // ---- load ----
    log(`creating ${fmtInt(namespaceCount)} namespaces and ${fmtInt(totalObjects)} objects, ${concurrency} requests in flight`);
    resetPeak(pid);
    const cpuLoad0 = readCpuSeconds(pid);
    const loadStarted = performance.now();
    const nsIndexes = Array.from({ length: namespaceCount }, (_, i) => i)[Symbol.iterator]();
    await runPool(nsIndexes, concurrency, async (i) => {
      const res = await request(http, "POST", "/api/v1/namespaces", namespaceBody(i));
      if (res.status !== 201) throw new Error(`create namespace ${namespaceName(i)}: ${res.status} ${res.body.toString().slice(0, 500)}`);
    });
    const nsSeconds = (performance.now() - loadStarted) / 1000;
    let created = 0;
    let bodyBytes = 0;
    const progress = setInterval(() => log(`  ${fmtInt(created)} objects created`), 5000);
    const objectsStarted = performance.now();
    try {
      await runPool(planObjects(totalObjects, namespaceCount), concurrency, async (o) => {
        bodyBytes += o.body.length;
        const res = await request(http, "POST", o.kind.createPath(o.namespace), o.body);
        if (res.status !== 201) throw new Error(`create ${o.kind.kind} in ${o.namespace}: ${res.status} ${res.body.toString().slice(0, 500)}`);
        created++;
      });
    } finally {
      clearInterval(progress);
    }
    const objectSeconds = (performance.now() - objectsStarted) / 1000;
    const loadCpu = readCpuSeconds(pid) - cpuLoad0;
    const memLoaded = readMemory(pid);
    phases.push({ phase: `load ${fmtInt(created)} objects`, peak: memLoaded.hwm, rssAfter: memLoaded.rss });
    if (settleSeconds > 0) {
      const waited = await waitForIdle(pid, settleSeconds);
      log(`emulator idle after ${fmtSec(waited)} s (controllers caught up)`);
    }
    const load = {
      namespaces: namespaceCount,
      namespaceSeconds: nsSeconds,
      objects: created,
      objectSeconds,
      objectsPerSecond: created / objectSeconds,
      meanRequestBytes: bodyBytes / created,
      emulatorCpuSeconds: loadCpu,
      emulatorCpu: loadCpu / (nsSeconds + objectSeconds),
    };
    log(`loaded ${fmtInt(created)} objects in ${fmtSec(objectSeconds)} s (${fmtInt(load.objectsPerSecond)} objects/s); emulator RSS ${fmtMiB(memLoaded.rss)}`);

    // Runs one list with the emulator's and this process's CPU accounted to it.
    const timed = async (list: () => Promise<ListOutcome>, inProcess: boolean): Promise<ListOutcome> => {
      const cpu0 = readCpuSeconds(pid);
      const self0 = process.cpuUsage();
      const outcome = await list();
      const self = process.cpuUsage(self0);
      outcome.emulatorCpu = readCpuSeconds(pid) - cpu0;
      // Includes the count checks after the clock stopped: a small overstatement.
      if (inProcess) outcome.clientCpu = (self.user + self.system) / 1e6;
      return outcome;
    };

    // ---- the first full list of each kind after the load: nothing serialized yet ----
    const rows: ListRow[] = [];
    const expected: number[] = [];
    const cold: ListOutcome[] = [];
    const coldLabel = "HTTP GET full list, first after load";
    resetPeak(pid);
    for (const [k, kind] of benchKinds.entries()) {
      const outcome = await timed(() => fullList(http, kind.listPath), false);
      // Besides the benchmark's objects the cluster has its own (the default/kubernetes Service;
      // with controllers, each namespace's kube-root-ca.crt ConfigMap): the first list after
      // the load fixes the total every later list must return.
      check(`first GET ${kind.listPath}`, outcome, counts[k]!, outcome.items);
      expected.push(outcome.items);
      cold.push(outcome);
      rows.push(row(coldLabel, kind.kind, [outcome], outcome));
    }
    rows.push(allKindsRow(coldLabel, [cold], cold));
    phases.push(phaseMemory(pid, "first full lists"));

    // ---- timed lists ----
    const listers = clientNodeListers(kc);
    const measure: Record<MethodName, { label: string; run: (k: number) => Promise<ListOutcome>; inProcess: boolean }> = {
      kubectl: {
        label: "kubectl get --raw (full list)",
        run: (k) => kubectlRawList(kubectlPath, kubeconfigPath, cacheDir, benchKinds[k]!.listPath),
        inProcess: false,
      },
      "client-node": {
        label: `client-node list*ForAllNamespaces, limit ${pageLimit}`,
        run: (k) => clientNodePagedList(listers[benchKinds[k]!.kind], pageLimit, `client-node ${benchKinds[k]!.kind}`),
        inProcess: true,
      },
      http: {
        label: `HTTP GET + JSON.parse, limit ${pageLimit}`,
        run: (k) => rawHttpPagedList(http, benchKinds[k]!.listPath, pageLimit),
        inProcess: true,
      },
    };
    for (const name of methods) {
      const m = measure[name];
      log(`timing ${m.label}: 1 warm-up + ${runs} runs of each kind`);
      resetPeak(pid);
      // byRun[r][k]; run 0 is the warm-up. Runs go over all kinds in turn, as a backup would.
      const byRun: ListOutcome[][] = [];
      for (let r = 0; r <= runs; r++) {
        const outcomes: ListOutcome[] = [];
        for (let k = 0; k < benchKinds.length; k++) {
          const outcome = await timed(() => m.run(k), m.inProcess);
          check(`${m.label} ${benchKinds[k]!.kind}`, outcome, counts[k]!, expected[k]!);
          outcomes.push(outcome);
        }
        byRun.push(outcomes);
      }
      const counted = byRun.slice(1);
      for (let k = 0; k < benchKinds.length; k++) {
        rows.push(row(m.label, benchKinds[k]!.kind, counted.map((o) => o[k]!), byRun[0]![k]!));
      }
      rows.push(allKindsRow(m.label, counted, byRun[0]!));
      phases.push(phaseMemory(pid, `${name} lists`));
      log(`  all kinds: ${fmtInt(rows.at(-1)!.objectsPerSecond)} objects/s`);
    }

    const peak = Math.max(...phases.map((p) => p.peak));
    const all = rows.filter((r) => r.kind === "all kinds" && r.method !== coldLabel);
    const result = {
      command: `npx tsx test/bench/emulator-list.ts --objects ${totalObjects} --namespaces ${namespaceCount}`,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        memoryGiB: Math.round(os.totalmem() / GiB),
        node: process.version,
        kubectl: kubectlVersion(kubectlPath),
        platform: `${os.platform()} ${os.release()}`,
        loadAverageAtStart,
        loadAverage: os.loadavg(),
      },
      config: { objects: totalObjects, namespaces: namespaceCount, perKind: counts, runs, limit: pageLimit, concurrency, k8sVersion: args["k8s-version"], emulatorCli: path.relative(repoRoot, cliPath) },
      load,
      lists: rows,
      memory: { afterStart: memStart, phases, peak, objectsStored: expected.reduce((a, b) => a + b, 0) },
      targets: {
        listRate: { target: targetRate, pass: all.every((r) => r.pass), emulatorBoundPass: all.every((r) => r.emulatorBoundRate >= targetRate) },
        peakRss: { target: targetRss, value: peak, pass: peak <= targetRss },
      },
    };
    if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(render(result.machine, { ...load, concurrency }, rows, memStart, phases, peak) + verdict(all, peak));
  } finally {
    log("stopping the emulator");
    await emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function phaseMemory(pid: number, phase: string): PhaseMemory {
  const m = readMemory(pid);
  return { phase, peak: m.hwm, rssAfter: m.rss };
}

/** One unpaginated GET of a cluster-wide list. */
async function fullList(http: HttpTarget, listPath: string): Promise<ListOutcome> {
  const started = performance.now();
  const res = await request(http, "GET", listPath);
  const seconds = (performance.now() - started) / 1000;
  if (res.status !== 200) throw new Error(`GET ${listPath}: ${res.status} ${res.body.toString().slice(0, 500)}`);
  const list = JSON.parse(res.body.toString("utf8")) as { items?: Array<{ metadata?: { labels?: Record<string, string> } }> };
  const items = list.items ?? [];
  const labelled = items.filter((i) => i.metadata?.labels?.[benchLabel] === benchLabelValue).length;
  return { seconds, items: items.length, labelled, bytes: res.body.length, pages: 1 };
}

function check(what: string, outcome: ListOutcome, created: number, total: number): void {
  if (outcome.labelled !== created || outcome.items !== total) {
    throw new Error(
      `${what}: returned ${outcome.items} objects, ${outcome.labelled} of them the benchmark's; expected ${total} and ${created}`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[emulator-list] FAILED: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
