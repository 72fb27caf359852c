// The restore's apply stage against the emulator: tiers written in order with a bound, owners and
// CRDs honoured, the existing-resource policy both ways, retried attempts counted once, and the
// API server's refusals and faults (through a faulting proxy) turned into per-item results.
import { KubeConfig } from "@kubernetes/client-node";
import { LifeboatError } from "@lifeboat/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyTiers, orderIntoTiers, type ApplyOptions } from "../../../../agent/src/restore/apply/index.js";
import { RESTORE_LABEL, type ItemResult, type KubeObject } from "../../../../agent/src/restore/types.js";
import { apiControllers, uniqueName } from "../../kube-emulator/support/clusters.js";
import { kubeConfigFor, useClientNode, type ClientNodeCluster } from "../../kube-emulator/support/client-node.js";
import { eventually } from "../../kube-emulator/support/eventually.js";
import { startFaultProxy, type FaultProxy } from "./support/fault-proxy.js";
import { outcomes, restoreItems, type RestoreItems } from "./support/restore-items.js";

const FAST_RETRY = { attempts: 4, minDelayMs: 20 };

async function restore(items: RestoreItems, kube: KubeConfig, options: Partial<ApplyOptions> = {}): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  await applyTiers(orderIntoTiers(items.items), {
    kube,
    policy: "skip",
    concurrency: 4,
    restoreId: uniqueName("restore"),
    load: (item) => items.load(item),
    onResult: (result) => results.push(result),
    retry: FAST_RETRY,
    ...options,
  });
  return results;
}

/** A small app of every tier: a CRD and one of its custom resources, a namespace, configuration, a pod its ReplicaSet adopts, a Service. */
function shopApp(namespace: string): { items: RestoreItems; group: string } {
  const group = `${uniqueName("gizmos")}.example.com`;
  const items = restoreItems();
  const labels = { app: "web" };
  const podSpec = { serviceAccountName: "app", containers: [{ name: "web", image: "registry.example/shop/web:1.2" }] };
  items.add("gizmos", { apiVersion: `${group}/v1`, kind: "Gizmo", metadata: { name: "g1", namespace }, spec: { size: 3 } });
  items.add("services", { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace }, spec: { selector: labels, ports: [{ port: 80 }] } });
  items.add("replicasets", {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: "web", namespace, labels },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
  });
  items.add("pods", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-abcde", namespace, labels, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "uid-in-the-source-cluster", controller: true }] },
    spec: podSpec,
  });
  items.add("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace }, data: { mode: "fast" } });
  items.add("secrets", { apiVersion: "v1", kind: "Secret", metadata: { name: "creds", namespace }, type: "Opaque", data: { password: Buffer.from("hunter2").toString("base64") } });
  items.add("serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "app", namespace } });
  items.add("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  items.add(
    "customresourcedefinitions",
    {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `gizmos.${group}` },
      spec: {
        group,
        scope: "Namespaced",
        names: { plural: "gizmos", singular: "gizmo", kind: "Gizmo", listKind: "GizmoList" },
        versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
      },
    },
    false,
  );
  return { items, group };
}

async function podsOf(cluster: ClientNodeCluster, namespace: string) {
  return (await cluster.core.listNamespacedPod({ namespace, labelSelector: "app=web" })).items;
}

describe("applying a restore to a 1.30 cluster over HTTPS", () => {
  const cluster = useClientNode({ k8sVersion: "1.30", tls: true, controllers: [...apiControllers, "replicaset", "service-account"] }, "apply");

  it("creates every tier in order: the pod before its ReplicaSet is adopted, the custom resource waits for its CRD", async () => {
    const namespace = uniqueName("shop");
    const { items, group } = shopApp(namespace);
    const restoreId = uniqueName("restore");
    const results = await restore(items, cluster.kc, { restoreId });

    expect(Object.values(outcomes(results))).toEqual(Array(items.items.length).fill("created"));
    const order = results.map((r) => r.item.to.resource);
    expect(order.indexOf("customresourcedefinitions")).toBeLessThan(order.indexOf("namespaces"));
    expect(order.indexOf("pods")).toBeLessThan(order.indexOf("replicasets"));
    expect(order.at(-1)).toBe("gizmos");

    const crd = await cluster.ext.readCustomResourceDefinition({ name: `gizmos.${group}` });
    expect(crd.status?.conditions?.find((c) => c.type === "Established")?.status).toBe("True");
    const gizmo = (await cluster.custom.getNamespacedCustomObject({ group, version: "v1", namespace, plural: "gizmos", name: "g1" })) as KubeObject;
    expect(gizmo).toMatchObject({ spec: { size: 3 }, metadata: { labels: { [RESTORE_LABEL]: restoreId } } });
    const secret = await cluster.core.readNamespacedSecret({ namespace, name: "creds" });
    expect(Buffer.from(secret.data!.password!, "base64").toString()).toBe("hunter2");
    expect((await cluster.core.readNamespacedConfigMap({ namespace, name: "settings" })).data).toEqual({ mode: "fast" });
    expect((await cluster.core.readNamespacedService({ namespace, name: "web" })).spec?.ports?.[0]?.port).toBe(80);

    const rs = await cluster.apps.readNamespacedReplicaSet({ namespace, name: "web" });
    expect(results.find((r) => r.item.to.resource === "replicasets")?.uid).toBe(rs.metadata!.uid);
    const adopted = await eventually("the ReplicaSet to adopt the restored pod", async () => {
      const pods = await podsOf(cluster, namespace);
      return pods[0]?.metadata?.ownerReferences?.[0]?.uid === rs.metadata!.uid ? pods : undefined;
    });
    expect(adopted.map((p) => p.metadata!.name)).toEqual(["web-abcde"]);
    expect(adopted[0]!.spec!.containers[0]!.image).toBe("registry.example/shop/web:1.2");
    expect(adopted[0]!.metadata!.labels![RESTORE_LABEL]).toBe(restoreId);
    await eventually("the ReplicaSet to count the adopted pod", async () => ((await cluster.apps.readNamespacedReplicaSet({ namespace, name: "web" })).status?.replicas === 1 ? true : undefined));
    expect((await podsOf(cluster, namespace)).map((p) => p.metadata!.name)).toEqual(["web-abcde"]);
  });

  it("skips everything when the same items are restored again, and duplicates nothing", async () => {
    const namespace = uniqueName("again");
    const { items } = shopApp(namespace);
    await restore(items, cluster.kc);
    const second = await restore(items, cluster.kc);
    expect(Object.values(outcomes(second))).toEqual(Array(items.items.length).fill("skipped"));
    expect(second.every((r) => r.message === "already exists" && r.uid)).toBe(true);
    await eventually("the ReplicaSet to count the restored pod", async () => ((await cluster.apps.readNamespacedReplicaSet({ namespace, name: "web" })).status?.replicas === 1 ? true : undefined));
    expect((await podsOf(cluster, namespace)).map((p) => p.metadata!.name)).toEqual(["web-abcde"]);
  });

  it("counts what an earlier attempt of the same restore created as created", async () => {
    const namespace = uniqueName("retried");
    const { items } = shopApp(namespace);
    const restoreId = uniqueName("restore");
    // The first attempt stops after the storage-less tiers it got through (the agent died there).
    const early = restoreItems();
    for (const item of items.items.filter((i) => ["namespaces", "configmaps", "secrets"].includes(i.to.resource))) early.add(item.to.resource, await items.load(item), item.to.namespaced);
    const first = await restore(early, cluster.kc, { restoreId });
    expect(Object.values(outcomes(first))).toEqual(["created", "created", "created"]);
    const second = await restore(items, cluster.kc, { restoreId, policy: "update" });
    expect(Object.values(outcomes(second))).toEqual(Array(items.items.length).fill("created"));
    const uids = Object.fromEntries(first.map((r) => [r.item.name, r.uid]));
    for (const r of second.filter((r) => r.item.name in uids)) expect(r.uid).toBe(uids[r.item.name]);
  });

  it("applies at most `concurrency` items of a tier at a time", async () => {
    const namespace = await cluster.namespace();
    const items = restoreItems();
    for (let i = 0; i < 12; i++) items.add("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}`, namespace } });
    let inFlight = 0;
    let most = 0;
    await restore(items, cluster.kc, {
      concurrency: 3,
      load: async (item) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return items.load(item);
      },
      onResult: () => inFlight--,
    });
    expect(most).toBe(3);
    expect((await cluster.core.listNamespacedConfigMap({ namespace })).items.filter((c) => c.metadata!.name!.startsWith("cm-"))).toHaveLength(12);
  });

  it("follows the existing-resource policy: skip leaves the object untouched, update merge-patches it", async () => {
    const namespace = await cluster.namespace();
    await cluster.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "settings", labels: { owner: "ops" } }, data: { mode: "slow", extra: "kept" } } });
    const items = restoreItems();
    items.add("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace, labels: { app: "shop" } }, data: { mode: "fast" } });

    const skipped = await restore(items, cluster.kc, { policy: "skip" });
    expect(skipped).toMatchObject([{ outcome: "skipped", message: "already exists" }]);
    const untouched = await cluster.core.readNamespacedConfigMap({ namespace, name: "settings" });
    expect(untouched.data).toEqual({ mode: "slow", extra: "kept" });
    expect(untouched.metadata!.labels).toEqual({ owner: "ops" });

    const updated = await restore(items, cluster.kc, { policy: "update", restoreId: "restore-update" });
    expect(updated).toMatchObject([{ outcome: "updated", uid: untouched.metadata!.uid }]);
    const patched = await cluster.core.readNamespacedConfigMap({ namespace, name: "settings" });
    expect(patched.data).toEqual({ mode: "fast", extra: "kept" });
    expect(patched.metadata!.labels).toEqual({ owner: "ops", app: "shop", [RESTORE_LABEL]: "restore-update" });

    const unchanged = await restore(items, cluster.kc, { policy: "update", restoreId: "restore-update-2" });
    expect(unchanged).toMatchObject([{ outcome: "skipped", message: "already exists and matches the backup" }]);
  });

  it("fails an item the API server refuses with the server's reason, and applies the others", async () => {
    const namespace = await cluster.namespace();
    const items = restoreItems();
    items.add("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "bad", namespace }, data: { "not a key!": "x" } });
    items.add("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "good", namespace }, data: { a: "1" } });
    items.add("services", { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace }, spec: { ports: [{ port: 80 }] } });
    const results = await restore(items, cluster.kc);
    expect(outcomes(results)).toEqual({ "configmaps/bad": "failed", "configmaps/good": "created", "services/web": "created" });
    const bad = results.find((r) => r.item.name === "bad")!;
    expect(bad.message).toContain("422");
    expect(bad.message).toContain('ConfigMap "bad" is invalid');
    expect(bad.message).toContain("not a key!");
  });

  it("fails the items of a namespace that is terminating with that reason", async () => {
    const namespace = await cluster.namespace();
    // A finalizer nobody removes holds the namespace in Terminating.
    await cluster.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "held", finalizers: ["example.com/hold"] } } });
    await cluster.core.deleteNamespace({ name: namespace });
    await eventually("the namespace to be terminating", async () => ((await cluster.core.readNamespace({ name: namespace })).status?.phase === "Terminating" ? true : undefined));
    const items = restoreItems();
    items.add("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    items.add("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace }, data: { a: "1" } });
    const results = await restore(items, cluster.kc);
    expect(outcomes(results)).toEqual({ [`namespaces/${namespace}`]: "failed", "configmaps/settings": "failed" });
    expect(results[0]!.message).toContain("is being deleted");
    expect(results[1]!.message).toContain(`unable to create new content in namespace ${namespace} because it is being terminated`);
    await cluster.core.patchNamespacedConfigMap({ namespace, name: "held", body: [{ op: "remove", path: "/metadata/finalizers" }] });
  });

  it("fails the custom resources of a CRD the API server refuses, without trying them", async () => {
    const namespace = await cluster.namespace();
    const group = `${uniqueName("broken")}.example.com`;
    const items = restoreItems();
    // Named unlike <plural>.<group>: the API server refuses it as Invalid.
    items.add("customresourcedefinitions", {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `gadgets.${group}` },
      spec: { group, scope: "Namespaced", names: { plural: "gizmos", kind: "Gizmo" }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }] },
    }, false);
    items.add("gadgets", { apiVersion: `${group}/v1`, kind: "Gadget", metadata: { name: "g1", namespace } });
    const results = await restore(items, cluster.kc);
    expect(outcomes(results)).toEqual({ [`customresourcedefinitions/gadgets.${group}`]: "failed", "gadgets/g1": "failed" });
    expect(results[0]!.message).toContain("422");
    expect(results[1]!.message).toContain(`its CustomResourceDefinition gadgets.${group} was not restored`);
  });
});

describe("applying a restore through API server faults", () => {
  const cluster = useClientNode({ k8sVersion: "1.30", controllers: apiControllers }, "faults");
  let proxy: FaultProxy;
  let kube: KubeConfig;

  beforeAll(async () => {
    proxy = await startFaultProxy(cluster.emulator.url);
    kube = kubeConfigFor({ kubeconfig: cluster.emulator.kubeconfig.replaceAll(cluster.emulator.url, proxy.url) });
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it("retries 500s and conflicts with backoff until the item goes through", async () => {
    const namespace = await cluster.namespace();
    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    proxy.fail({ method: "POST", path, name: "flaky", times: 2, code: 500, reason: "InternalError", message: "etcdserver: leader changed" });
    proxy.fail({ method: "POST", path, name: "contended", times: 3, code: 409, reason: "Conflict", message: "the object has been modified; please apply your changes to the latest version and try again" });
    const items = restoreItems();
    for (const name of ["flaky", "contended", "calm"]) items.add("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data: { name } });
    const results = await restore(items, kube);
    expect(outcomes(results)).toEqual({ "configmaps/flaky": "created", "configmaps/contended": "created", "configmaps/calm": "created" });
    expect([proxy.seen("POST", path, "flaky"), proxy.seen("POST", path, "contended"), proxy.seen("POST", path, "calm")]).toEqual([3, 4, 1]);
    expect((await cluster.core.readNamespacedConfigMap({ namespace, name: "contended" })).data).toEqual({ name: "contended" });
  });

  it("fails an item with the server's reason once its retries are spent, and applies the others", async () => {
    const namespace = await cluster.namespace();
    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    proxy.fail({ method: "POST", path, name: "doomed", times: 100, code: 500, reason: "InternalError", message: "etcdserver: request timed out" });
    proxy.fail({ method: "POST", path, name: "stuck", times: 100, code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on configmaps \"stuck\": try again" });
    const items = restoreItems();
    for (const name of ["doomed", "stuck", "fine"]) items.add("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace } });
    const results = await restore(items, kube);
    expect(outcomes(results)).toEqual({ "configmaps/doomed": "failed", "configmaps/stuck": "failed", "configmaps/fine": "created" });
    expect(results.find((r) => r.item.name === "doomed")!.message).toContain("500: etcdserver: request timed out");
    expect(results.find((r) => r.item.name === "stuck")!.message).toContain('409: Operation cannot be fulfilled on configmaps "stuck"');
    expect(proxy.seen("POST", path, "doomed")).toBe(FAST_RETRY.attempts);
  });

  it("counts an item whose create went through before a fault as created, not as existing", async () => {
    const namespace = await cluster.namespace();
    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    // The create went through, but its answer was lost: the retry meets the object it made.
    proxy.fail({ method: "POST", path, name: "settings", times: 1, code: 504, reason: "Timeout", message: "the server was unable to return a response in the time allotted", afterForward: true });
    const items = restoreItems();
    items.add("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace } });
    const results = await restore(items, kube);
    expect(results).toMatchObject([{ outcome: "created" }]);
    expect(proxy.seen("POST", path, "settings")).toBe(2);
    expect(results[0]!.uid).toBe((await cluster.core.readNamespacedConfigMap({ namespace, name: "settings" })).metadata!.uid);
  });

  it("ends the restore when the API server does not answer at all, without failing every item", async () => {
    const gone = await startFaultProxy(cluster.emulator.url);
    const goneKube = kubeConfigFor({ kubeconfig: cluster.emulator.kubeconfig.replaceAll(cluster.emulator.url, gone.url) });
    await gone.close();
    const items = restoreItems();
    for (const name of ["a", "b", "c", "d", "e", "f"]) items.add("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "anywhere" } });
    const results: ItemResult[] = [];
    await expect(restore(items, goneKube, { concurrency: 2, onResult: (r) => results.push(r) })).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(results).toEqual([]);
  });

  it("ends the restore with the signal's reason when it is aborted", async () => {
    const namespace = await cluster.namespace();
    const items = restoreItems();
    for (const name of ["a", "b", "c"]) items.add("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace } });
    const controller = new AbortController();
    const reason = new LifeboatError("FAILED_PRECONDITION", "restore cancelled");
    const results: ItemResult[] = [];
    const run = restore(items, kube, {
      concurrency: 1,
      signal: controller.signal,
      onResult: (r) => {
        results.push(r);
        controller.abort(reason);
      },
    });
    await expect(run).rejects.toBe(reason);
    expect(results).toHaveLength(1);
    const left = await cluster.core.listNamespacedConfigMap({ namespace });
    expect(left.items.map((c) => c.metadata!.name).filter((n) => ["a", "b", "c"].includes(n!))).toEqual(["a"]);
  });
});
