// Whether the controllers slow the 100k-object list benchmark. Two emulators run side by side,
// one with --controllers none and one with all, loaded with the same objects; each timed round
// lists every kind from one and then the other, so both see the same machine load. (Running the
// two benchmarks one after the other measured the machine's load changes more than the
// controllers.)
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { readCpuSeconds, readMemory, startEmulatorProcess, waitForIdle, type EmulatorProcess } from "../common/emulator-process.js";
import { makeTarget, request, runPool, type HttpTarget } from "../common/http.js";
import { median } from "../common/report.js";
import { clientNodeListers, clientNodePagedList, kubectlRawList, rawHttpPagedList, type ListOutcome } from "../emulator-list/listers.js";
import { benchKinds, namespaceBody, namespaceName, perKindCounts, planObjects } from "../emulator-list/objects.js";

export interface ListCompareOptions {
  cliPath: string;
  k8sVersion: string;
  objects: number;
  namespaces: number;
  /** Timed rounds after one warm-up round. */
  rounds: number;
  limit: number;
  concurrency: number;
  /** The "on" emulator's --controllers. */
  controllers: string;
  log: (line: string) => void;
}

export interface ListRate {
  method: string;
  /** Median over rounds of all kinds' objects per second, wall clock. */
  off: number;
  on: number;
  /** Median over rounds of objects per emulator CPU-second: what the lists cost the emulator, whatever else the machine runs. */
  offPerCpu: number;
  onPerCpu: number;
}

export interface ListCompareResult {
  objects: number;
  rates: ListRate[];
  /** Objects of every kind in the "on" cluster after it settled (pods, ReplicaSets, Events…). */
  onClusterObjects: Record<string, number>;
  rss: { off: number; on: number };
  /** Mean bytes of a listed object, all kinds: the controllers add status to Deployments. */
  bytesPerObject: { off: number; on: number };
}

interface Side {
  name: "off" | "on";
  emulator: EmulatorProcess;
  http: HttpTarget;
  kubeconfigPath: string;
  cacheDir: string;
  kc: KubeConfig;
}

async function startSide(name: Side["name"], controllers: string, work: string, o: ListCompareOptions): Promise<Side> {
  const kubeconfigPath = path.join(work, `${name}.kubeconfig`);
  const emulator = await startEmulatorProcess({ cliPath: o.cliPath, kubeconfigPath, k8sVersion: o.k8sVersion, emulatorArgs: ["--controllers", controllers] });
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const http = makeTarget(emulator.url, kc.getCurrentUser()?.token, o.concurrency);
  return { name, emulator, http, kubeconfigPath, cacheDir: path.join(work, `${name}-kubectl-cache`), kc };
}

async function load(side: Side, o: ListCompareOptions): Promise<void> {
  const started = Date.now();
  await runPool(Array.from({ length: o.namespaces }, (_, i) => i)[Symbol.iterator](), o.concurrency, async (i) => {
    const res = await request(side.http, "POST", "/api/v1/namespaces", namespaceBody(i));
    if (res.status !== 201) throw new Error(`${side.name}: create namespace ${namespaceName(i)}: ${res.status}`);
  });
  await runPool(planObjects(o.objects, o.namespaces), o.concurrency, async (obj) => {
    const res = await request(side.http, "POST", obj.kind.createPath(obj.namespace), obj.body);
    if (res.status !== 201) throw new Error(`${side.name}: create ${obj.kind.kind} in ${obj.namespace}: ${res.status} ${res.body.toString().slice(0, 300)}`);
  });
  const idle = await waitForIdle(side.emulator.pid, 3, 0.05, 900);
  o.log(`${side.name}: loaded in ${((Date.now() - started) / 1000).toFixed(1)} s, idle after ${idle.toFixed(1)} s more`);
}

/** Counts every kind the "on" cluster holds, by a limit=1 list's remainingItemCount. */
async function countObjects(side: Side): Promise<Record<string, number>> {
  const paths: Record<string, string> = {
    Pods: "/api/v1/pods",
    ReplicaSets: "/apis/apps/v1/replicasets",
    Events: "/api/v1/events",
    Endpoints: "/api/v1/endpoints",
    ServiceAccounts: "/api/v1/serviceaccounts",
    ConfigMaps: "/api/v1/configmaps",
  };
  const counts: Record<string, number> = {};
  for (const [kind, listPath] of Object.entries(paths)) {
    const res = await request(side.http, "GET", `${listPath}?limit=1`);
    const list = JSON.parse(res.body.toString("utf8")) as { items: unknown[]; metadata: { remainingItemCount?: number } };
    counts[kind] = list.items.length + (list.metadata.remainingItemCount ?? 0);
  }
  return counts;
}

/** Mean JSON bytes per object over full lists of every benchmark kind. */
async function bytesPerObject(side: Side): Promise<number> {
  let bytes = 0;
  let items = 0;
  for (const kind of benchKinds) {
    const res = await request(side.http, "GET", kind.listPath);
    bytes += res.body.length;
    items += (JSON.parse(res.body.toString("utf8")) as { items: unknown[] }).items.length;
  }
  return bytes / items;
}

type Lister = (side: Side, kind: number) => Promise<ListOutcome>;

function listers(o: ListCompareOptions, sides: Side[]): Array<{ method: string; list: Lister }> {
  const typed = new Map(sides.map((s) => [s.name, clientNodeListers(s.kc)]));
  const kubectl = process.env.LIFEBOAT_KUBECTL ?? "kubectl";
  return [
    { method: "kubectl get --raw (full list)", list: (s, k) => kubectlRawList(kubectl, s.kubeconfigPath, s.cacheDir, benchKinds[k]!.listPath) },
    {
      method: `client-node list*ForAllNamespaces, limit ${o.limit}`,
      list: (s, k) => clientNodePagedList(typed.get(s.name)![benchKinds[k]!.kind], o.limit, `client-node ${s.name} ${benchKinds[k]!.kind}`),
    },
    { method: `HTTP GET + JSON.parse, limit ${o.limit}`, list: (s, k) => rawHttpPagedList(s.http, benchKinds[k]!.listPath, o.limit) },
  ];
}

/** One round: every kind from one side; objects per second and per emulator CPU-second over all kinds. */
async function round(side: Side, list: Lister, expected: number[]): Promise<{ rate: number; perCpu: number }> {
  let items = 0;
  let seconds = 0;
  const cpu0 = readCpuSeconds(side.emulator.pid);
  for (let k = 0; k < benchKinds.length; k++) {
    const outcome = await list(side, k);
    if (outcome.labelled !== expected[k]) {
      throw new Error(`${side.name} ${benchKinds[k]!.kind}: listed ${outcome.labelled} of the benchmark's objects, expected ${expected[k]}`);
    }
    items += outcome.items;
    seconds += outcome.seconds;
  }
  return { rate: items / seconds, perCpu: items / (readCpuSeconds(side.emulator.pid) - cpu0) };
}

export async function compareListRates(o: ListCompareOptions): Promise<ListCompareResult> {
  const work = mkdtempSync(path.join(os.tmpdir(), "lifeboat-list-compare-"));
  const sides: Side[] = [];
  try {
    sides.push(await startSide("off", "none", work, o));
    sides.push(await startSide("on", o.controllers, work, o));
    for (const side of sides) {
      o.log(`${side.name}: creating ${o.objects} objects in ${o.namespaces} namespaces (controllers ${side.name})`);
      await load(side, o);
    }
    const expected = perKindCounts(o.objects);
    const rates: ListRate[] = [];
    for (const { method, list } of listers(o, sides)) {
      o.log(`timing ${method}: 1 warm-up + ${o.rounds} rounds, alternating off and on`);
      const perSide: Record<Side["name"], number[]> = { off: [], on: [] };
      const perCpu: Record<Side["name"], number[]> = { off: [], on: [] };
      for (let r = 0; r <= o.rounds; r++) {
        // Alternate which side goes first, so neither always follows the other's garbage.
        const order = r % 2 === 0 ? sides : [...sides].reverse();
        for (const side of order) {
          const { rate, perCpu: cpuRate } = await round(side, list, expected);
          if (r > 0) {
            perSide[side.name].push(rate);
            perCpu[side.name].push(cpuRate);
          }
        }
      }
      const rate: ListRate = { method, off: median(perSide.off), on: median(perSide.on), offPerCpu: median(perCpu.off), onPerCpu: median(perCpu.on) };
      rates.push(rate);
      o.log(`  off ${Math.round(rate.off)}/s (${Math.round(rate.offPerCpu)}/CPU-s), on ${Math.round(rate.on)}/s (${Math.round(rate.onPerCpu)}/CPU-s)`);
    }
    const onClusterObjects = await countObjects(sides[1]!);
    return {
      objects: o.objects,
      rates,
      onClusterObjects,
      rss: { off: readMemory(sides[0]!.emulator.pid).rss, on: readMemory(sides[1]!.emulator.pid).rss },
      bytesPerObject: { off: await bytesPerObject(sides[0]!), on: await bytesPerObject(sides[1]!) },
    };
  } finally {
    for (const side of sides) await side.emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
