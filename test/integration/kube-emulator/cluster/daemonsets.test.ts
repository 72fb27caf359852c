// The DaemonSet controller against real kubectl on a three-node cluster, with the emulator's
// scheduler and kubelet: one pod per node, pinned by node affinity and bound by the
// scheduler, nodeSelector and node label changes, rolling updates and `kubectl rollout status`.
import { describe, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { serial, useKubectlCluster } from "../support/kubectl-session.js";

const matrix = [
  { version: "1.16", transport: "https" },
  { version: "1.30", transport: "http" },
] as const;

interface Obj {
  metadata: { name: string; uid: string; labels?: Record<string, string>; ownerReferences?: { kind: string; name: string; controller?: boolean }[] };
  spec?: any;
  status?: any;
}
interface List {
  items: Obj[];
}

function daemonSet(name: string, podSpec: Record<string, unknown> = {}, image = "busybox:1.36") {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "agent", image }], ...podSpec } },
    },
  };
}

describe.each(matrix)("DaemonSets on $version over $transport with 3 nodes", ({ version, transport }) => {
  const { k, getJson, namespace } = useKubectlCluster<Obj>(version, transport, { nodes: 3 });

  it.concurrent("runs one pod on each node, which rollout status waits for", async ({ expect }) => {
    const ns = await namespace("ds-all");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(daemonSet("agent")));
    const rollout = await k(["-n", ns, "rollout", "status", "daemonset/agent", "--timeout=60s"]);
    expect(rollout).toContain(`daemon set "agent" successfully rolled out`);
    const pods = await getJson<List>(["-n", ns, "get", "pods"]);
    expect(pods.items.map((p) => p.spec.nodeName).sort()).toEqual(["node-1", "node-2", "node-3"]);
    for (const pod of pods.items) {
      expect(pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
        nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [pod.spec.nodeName] }] }],
      });
      expect(pod.spec.tolerations).toContainEqual({ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" });
      expect(pod.metadata.ownerReferences).toMatchObject([{ kind: "DaemonSet", name: "agent", controller: true }]);
    }
    const hash = pods.items[0]!.metadata.labels?.["controller-revision-hash"];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    const ds = await getJson(["-n", ns, "get", "daemonset", "agent"]);
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 3,
      numberAvailable: 3,
      updatedNumberScheduled: 3,
      numberMisscheduled: 0,
      observedGeneration: 1,
    });
    const revisions = await getJson<List>(["-n", ns, "get", "controllerrevisions"]);
    expect(revisions.items.map((r) => r.metadata.name)).toEqual([`agent-${hash}`]);

    // A deleted daemon pod comes back on its node.
    const victim = pods.items[0]!;
    await k(["-n", ns, "delete", "pod", victim.metadata.name, "--wait=true"]);
    const replacement = await eventually(
      "replacement",
      async () => (await getJson<List>(["-n", ns, "get", "pods"])).items.find((p) => p.metadata.uid !== victim.metadata.uid && p.spec.nodeName === victim.spec.nodeName),
      30_000,
    );
    expect(replacement.metadata.name).not.toBe(victim.metadata.name);
  }, 120_000);

  it.concurrent("limits pods to the nodes its nodeSelector picks, following node labels", async ({ expect }) => {
    const ns = await namespace("ds-select");
    const label = `lifeboat.test/ds-${serial()}`;
    await k(["label", "node", "node-2", `${label}=yes`]);
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(daemonSet("picky", { nodeSelector: { [label]: "yes" } })));
    await k(["-n", ns, "rollout", "status", "daemonset/picky", "--timeout=60s"]);
    let pods = await getJson<List>(["-n", ns, "get", "pods"]);
    expect(pods.items.map((p) => p.spec.nodeName)).toEqual(["node-2"]);
    expect((await getJson(["-n", ns, "get", "daemonset", "picky"])).status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1 });

    await k(["label", "node", "node-3", `${label}=yes`]);
    pods = await eventually("a pod on node-3", async () => {
      const list = await getJson<List>(["-n", ns, "get", "pods"]);
      return list.items.length === 2 ? list : undefined;
    }, 30_000);
    expect(pods.items.map((p) => p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0]).sort()).toEqual(["node-2", "node-3"]);

    await k(["label", "node", "node-2", `${label}-`]);
    await eventually("node-2's pod gone", async () => {
      const list = await getJson<List>(["-n", ns, "get", "pods"]);
      return list.items.length === 1 && list.items[0]!.spec.nodeName === "node-3" ? true : undefined;
    }, 30_000);
    await k(["label", "node", "node-3", `${label}-`]);
  }, 120_000);

  it.concurrent("rolls a new template out node by node", async ({ expect }) => {
    const ns = await namespace("ds-roll");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(daemonSet("roller")));
    await k(["-n", ns, "rollout", "status", "daemonset/roller", "--timeout=60s"]);
    const oldHash = (await getJson<List>(["-n", ns, "get", "pods"])).items[0]!.metadata.labels?.["controller-revision-hash"];
    await k(["-n", ns, "set", "image", "daemonset/roller", "agent=busybox:1.37"]);
    await k(["-n", ns, "rollout", "status", "daemonset/roller", "--timeout=60s"]);
    const pods = await eventually("rolled", async () => {
      const list = await getJson<List>(["-n", ns, "get", "pods"]);
      return list.items.length === 3 && list.items.every((p) => p.spec.containers[0].image === "busybox:1.37") ? list : undefined;
    }, 30_000);
    const hashes = new Set(pods.items.map((p) => p.metadata.labels?.["controller-revision-hash"]));
    expect(hashes.size).toBe(1);
    expect(hashes.has(oldHash)).toBe(false);
    expect(pods.items.every((p) => p.metadata.labels?.["pod-template-generation"] === "2")).toBe(true);
    const revisions = await getJson<List>(["-n", ns, "get", "controllerrevisions"]);
    expect(revisions.items.map((r: any) => r.revision).sort()).toEqual([1, 2]);
  }, 120_000);
});
