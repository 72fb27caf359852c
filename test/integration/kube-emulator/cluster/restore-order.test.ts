// What a restore relies on: objects recreated in any order end up as one cluster would have
// them. A ReplicaSet adopts matching orphan pods instead of making new ones (and removes the
// surplus when it already has its replicas); a Deployment adopts the ReplicaSet that carries
// its template's pod-template-hash instead of making a new one.
import type { V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { describe, it } from "vitest";
import { useClientNode } from "../support/client-node.js";
import { personaGrid } from "../support/clusters.js";
import { eventually as poll } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

// Controllers, scheduler and kubelet work in the background, and each kubectl call costs
// seconds on a busy two-core machine: wait generously, a test still ends as soon as it can.
const slow = 180_000;
const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000) => poll(what, probe, timeoutMs);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: { containers: [{ name: "main", image: "nginx:1.25" }] } });

function replicaSet(name: string, replicas: number, labels: Record<string, string>): V1ReplicaSet {
  return { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name, labels }, spec: { replicas, selector: { matchLabels: labels }, template: template(labels) } };
}

/** A pod as a backup holds it: the template's labels and spec, its own name, no owner. */
function orphanPod(name: string, labels: Record<string, string>): V1Pod {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, labels }, spec: template(labels).spec };
}

describe.each(personaGrid)("restore order on %s (tls: %s)", (version, tls) => {
  const c = useClientNode({ k8sVersion: version, tls }, "restore");

  const pods = async (namespace: string) => (await c.core.listNamespacedPod({ namespace })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const events = async (namespace: string, name: string) =>
    (await c.core.listNamespacedEvent({ namespace })).items.filter((e) => e.involvedObject.name === name).map((e) => `${e.reason}: ${e.message}`);

  it("a Pod restored before its ReplicaSet is adopted; no second pod is made", async ({ expect }) => {
    const namespace = await c.namespace();
    const labels = { app: "web" };
    const pod = await c.core.createNamespacedPod({ namespace, body: orphanPod("web-4x7kq", labels) });
    const rs = await c.apps.createNamespacedReplicaSet({ namespace, body: replicaSet("web", 1, labels) });
    const adopted = await eventually("the pod adopted", async () => {
      const cur = await c.core.readNamespacedPod({ name: "web-4x7kq", namespace });
      return cur.metadata?.ownerReferences?.length ? cur : undefined;
    });
    expect(adopted.metadata?.uid).toBe(pod.metadata?.uid);
    expect(adopted.metadata?.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    await eventually("the ReplicaSet's status", async () => {
      const cur = await c.apps.readNamespacedReplicaSet({ name: "web", namespace });
      return cur.status?.replicas === 1 && cur.status.observedGeneration === 1 ? cur : undefined;
    });
    await sleep(200);
    expect((await pods(namespace)).map((p) => p.metadata?.name)).toEqual(["web-4x7kq"]);
    expect(await events(namespace, "web")).toEqual([]);
  }, slow);

  it("a Pod restored after its ReplicaSet is adopted and the surplus removed, leaving replicas pods", async ({ expect }) => {
    const namespace = await c.namespace();
    const labels = { app: "api" };
    const rs = await c.apps.createNamespacedReplicaSet({ namespace, body: replicaSet("api", 2, labels) });
    const own = await eventually("the ReplicaSet's own pods", async () => {
      const items = await pods(namespace);
      return items.length === 2 ? items : undefined;
    });
    await c.core.createNamespacedPod({ namespace, body: orphanPod("api-restored", labels) });
    const settled = await eventually("two pods again, all owned", async () => {
      const items = await pods(namespace);
      return items.length === 2 && items.every((p) => p.metadata?.ownerReferences?.[0]?.uid === rs.metadata?.uid) ? items : undefined;
    });
    expect(settled).toHaveLength(2);
    const deleted = (await events(namespace, "api")).filter((e) => e.startsWith("SuccessfulDelete"));
    expect(deleted).toHaveLength(1);
    const survivors = settled.map((p) => p.metadata?.name);
    expect([...own.map((p) => p.metadata?.name), "api-restored"].filter((n) => !survivors.includes(n))).toEqual([deleted[0]!.replace("SuccessfulDelete: Deleted pod: ", "")]);
  }, slow);

  it("Pods, then their ReplicaSet, then the Deployment: everything is adopted and nothing new is made", async ({ expect }) => {
    const namespace = await c.namespace();
    // As a backup holds them: the ReplicaSet named for its hash, which its labels and selector carry.
    const hash = "7d9f8c6b5d";
    const rsLabels = { app: "shop", "pod-template-hash": hash };
    const podNames = [`shop-${hash}-2bq8x`, `shop-${hash}-9kdzm`];
    for (const name of podNames) await c.core.createNamespacedPod({ namespace, body: orphanPod(name, rsLabels) });
    const rs = await c.apps.createNamespacedReplicaSet({
      namespace,
      body: {
        ...replicaSet(`shop-${hash}`, 2, rsLabels),
        metadata: { name: `shop-${hash}`, labels: rsLabels, annotations: { "deployment.kubernetes.io/revision": "4" } },
      },
    });
    const d = await c.apps.createNamespacedDeployment({
      namespace,
      body: { metadata: { name: "shop", labels: { app: "shop" } }, spec: { replicas: 2, selector: { matchLabels: { app: "shop" } }, template: template({ app: "shop" }) } },
    });
    const adopted = await eventually("the ReplicaSet adopted", async () => {
      const cur = await c.apps.readNamespacedReplicaSet({ name: `shop-${hash}`, namespace });
      return cur.metadata?.ownerReferences?.[0]?.uid === d.metadata?.uid ? cur : undefined;
    });
    expect(adopted.metadata?.uid).toBe(rs.metadata?.uid);
    expect(adopted.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "Deployment", name: "shop", controller: true });
    const synced = await eventually("the Deployment's revision", async () => {
      const cur = await c.apps.readNamespacedDeployment({ name: "shop", namespace });
      return cur.metadata?.annotations?.["deployment.kubernetes.io/revision"] && cur.status?.observedGeneration === 1 ? cur : undefined;
    });
    // The restored revision carries on; no new ReplicaSet, no new pods.
    expect(synced.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("4");
    await sleep(200);
    const { items: sets } = await c.apps.listNamespacedReplicaSet({ namespace });
    expect(sets.map((s) => s.metadata?.name)).toEqual([`shop-${hash}`]);
    expect(sets[0]!.spec?.replicas).toBe(2);
    const current = await pods(namespace);
    expect(current.map((p) => p.metadata?.name).sort()).toEqual(podNames);
    expect(current.every((p) => p.metadata?.ownerReferences?.[0]?.uid === rs.metadata?.uid)).toBe(true);
    expect((await events(namespace, "shop")).filter((e) => e.startsWith("ScalingReplicaSet"))).toEqual([]);
  }, slow);
});

describe.each([
  { version: "1.16", transport: "http" },
  { version: "1.30", transport: "https" },
] as const)("restore order with kubectl against $version over $transport", ({ version, transport }) => {
  const { k, getJson, namespace } = useKubectlCluster<{ items: { metadata: { name: string; ownerReferences?: { name: string }[] } }[] }>(version, transport);

  it.concurrent("kubectl apply of a Deployment, its ReplicaSet and pods in one file, Deployment first, makes no extra objects", async ({ expect }) => {
    const ns = await namespace("restore-apply");
    const hash = "5f745cc8bb";
    const labels = { app: "cart", "pod-template-hash": hash };
    const manifest = [
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "cart" }, spec: { replicas: 1, selector: { matchLabels: { app: "cart" } }, template: template({ app: "cart" }) } },
      replicaSet(`cart-${hash}`, 1, labels),
      orphanPod(`cart-${hash}-x2w9z`, labels),
    ];
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: manifest }));
    // The Deployment comes first and may make its own ReplicaSet before the restored one
    // arrives (a real cluster races the same way); what must hold is one pod per replica.
    const settled = await eventually("one owned pod", async () => {
      const { items } = await getJson(["-n", ns, "get", "pods"]);
      return items.length === 1 && items[0]!.metadata.ownerReferences?.length ? items : undefined;
    });
    expect(settled).toHaveLength(1);
    const { items: sets } = await getJson(["-n", ns, "get", "rs"]);
    expect(sets.every((s) => s.metadata.ownerReferences?.[0]?.name === "cart")).toBe(true);
  }, slow);
});
