import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { AppsV1Api, CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { request, type HttpTarget } from "../common/http.js";
import { benchLabel, benchLabelValue, type KindName } from "./objects.js";

interface ListedMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
}

/** What one list returned: how long it took and what it held. */
export interface ListOutcome {
  seconds: number;
  /** Every item returned. */
  items: number;
  /** Items carrying the benchmark's label: must equal what was created. */
  labelled: number;
  /** Bytes on the wire (response bodies), where the lister sees them. */
  bytes?: number;
  pages: number;
  /** Filled in by the caller: emulator CPU seconds (user + system, all threads) during the list. */
  emulatorCpu?: number;
  /** Filled in by the caller: this process's CPU seconds during the list (in-process listers only). */
  clientCpu?: number;
}

class ItemCounter {
  items = 0;
  labelled = 0;
  private readonly seen = new Set<string>();

  add(meta: ListedMeta | undefined, what: string): void {
    const key = `${meta?.namespace ?? ""}/${meta?.name ?? ""}`;
    if (this.seen.has(key)) throw new Error(`${what}: ${key} was returned twice`);
    this.seen.add(key);
    this.items++;
    if (meta?.labels?.[benchLabel] === benchLabelValue) this.labelled++;
  }
}

interface RawList {
  items?: Array<{ metadata?: ListedMeta }>;
  metadata?: { continue?: string };
}

/**
 * `kubectl get --raw PATH`: the wall clock of the whole kubectl process, from spawn to exit,
 * with its output drained as it comes. The JSON is parsed and checked after the clock stops.
 */
export async function kubectlRawList(kubectl: string, kubeconfig: string, cacheDir: string, path: string): Promise<ListOutcome> {
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: Buffer; stderr: string }>((resolve, reject) => {
    const child = spawn(kubectl, ["--kubeconfig", kubeconfig, "--cache-dir", cacheDir, "get", "--raw", path], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cacheDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const chunks: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (d: Buffer) => chunks.push(d));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (c) => resolve({ code: c ?? -1, stdout: Buffer.concat(chunks), stderr: err }));
  });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`kubectl get --raw ${path} failed (exit ${code}): ${stderr.trim()}`);
  const list = JSON.parse(stdout.toString("utf8")) as RawList;
  if (list.metadata?.continue) throw new Error(`kubectl get --raw ${path}: the server paginated an unlimited list`);
  const counter = new ItemCounter();
  for (const item of list.items ?? []) counter.add(item.metadata, `kubectl get --raw ${path}`);
  return { seconds, items: counter.items, labelled: counter.labelled, bytes: stdout.length, pages: 1 };
}

// Paged listers keep each item's metadata while the clock runs and check them after it stops,
// so the duplicate check is not part of the figure (kubectl's output is checked the same way).

/** A paginated list over plain HTTP with JSON.parse: the least a client can do, for comparison. */
export async function rawHttpPagedList(target: HttpTarget, path: string, limit: number): Promise<ListOutcome> {
  const counter = new ItemCounter();
  const metas: Array<ListedMeta | undefined> = [];
  let bytes = 0;
  let pages = 0;
  let token: string | undefined;
  const started = performance.now();
  do {
    const query = new URLSearchParams({ limit: String(limit) });
    if (token) query.set("continue", token);
    const res = await request(target, "GET", `${path}?${query}`);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.body.toString().slice(0, 500)}`);
    bytes += res.body.length;
    pages++;
    const list = JSON.parse(res.body.toString("utf8")) as RawList;
    for (const item of list.items ?? []) metas.push(item.metadata);
    token = list.metadata?.continue || undefined;
  } while (token);
  const seconds = (performance.now() - started) / 1000;
  for (const meta of metas) counter.add(meta, `GET ${path}`);
  return { seconds, items: counter.items, labelled: counter.labelled, bytes, pages };
}

interface TypedPage {
  items: Array<{ metadata?: ListedMeta }>;
  metadata?: { _continue?: string };
}

type TypedLister = (params: { limit: number; _continue?: string }) => Promise<TypedPage>;

export function clientNodeListers(kc: KubeConfig): Record<KindName, TypedLister> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  return {
    ConfigMap: (p) => core.listConfigMapForAllNamespaces(p),
    Secret: (p) => core.listSecretForAllNamespaces(p),
    Deployment: (p) => apps.listDeploymentForAllNamespaces(p),
    Service: (p) => core.listServiceForAllNamespaces(p),
  };
}

/** `@kubernetes/client-node` typed list across all namespaces, page by page (`limit`), to the end. */
export async function clientNodePagedList(lister: TypedLister, limit: number, what: string): Promise<ListOutcome> {
  const counter = new ItemCounter();
  const metas: Array<ListedMeta | undefined> = [];
  let pages = 0;
  let token: string | undefined;
  const started = performance.now();
  do {
    const page = await lister(token ? { limit, _continue: token } : { limit });
    pages++;
    for (const item of page.items) metas.push(item.metadata);
    token = page.metadata?._continue || undefined;
  } while (token);
  const seconds = (performance.now() - started) / 1000;
  for (const meta of metas) counter.add(meta, what);
  return { seconds, items: counter.items, labelled: counter.labelled, pages };
}
