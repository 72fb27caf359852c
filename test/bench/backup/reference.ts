// The reference the backup is measured against: paginated lists (limit and continue, as the
// agent reads) of exactly the resources and versions a backup reads, by `kubectl get --raw`
// page by page, and by plain HTTP in this process (no process start per page).
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { KubeConfig } from "@kubernetes/client-node";
import { toBackupResources } from "../../../agent/src/backup/stages/discover.js";
import { discoverApiResources } from "../../../agent/src/kube/index.js";
import { request, type HttpTarget } from "../common/http.js";
import { benchLabel, benchLabelValue } from "./dataset.js";

/** One resource in one served version, listed across all namespaces. */
export interface ListTarget {
  group: string;
  version: string;
  resource: string;
  /** Cluster-wide list path, e.g. /apis/apps/v1/deployments. */
  path: string;
}

/**
 * The resources a backup of everything reads, each in every served version, from the backup
 * pipeline's own discovery stage (each item is stored in each version it is served in).
 */
export async function backupListTargets(kc: KubeConfig): Promise<ListTarget[]> {
  const { resources, failed } = await discoverApiResources(kc);
  if (failed.length > 0) throw new Error(`discovery failed for ${failed.map((f) => f.groupVersion).join(", ")}`);
  return toBackupResources(resources).flatMap((r) =>
    r.versions.map((version) => ({
      group: r.group,
      version,
      resource: r.resource,
      path: `${r.group === "" ? `/api/${version}` : `/apis/${r.group}/${version}`}/${r.resource}`,
    })),
  );
}

/** What one pass over all targets read, and how long it took. */
export interface ListPass {
  seconds: number;
  /** Requests made (kubectl processes, for kubectl). */
  requests: number;
  /** Items returned, over all targets: one per item and served version. */
  items: number;
  /** Items carrying the benchmark's label. */
  labelled: number;
  bytes: number;
  /** The emulator's CPU seconds during the pass, when measured. */
  emulatorCpuS?: number;
}

interface RawPage {
  items?: Array<{ metadata?: { labels?: Record<string, string> } }>;
  metadata?: { continue?: string };
}

type PageReader = (pathAndQuery: string) => Promise<Buffer>;

/** Pages through every target with `readPage`, `concurrency` targets at a time. */
async function pagedPass(targets: readonly ListTarget[], limit: number, concurrency: number, readPage: PageReader): Promise<ListPass> {
  const pass: ListPass = { seconds: 0, requests: 0, items: 0, labelled: 0, bytes: 0 };
  const queue = [...targets];
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      let token: string | undefined;
      do {
        const query = new URLSearchParams({ limit: String(limit) });
        if (token) query.set("continue", token);
        const body = await readPage(`${t.path}?${query}`);
        pass.requests++;
        pass.bytes += body.length;
        // The continue token is in the page: a client must parse each page to go on.
        const page = JSON.parse(body.toString("utf8")) as RawPage;
        for (const item of page.items ?? []) {
          pass.items++;
          if (item.metadata?.labels?.[benchLabel] === benchLabelValue) pass.labelled++;
        }
        token = page.metadata?.continue || undefined;
      } while (token);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  pass.seconds = (performance.now() - started) / 1000;
  return pass;
}

/** `kubectl get --raw` for each page: one kubectl process per page, its own cache directory. */
export function kubectlPass(kubectl: string, kubeconfig: string, cacheDir: string, targets: readonly ListTarget[], limit: number, concurrency: number): Promise<ListPass> {
  return pagedPass(targets, limit, concurrency, (pathAndQuery) => kubectlRaw(kubectl, kubeconfig, cacheDir, pathAndQuery));
}

/** Plain HTTP GETs over keep-alive sockets in this process: the least any client can do. */
export function httpPass(http: HttpTarget, targets: readonly ListTarget[], limit: number, concurrency: number): Promise<ListPass> {
  return pagedPass(targets, limit, concurrency, async (pathAndQuery) => {
    const res = await request(http, "GET", pathAndQuery);
    if (res.status !== 200) throw new Error(`GET ${pathAndQuery}: ${res.status} ${res.body.toString().slice(0, 500)}`);
    return res.body;
  });
}

/**
 * The fastest of `runs` `kubectl get --raw /version`: what each kubectl process costs before it
 * reads a list (the fastest, since others' load on the machine only ever adds).
 */
export async function kubectlStartSeconds(kubectl: string, kubeconfig: string, cacheDir: string, runs = 5): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await kubectlRaw(kubectl, kubeconfig, cacheDir, "/version");
    fastest = Math.min(fastest, (performance.now() - started) / 1000);
  }
  return fastest;
}

function kubectlRaw(kubectl: string, kubeconfig: string, cacheDir: string, pathAndQuery: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, ["--kubeconfig", kubeconfig, "--cache-dir", cacheDir, "get", "--raw", pathAndQuery], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cacheDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => chunks.push(d));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new Error(`kubectl get --raw ${pathAndQuery} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

/** Runs `work`, adding what it cost another process (the emulator) in CPU seconds. */
export type CpuAccounting = <T extends object>(work: () => Promise<T>) => Promise<T & { emulatorCpuS: number }>;

export interface ReferenceOptions {
  http: HttpTarget;
  kubectl: string;
  kubeconfig: string;
  kubectlCacheDir: string;
  limit: number;
  concurrency: number;
  withEmulatorCpu: CpuAccounting;
  log: (line: string) => void;
}

export interface Reference {
  /** The first pass after the load, which also warms the emulator for the others. */
  firstHttp: ListPass;
  kubectl: ListPass;
  http: ListPass;
  kubectlStartS: number;
}

const describe = (what: string, p: ListPass): string => `${what}: ${p.seconds.toFixed(2)} s, ${p.requests} requests, ${p.items} items`;

/** Every target read by HTTP (warm-up), by kubectl page by page, and by HTTP again; both must agree. */
export async function measureReference(targets: readonly ListTarget[], o: ReferenceOptions): Promise<Reference> {
  const firstHttp = await o.withEmulatorCpu(() => httpPass(o.http, targets, o.limit, o.concurrency));
  o.log(describe("HTTP, first after load", firstHttp));
  const kubectlStartS = await kubectlStartSeconds(o.kubectl, o.kubeconfig, o.kubectlCacheDir);
  const kubectl = await o.withEmulatorCpu(() => kubectlPass(o.kubectl, o.kubeconfig, o.kubectlCacheDir, targets, o.limit, o.concurrency));
  o.log(describe("kubectl get --raw per page", kubectl));
  const http = await o.withEmulatorCpu(() => httpPass(o.http, targets, o.limit, o.concurrency));
  o.log(describe("HTTP", http));
  if (kubectl.items !== http.items || kubectl.labelled !== http.labelled) {
    throw new Error(`kubectl read ${kubectl.items} items (${kubectl.labelled} labelled), HTTP ${http.items} (${http.labelled}): the cluster changed under the benchmark`);
  }
  return { firstHttp, kubectl, http, kubectlStartS };
}
