// Benchmark: how fast the emulator's controllers bring up a large sandbox — 1,000 namespaces,
// 5,000 Deployments of 2 replicas (10,000 pods) and 2,000 PVCs, every pod Running and Ready
// and every PVC Bound — and what its memory and idle CPU are then; and whether the controllers
// slow the 100k-object list benchmark (two emulators side by side, controllers off and on). Run: npm run bench -- living-cluster [options] (see --help).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { readCpuSeconds, readMemory, startEmulatorProcess, waitForIdle } from "./common/emulator-process.js";
import { makeTarget, request, runPool, type HttpTarget } from "./common/http.js";
import { fmtInt, fmtMiB, fmtPct, fmtSec, table } from "./common/report.js";
import { namespaceBody, namespaceName, planSandbox, type SandboxShape } from "./living-cluster/objects.js";
import { compareListRates, type ListCompareResult } from "./living-cluster/list-compare.js";
import { readSandbox, type Readiness } from "./living-cluster/readiness.js";

const usage = `Usage: npx tsx test/bench/living-cluster.ts [options]

  --namespaces N     namespaces (1000)
  --deployments N    Deployments, spread over the namespaces (5000)
  --replicas N       replicas per Deployment (2)
  --pvcs N           PVCs; the first N Deployments each mount one (2000)
  --nodes N          Node objects (3)
  --concurrency N    concurrent POSTs while loading (16)
  --timeout S        give up waiting for the sandbox after S seconds (300)
  --k8s-version V    persona of the emulator (1.30)
  --list-compare     also compare list rates of two emulators side by side, controllers
                     off and on, each loaded with the emulator-list objects (takes minutes)
  --list-objects N   objects for --list-compare (100000)
  --list-rounds N    timed rounds of each list for --list-compare, after a warm-up (5)
  --emulator-cli F   the emulator's cli.js (test/kube-emulator/dist/cli.js)
  --json             print the results as JSON
  -h, --help         this text

Target: the sandbox is up in under 60 s; with --list-compare, list rates with the
controllers on within 10% of those with them off. Exits 1 when a target fails.`;

const { values: args } = parseArgs({
  options: {
    namespaces: { type: "string", default: "1000" },
    deployments: { type: "string", default: "5000" },
    replicas: { type: "string", default: "2" },
    pvcs: { type: "string", default: "2000" },
    nodes: { type: "string", default: "3" },
    concurrency: { type: "string", default: "16" },
    timeout: { type: "string", default: "300" },
    "k8s-version": { type: "string", default: "1.30" },
    "list-compare": { type: "boolean", default: false },
    "list-objects": { type: "string", default: "100000" },
    "list-rounds": { type: "string", default: "5" },
    "emulator-cli": { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

function count(name: string, text: string, min = 0): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`--${name} must be an integer ≥ ${min}, got "${text}"\n${usage}\n`);
    process.exit(2);
  }
  return n;
}

const shape: SandboxShape = {
  namespaces: count("namespaces", args.namespaces, 1),
  deployments: count("deployments", args.deployments),
  replicas: count("replicas", args.replicas),
  pvcs: count("pvcs", args.pvcs),
};
const nodes = count("nodes", args.nodes, 1);
const concurrency = count("concurrency", args.concurrency, 1);
const timeoutSeconds = count("timeout", args.timeout, 1);
const targetSeconds = 60;
const targetListSlowdown = 0.1;
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const cliPath = path.resolve(args["emulator-cli"] ?? path.join(repoRoot, "test/kube-emulator/dist/cli.js"));
const log = (line: string): void => void process.stderr.write(`[living-cluster] ${line}\n`);

interface SandboxResult {
  createSeconds: number;
  upSeconds: number | undefined;
  readiness: Readiness;
  counts: Record<string, number>;
  memory: { afterStart: number; peak: number; rssUp: number; rssIdle: number };
  cpu: { loadSeconds: number; idleCores: number };
}

async function countOf(target: HttpTarget, listPath: string): Promise<number> {
  const res = await request(target, "GET", `${listPath}?limit=1`);
  const body = JSON.parse(res.body.toString("utf8")) as { items: unknown[]; metadata?: { remainingItemCount?: number } };
  return body.items.length + (body.metadata?.remainingItemCount ?? 0);
}

async function bringUpSandbox(): Promise<SandboxResult> {
  const work = mkdtempSync(path.join(os.tmpdir(), "lifeboat-bench-living-"));
  const emulator = await startEmulatorProcess({
    cliPath,
    kubeconfigPath: path.join(work, "kubeconfig.yaml"),
    k8sVersion: args["k8s-version"],
    emulatorArgs: ["--nodes", String(nodes), "--data-dir", path.join(work, "data")],
  });
  const pid = emulator.pid;
  try {
    const afterStart = readMemory(pid).rss;
    // Plain HTTP without credentials is the emulator's insecure port: the admin user.
    const target = makeTarget(emulator.url, undefined, concurrency);
    const cpu0 = readCpuSeconds(pid);
    const started = performance.now();
    const elapsed = (): number => (performance.now() - started) / 1000;
    log(`creating ${fmtInt(shape.namespaces)} namespaces, ${fmtInt(shape.pvcs)} PVCs, ${fmtInt(shape.deployments)} Deployments × ${shape.replicas}`);
    await runPool(Array.from({ length: shape.namespaces }, (_, i) => i)[Symbol.iterator](), concurrency, async (i) => {
      const res = await request(target, "POST", "/api/v1/namespaces", namespaceBody(i));
      if (res.status !== 201) throw new Error(`create namespace ${namespaceName(i)}: ${res.status} ${res.body.toString().slice(0, 300)}`);
    });
    await runPool(planSandbox(shape), concurrency, async (o) => {
      const res = await request(target, "POST", o.path, o.body);
      if (res.status !== 201) throw new Error(`create ${o.what} at ${o.path}: ${res.status} ${res.body.toString().slice(0, 300)}`);
    });
    const createSeconds = elapsed();
    log(`created in ${fmtSec(createSeconds)} s; waiting for every pod Ready and PVC Bound`);
    const pods = shape.deployments * shape.replicas;
    let readiness = await readSandbox(target);
    let upSeconds: number | undefined;
    for (;;) {
      const done =
        readiness.deploymentsAvailable === shape.deployments && readiness.podsReady === pods && readiness.podsTotal === pods && readiness.pvcsBound === shape.pvcs;
      if (done) {
        upSeconds = elapsed();
        break;
      }
      if (elapsed() > timeoutSeconds) break;
      log(`  ${fmtSec(elapsed())} s: ${fmtInt(readiness.deploymentsAvailable)} Deployments available, ${fmtInt(readiness.podsReady)}/${fmtInt(pods)} pods Ready (${fmtInt(readiness.podsTotal)} exist), ${fmtInt(readiness.pvcsBound)} PVCs Bound`);
      await new Promise((r) => setTimeout(r, 1000));
      readiness = await readSandbox(target);
    }
    const loadSeconds = readCpuSeconds(pid) - cpu0;
    const { rss: rssUp, hwm: peak } = readMemory(pid);
    log(upSeconds === undefined ? `not up after ${timeoutSeconds} s` : `up after ${fmtSec(upSeconds)} s; measuring idle CPU`);
    await waitForIdle(pid, 3, 0.2, 60);
    const idle0 = readCpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 10_000));
    const idleCores = (readCpuSeconds(pid) - idle0) / 10;
    const counts: Record<string, number> = {};
    for (const [kind, p] of Object.entries({
      ReplicaSets: "/apis/apps/v1/replicasets",
      Pods: "/api/v1/pods",
      PersistentVolumes: "/api/v1/persistentvolumes",
      Endpoints: "/api/v1/endpoints",
      Events: "/api/v1/events",
      ServiceAccounts: "/api/v1/serviceaccounts",
    })) {
      counts[kind] = await countOf(target, p);
    }
    return {
      createSeconds,
      upSeconds,
      readiness,
      counts,
      memory: { afterStart, peak, rssUp, rssIdle: readMemory(pid).rss },
      cpu: { loadSeconds, idleCores },
    };
  } finally {
    await emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

const change = (off: number, on: number): string => `${(((on - off) / off) * 100).toFixed(1)}%`;

async function compareLists(): Promise<ListCompareResult> {
  return compareListRates({
    cliPath,
    k8sVersion: args["k8s-version"],
    objects: count("list-objects", args["list-objects"], 1),
    namespaces: shape.namespaces,
    rounds: count("list-rounds", args["list-rounds"], 1),
    limit: 500,
    concurrency,
    controllers: process.env.LIFEBOAT_BENCH_CONTROLLERS ?? "all",
    log,
  });
}

async function main(): Promise<void> {
  const sandbox = await bringUpSandbox();
  const compared = args["list-compare"] ? await compareLists() : undefined;
  const lists = compared?.rates;
  const upPass = sandbox.upSeconds !== undefined && sandbox.upSeconds < targetSeconds;
  const listPass = lists?.every((l) => l.on >= l.off * (1 - targetListSlowdown));
  const bytesPass = compared?.rates.every((l) => l.on * compared.bytesPerObject.on >= l.off * compared.bytesPerObject.off * (1 - targetListSlowdown));
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ shape, nodes, sandbox, lists: compared, targets: { upSeconds: targetSeconds, upPass, listSlowdown: targetListSlowdown, listPass } }, null, 2)}\n`);
  } else {
    const s = sandbox;
    const lines = [
      `Machine: ${os.cpus().length} cores, Node ${process.version}, load average at end ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`,
      "",
      table(
        ["sandbox", "value"],
        [
          ["namespaces / Deployments × replicas / PVCs", `${fmtInt(shape.namespaces)} / ${fmtInt(shape.deployments)} × ${shape.replicas} / ${fmtInt(shape.pvcs)}`],
          ["all objects created (POSTs done)", `${fmtSec(s.createSeconds)} s`],
          ["every pod Ready, every PVC Bound", s.upSeconds === undefined ? `not within ${timeoutSeconds} s` : `${fmtSec(s.upSeconds)} s`],
          ["emulator CPU until up", `${fmtSec(s.cpu.loadSeconds)} CPU-s`],
          ["emulator RSS after start / when up / idle", `${fmtMiB(s.memory.afterStart)} / ${fmtMiB(s.memory.rssUp)} / ${fmtMiB(s.memory.rssIdle)}`],
          ["emulator peak RSS", fmtMiB(s.memory.peak)],
          ["emulator idle CPU (10 s after settling)", fmtPct(s.cpu.idleCores)],
          ...Object.entries(s.counts).map(([k, v]) => [`${k} in the cluster`, fmtInt(v)]),
        ],
      ),
      "",
      `Target: up in < ${targetSeconds} s: ${upPass ? "PASS" : "FAIL"}`,
    ];
    if (compared && lists) {
      const c = compared;
      lines.push(
        "",
        table(
          [
            `${fmtInt(c.objects)}-object list, all kinds, median of rounds`,
            "off, objects/s",
            "on, objects/s",
            "change",
            "off, MB/s",
            "on, MB/s",
            "change",
            "off, objects/emulator CPU-s",
            "on, objects/emulator CPU-s",
            "change",
          ],
          lists.map((l) => {
            const [offMB, onMB] = [(l.off * c.bytesPerObject.off) / 1e6, (l.on * c.bytesPerObject.on) / 1e6];
            return [l.method, fmtInt(l.off), fmtInt(l.on), change(l.off, l.on), offMB.toFixed(1), onMB.toFixed(1), change(offMB, onMB), fmtInt(l.offPerCpu), fmtInt(l.onPerCpu), change(l.offPerCpu, l.onPerCpu)];
          }),
          [false, true, true, true, true, true, true, true, true, true],
        ),
        "",
        `Emulator RSS: controllers off ${fmtMiB(c.rss.off)}, on ${fmtMiB(c.rss.on)}. Mean listed object: off ${fmtInt(c.bytesPerObject.off)} bytes, ` +
          `on ${fmtInt(c.bytesPerObject.on)} bytes (Deployments carry status). The "on" cluster also holds ` +
          Object.entries(c.onClusterObjects).map(([k, v]) => `${fmtInt(v)} ${k}`).join(", "),
        "",
        `Target: list rates (objects/s) with controllers on within ${targetListSlowdown * 100}% of off: ${listPass ? "PASS" : "FAIL"}`,
        `Per byte listed (MB/s, as the "on" objects are larger): ${bytesPass ? "within" : "NOT within"} ${targetListSlowdown * 100}%`,
      );
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  if (!upPass || listPass === false) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`living-cluster: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
