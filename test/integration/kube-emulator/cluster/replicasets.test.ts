// The ReplicaSet and ReplicationController controllers against real kubectl and client-node:
// pods from the template, replacement of deleted pods, scale up and down with the upstream
// Events, release of pods whose labels stop matching, and status.
import { describe, it } from "vitest";
import { useClientNode } from "../support/client-node.js";
import { eventually as poll } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

// Controllers, scheduler and kubelet work in the background, and each kubectl call costs
// seconds on a busy two-core machine: wait generously, a test still ends as soon as it can.
const slow = 180_000;
const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000) => poll(what, probe, timeoutMs);

const matrix = [
  { version: "1.16", transport: "https" },
  { version: "1.30", transport: "http" },
] as const;

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    uid: string;
    resourceVersion: string;
    generation?: number;
    labels?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
    deletionTimestamp?: string;
  };
  spec?: any;
  status?: any;
  [key: string]: any;
}
interface List {
  items: Obj[];
}

function replicaSet(name: string, replicas: number) {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, tier: "web" } }, spec: { containers: [{ name: "main", image: "nginx:1.25" }] } },
    },
  };
}

describe.each(matrix)("ReplicaSets and ReplicationControllers with kubectl against $version over $transport", ({ version, transport }) => {
  const { k, getJson, namespace } = useKubectlCluster<Obj>(version, transport);

  const livePods = async (ns: string, selector: string) =>
    (await getJson<List>(["-n", ns, "get", "pods", "-l", selector])).items.filter((p) => !p.metadata.deletionTimestamp);
  const podCount = (ns: string, selector: string, n: number) =>
    eventually(`${n} pods matching ${selector}`, async () => {
      const pods = await livePods(ns, selector);
      return pods.length === n ? pods : undefined;
    });
  const eventsAbout = async (ns: string, name: string) =>
    (await getJson<List>(["-n", ns, "get", "events"])).items
      .filter((e) => e.involvedObject.name === name)
      .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));

  it.concurrent("a ReplicaSet creates its pods from the template, owned by it, and reports status", async ({ expect }) => {
    const ns = await namespace("rs-create");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(replicaSet("web", 3)));
    const pods = await podCount(ns, "app=web", 3);
    // The scheduler and kubelet start the pods; the status follows them to available.
    const rs = await eventually(
      "status of 3 available replicas",
      async () => {
        const cur = await getJson(["-n", ns, "get", "rs", "web"]);
        return cur.status?.availableReplicas === 3 ? cur : undefined;
      },
    );
    expect(rs.status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(pod.metadata.labels).toEqual({ app: "web", tier: "web" });
      expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect(pod.spec.containers[0].image).toBe("nginx:1.25");
    }
    const events = await eventsAbout(ns, "web");
    expect(events.map((e) => `${e.type} ${e.reason} ${e.source.component}`)).toEqual(Array(3).fill("Normal SuccessfulCreate replicaset-controller"));
    expect(events.map((e) => e.message).sort()).toEqual(pods.map((p) => `Created pod: ${p.metadata.name}`).sort());
    expect(events[0]!.involvedObject).toMatchObject({ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: rs.metadata.uid });
  }, slow);

  it.concurrent("a deleted pod is replaced, and kubectl scale adds and removes pods", async ({ expect }) => {
    const ns = await namespace("rs-scale");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(replicaSet("web", 2)));
    const [victim] = await podCount(ns, "app=web", 2);
    await k(["-n", ns, "delete", "pod", victim!.metadata.name, "--wait=false"]);
    const replaced = await eventually("a replacement pod", async () => {
      const pods = await livePods(ns, "app=web");
      return pods.length === 2 && pods.every((p) => p.metadata.name !== victim!.metadata.name) ? pods : undefined;
    });
    expect(replaced).toHaveLength(2);

    await k(["-n", ns, "scale", "rs/web", "--replicas=4"]);
    await podCount(ns, "app=web", 4);
    await k(["-n", ns, "scale", "rs/web", "--replicas=1"]);
    const [survivor] = await podCount(ns, "app=web", 1);
    const deletions = (await eventsAbout(ns, "web")).filter((e) => e.reason === "SuccessfulDelete");
    expect(deletions).toHaveLength(3);
    expect(deletions.every((e) => /^Deleted pod: web-\w{5}$/.test(e.message) && e.message !== `Deleted pod: ${survivor!.metadata.name}`)).toBe(true);

    await k(["-n", ns, "scale", "rs/web", "--replicas=0"]);
    await podCount(ns, "app=web", 0);
    const rs = await eventually("status of 0 replicas", async () => {
      const cur = await getJson(["-n", ns, "get", "rs", "web"]);
      return cur.status?.replicas === 0 && cur.status.observedGeneration === cur.metadata.generation ? cur : undefined;
    });
    // Zero counts are left out, replicas itself is not (the Go type's omitempty).
    expect(rs.status).toEqual({ replicas: 0, observedGeneration: rs.metadata.generation });
  }, slow);

  it.concurrent("a pod relabelled out of the selector is released and replaced", async ({ expect }) => {
    const ns = await namespace("rs-release");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(replicaSet("web", 2)));
    const [pod] = await podCount(ns, "app=web", 2);
    await k(["-n", ns, "label", "pod", pod!.metadata.name, "app=debug", "--overwrite"]);
    const released = await eventually("the pod released", async () => {
      const cur = await getJson(["-n", ns, "get", "pod", pod!.metadata.name]);
      return cur.metadata.ownerReferences ? undefined : cur;
    });
    expect(released.metadata.labels).toEqual({ app: "debug", tier: "web" });
    const owned = await podCount(ns, "app=web", 2);
    expect(owned.map((p) => p.metadata.name)).not.toContain(pod!.metadata.name);
    // Labelled back, it is adopted again and one pod goes.
    await k(["-n", ns, "label", "pod", pod!.metadata.name, "app=web", "--overwrite"]);
    const after = await podCount(ns, "app=web", 2);
    expect(after.every((p) => p.metadata.ownerReferences?.[0]?.name === "web")).toBe(true);
  }, slow);

  it.concurrent("a ReplicationController keeps its replicas, with its own Events", async ({ expect }) => {
    const ns = await namespace("rc");
    const rc = {
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { name: "legacy" },
      spec: { replicas: 2, selector: { app: "legacy" }, template: { metadata: { labels: { app: "legacy" } }, spec: { containers: [{ name: "main", image: "nginx:1.25" }] } } },
    };
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(rc));
    const [first] = await podCount(ns, "app=legacy", 2);
    expect(first!.metadata.name).toMatch(/^legacy-\w{5}$/);
    expect(first!.metadata.ownerReferences?.[0]).toMatchObject({ apiVersion: "v1", kind: "ReplicationController", name: "legacy", controller: true });
    await k(["-n", ns, "delete", "pod", first!.metadata.name, "--wait=false"]);
    await eventually("a replacement", async () => {
      const pods = await livePods(ns, "app=legacy");
      return pods.length === 2 && !pods.some((p) => p.metadata.name === first!.metadata.name) ? true : undefined;
    });
    await k(["-n", ns, "scale", "rc/legacy", "--replicas=3"]);
    await podCount(ns, "app=legacy", 3);
    const status = await eventually("status of 3 replicas", async () => {
      const cur = await getJson(["-n", ns, "get", "rc", "legacy"]);
      return cur.status?.replicas === 3 && cur.status.observedGeneration === cur.metadata.generation ? cur.status : undefined;
    });
    expect(status.fullyLabeledReplicas).toBe(3);
    const events = await eventsAbout(ns, "legacy");
    expect(events.filter((e) => e.reason === "SuccessfulCreate")).toHaveLength(4);
    expect(new Set(events.map((e) => e.source.component))).toEqual(new Set(["replication-controller"]));
  }, slow);
});

describe.each([
  ["1.16", true],
  ["1.30", false],
] as const)("ReplicaSets with client-node against %s (tls: %s)", (version, tls) => {
  const c = useClientNode({ k8sVersion: version, tls }, "rs");

  it("scales through the scale subresource and reports the selector there", async ({ expect }) => {
    const namespace = await c.namespace();
    await c.apps.createNamespacedReplicaSet({ namespace, body: replicaSet("api", 2) });
    const listPods = async () => (await c.core.listNamespacedPod({ namespace, labelSelector: "app=api" })).items.filter((p) => !p.metadata?.deletionTimestamp);
    await eventually("2 pods", async () => ((await listPods()).length === 2 ? true : undefined));
    await c.apps.replaceNamespacedReplicaSetScale({ name: "api", namespace, body: { metadata: { name: "api", namespace }, spec: { replicas: 5 } } });
    await eventually("5 pods", async () => ((await listPods()).length === 5 ? true : undefined));
    await c.apps.replaceNamespacedReplicaSetScale({ name: "api", namespace, body: { metadata: { name: "api", namespace }, spec: { replicas: 1 } } });
    await eventually("1 pod", async () => ((await listPods()).length === 1 ? true : undefined));
    const scale = await eventually("the scale's status", async () => {
      const cur = await c.apps.readNamespacedReplicaSetScale({ name: "api", namespace });
      return cur.status?.replicas === 1 ? cur : undefined;
    });
    expect(scale.spec?.replicas).toBe(1);
    expect(scale.status?.selector).toBe("app=api");
  }, slow);
});
