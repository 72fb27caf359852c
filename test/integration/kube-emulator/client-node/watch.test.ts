// Watches through client-node's Watch and informers: event order from a list's
// resourceVersion, selector transitions, bookmarks and 410 Gone for expired versions.
import { randomBytes } from "node:crypto";
import { makeInformer, Watch, type KubeConfig, type V1ConfigMap } from "@kubernetes/client-node";
import type { EmulatorOptions } from "@lifeboat/kube-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { useClientNode } from "../support/client-node.js";
import { personaGrid } from "../support/clusters.js";

interface WatchEvent {
  type: string;
  object: Record<string, any>;
}

/** Records the events of one client-node watch and waits for conditions on them. */
class Recorder {
  readonly events: WatchEvent[] = [];
  ended?: unknown;
  private controller?: AbortController;
  private listeners: Array<() => void> = [];

  static async start(kc: KubeConfig, path: string, query: Record<string, string | number | boolean | undefined>): Promise<Recorder> {
    const r = new Recorder();
    // Watch.watch resolves once the response headers arrive; a server that holds them back
    // until the first event would leave the caller waiting here forever.
    let timer: NodeJS.Timeout | undefined;
    const headersTimeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`watch response headers not received within 3 s: ${path}`)), 3000);
    });
    const started = new Watch(kc).watch(
      path,
      query,
      (type, object) => {
        // kube-root-ca.crt is the controller manager's (every namespace from 1.20), not the test's.
        if ((object as { metadata?: { name?: string } }).metadata?.name === "kube-root-ca.crt") return;
        r.events.push({ type, object });
        r.notify();
      },
      (err) => {
        r.ended = err ?? "closed";
        r.notify();
      },
    );
    try {
      r.controller = await Promise.race([started, headersTimeout]);
    } finally {
      clearTimeout(timer);
    }
    return r;
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  waitFor(predicate: (events: WatchEvent[]) => boolean, timeoutMs = 5000): Promise<WatchEvent[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (predicate(this.events)) {
          cleanup();
          resolve(this.events);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting; events so far: ${JSON.stringify(this.events.map((e) => [e.type, e.object?.metadata?.name]))}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
      };
      this.listeners.push(check);
      check();
    });
  }

  stop(): void {
    this.controller?.abort();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An emulator for the describe block whose watches stop after each test. */
function harness(options: EmulatorOptions) {
  const k = useClientNode(options, "watch");
  const recorders: Recorder[] = [];
  afterEach(() => {
    for (const r of recorders.splice(0)) r.stop();
  });
  return {
    get core() {
      return k.core;
    },
    get kc() {
      return k.kc;
    },
    namespace: () => k.namespace(),
    async watch(path: string, query: Record<string, string | number | boolean | undefined>): Promise<Recorder> {
      const r = await Recorder.start(k.kc, path, query);
      recorders.push(r);
      return r;
    },
  };
}

describe.each(personaGrid)("watch on %s (tls: %s)", (version, tls) => {
  const k = harness({ k8sVersion: version, tls, bookmarkIntervalMs: 200 });

  it("ADDED, MODIFIED, DELETED in order from a list's resourceVersion", async () => {
    const namespace = await k.namespace();
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "before" } } });
    const list = await k.core.listNamespacedConfigMap({ namespace });
    const rv = list.metadata!.resourceVersion!;
    // Written after the list but before the watch starts: must still arrive.
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "gap" } } });

    const w = await k.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: rv });
    const created = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "x" }, data: { v: "1" } } });
    await k.core.replaceNamespacedConfigMap({ name: "x", namespace, body: { ...created, data: { v: "2" } } });
    await k.core.deleteNamespacedConfigMap({ name: "x", namespace });

    const events = await w.waitFor((es) => es.some((e) => e.type === "DELETED"));
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ["ADDED", "gap"],
      ["ADDED", "x"],
      ["MODIFIED", "x"],
      ["DELETED", "x"],
    ]);
    expect(events.every((e) => e.object.kind === "ConfigMap" && e.object.apiVersion === "v1")).toBe(true);
    expect(events[1]!.object.data).toEqual({ v: "1" });
    expect(events[2]!.object.data).toEqual({ v: "2" });
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    for (let i = 1; i < rvs.length; i++) expect(rvs[i]).toBeGreaterThan(rvs[i - 1]!);
    expect(rvs[0]).toBeGreaterThan(Number(rv));
    expect(events[1]!.object.metadata.uid).toBe(created.metadata?.uid);
    expect(events[3]!.object.metadata.uid).toBe(created.metadata?.uid);
  });

  it("a watch without resourceVersion starts with ADDED for existing objects", async () => {
    const namespace = await k.namespace();
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "a" } } });
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "b" } } });
    const w = await k.watch(`/api/v1/namespaces/${namespace}/configmaps`, {});
    const events = await w.waitFor((es) => es.length >= 2);
    expect(events.map((e) => [e.type, e.object.metadata.name]).sort()).toEqual([
      ["ADDED", "a"],
      ["ADDED", "b"],
    ]);
  });

  it("a label-selector watch gets DELETED when a label change moves an object out, ADDED when back in", async () => {
    const namespace = await k.namespace();
    const list = await k.core.listNamespacedConfigMap({ namespace });
    const w = await k.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: list.metadata!.resourceVersion, labelSelector: "app=web" });
    const cm = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "moving", labels: { app: "web" } } } });
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "other", labels: { app: "db" } } } });
    const moved = await k.core.replaceNamespacedConfigMap({ name: "moving", namespace, body: { ...cm, metadata: { ...cm.metadata, labels: { app: "db" } } } });
    await k.core.replaceNamespacedConfigMap({ name: "moving", namespace, body: { ...moved, data: { unseen: "change" } } });
    const latest = await k.core.readNamespacedConfigMap({ name: "moving", namespace });
    await k.core.replaceNamespacedConfigMap({ name: "moving", namespace, body: { ...latest, metadata: { ...latest.metadata, labels: { app: "web" } } } });

    const events = await w.waitFor((es) => es.length >= 3);
    await sleep(150);
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ["ADDED", "moving"],
      ["DELETED", "moving"],
      ["ADDED", "moving"],
    ]);
    // The DELETED event carries the previous content (still matching) with the resourceVersion
    // of the write that moved it out (the watch cache's convertToWatchEvent, since 1.9).
    expect(events[1]!.object.metadata.labels).toEqual({ app: "web" });
    expect(events[1]!.object.metadata.resourceVersion).toBe(moved.metadata?.resourceVersion);
    expect(events[2]!.object.data).toEqual({ unseen: "change" });
  });

  it("a field-selector watch sees only the named object", async () => {
    const namespace = await k.namespace();
    const list = await k.core.listNamespacedConfigMap({ namespace });
    const w = await k.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: list.metadata!.resourceVersion, fieldSelector: "metadata.name=target" });
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "noise" } } });
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "target" } } });
    await k.core.deleteNamespacedConfigMap({ name: "noise", namespace });
    await k.core.deleteNamespacedConfigMap({ name: "target", namespace });
    const events = await w.waitFor((es) => es.some((e) => e.type === "DELETED"));
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ["ADDED", "target"],
      ["DELETED", "target"],
    ]);
  });

  it("bookmarks arrive with allowWatchBookmarks and carry only a resourceVersion", async () => {
    const namespace = await k.namespace();
    const list = await k.core.listNamespacedConfigMap({ namespace });
    const w = await k.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: list.metadata!.resourceVersion, allowWatchBookmarks: true });
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "one" } } });
    const events = await w.waitFor((es) => es.some((e) => e.type === "BOOKMARK"), 3000);
    const bookmark = events.find((e) => e.type === "BOOKMARK")!;
    expect(bookmark.object.kind).toBe("ConfigMap");
    expect(bookmark.object.apiVersion).toBe("v1");
    expect(bookmark.object.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(bookmark.object.metadata.name).toBeUndefined();
    expect(bookmark.object.data).toBeUndefined();
    expect(Number(bookmark.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(list.metadata!.resourceVersion));
  });

  it("no bookmarks without allowWatchBookmarks", async () => {
    const namespace = await k.namespace();
    const list = await k.core.listNamespacedConfigMap({ namespace });
    const w = await k.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: list.metadata!.resourceVersion });
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "one" } } });
    await w.waitFor((es) => es.length >= 1);
    await sleep(500);
    expect(w.events.map((e) => e.type)).toEqual(["ADDED"]);
  });

  it("a watch across all namespaces sees writes in each of them", async () => {
    const ns1 = await k.namespace();
    const ns2 = await k.namespace();
    const list = await k.core.listConfigMapForAllNamespaces({});
    const marker = `m${randomBytes(3).toString("hex")}`;
    const w = await k.watch("/api/v1/configmaps", { resourceVersion: list.metadata!.resourceVersion, labelSelector: `marker=${marker}` });
    await k.core.createNamespacedConfigMap({ namespace: ns1, body: { metadata: { name: "a", labels: { marker } } } });
    await k.core.createNamespacedConfigMap({ namespace: ns2, body: { metadata: { name: "b", labels: { marker } } } });
    const events = await w.waitFor((es) => es.length >= 2);
    expect(events.map((e) => `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`)).toEqual([`ADDED ${ns1}/a`, `ADDED ${ns2}/b`]);
  });

  it("resourceVersion=0 starts with the current state, then follows changes", async () => {
    const namespace = await k.namespace();
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "old" } } });
    const w = await k.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: "0" });
    await w.waitFor((es) => es.length >= 1);
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "new" } } });
    const events = await w.waitFor((es) => es.length >= 2);
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ["ADDED", "old"],
      ["ADDED", "new"],
    ]);
  });

  it("timeoutSeconds ends the watch and client-node's done callback fires", async () => {
    const namespace = await k.namespace();
    const list = await k.core.listNamespacedConfigMap({ namespace });
    const started = Date.now();
    const w = await k.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: list.metadata!.resourceVersion, timeoutSeconds: 1 });
    await w.waitFor(() => w.ended !== undefined, 4000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(w.events).toEqual([]);
  });

  it("an informer sees add, update and delete and keeps its cache", async () => {
    const namespace = await k.namespace();
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "existing" } } });
    const informer = makeInformer<V1ConfigMap>(k.kc, `/api/v1/namespaces/${namespace}/configmaps`, () => k.core.listNamespacedConfigMap({ namespace }));
    const seen: string[] = [];
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    informer.on("add", (o) => o.metadata?.name !== "kube-root-ca.crt" && seen.push(`add:${o.metadata?.name}`));
    informer.on("update", (o) => seen.push(`update:${o.metadata?.name}:${o.data?.v}`));
    informer.on("delete", (o) => {
      seen.push(`delete:${o.metadata?.name}`);
      if (o.metadata?.name === "fresh") resolveDone();
    });
    informer.on("error", (err) => seen.push(`error:${String(err)}`));
    try {
      // start() lists, then waits for the watch response to begin.
      await Promise.race([informer.start(), sleep(3000).then(() => Promise.reject(new Error("informer did not start within 3 s")))]);
      expect(informer.list().map((o) => o.metadata?.name).filter((n) => n !== "kube-root-ca.crt")).toEqual(["existing"]);
      const created = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "fresh" }, data: { v: "1" } } });
      await waitUntil(() => informer.get("fresh", namespace) !== undefined);
      await k.core.replaceNamespacedConfigMap({ name: "fresh", namespace, body: { ...created, data: { v: "2" } } });
      await waitUntil(() => informer.get("fresh", namespace)?.data?.v === "2");
      await k.core.deleteNamespacedConfigMap({ name: "fresh", namespace });
      await Promise.race([done, sleep(5000)]);
      expect(seen).toEqual(["add:existing", "add:fresh", "update:fresh:2", "delete:fresh"]);
      expect(informer.list().map((o) => o.metadata?.name).filter((n) => n !== "kube-root-ca.crt")).toEqual(["existing"]);
    } finally {
      await informer.stop();
    }
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await sleep(20);
  }
}

describe.each([["1.16"], ["1.30"]] as const)("watch history on %s", (version) => {
  const k = harness({ k8sVersion: version, watchHistorySize: 10 });

  it("watching from a resourceVersion older than the kept history gets an ERROR event with 410", async () => {
    const namespace = await k.namespace();
    const list = await k.core.listNamespacedConfigMap({ namespace });
    const old = list.metadata!.resourceVersion!;
    for (let i = 0; i < 50; i++) {
      await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: `w-${i}` } } });
    }
    const w = await k.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: old });
    const events = await w.waitFor((es) => es.some((e) => e.type === "ERROR") || w.ended !== undefined);
    const error = events.find((e) => e.type === "ERROR");
    expect(error, `events: ${JSON.stringify(events.map((e) => e.type))}`).toBeDefined();
    expect(error!.object).toMatchObject({ kind: "Status", apiVersion: "v1", status: "Failure", code: 410 });
    expect(["Expired", "Gone"]).toContain(error!.object.reason);
    expect(error!.object.message).toMatch(/too old resource version/);
    expect(events.filter((e) => e.type === "ADDED")).toHaveLength(0);
  });

  it("watching from a recent resourceVersion within the history still works", async () => {
    const namespace = await k.namespace();
    for (let i = 0; i < 20; i++) await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: `r-${i}` } } });
    const list = await k.core.listNamespacedConfigMap({ namespace });
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "after" } } });
    const w = await k.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: list.metadata!.resourceVersion });
    const events = await w.waitFor((es) => es.length >= 1);
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([["ADDED", "after"]]);
  });
});
