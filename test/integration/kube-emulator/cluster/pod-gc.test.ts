// The pod garbage collector against real kubectl on a two-node cluster: deleting a Node takes
// the pods bound to it (a DaemonSet's among them) once the node has stayed gone for the
// quarantine (shortened here from upstream's 40 s); from 1.26 a pod is first marked Failed
// with a DisruptionTarget condition, which a pod held by a finalizer shows.
import { describe, it } from "vitest";
import { eventually as poll } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

const slow = 180_000;
const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000) => poll(what, probe, timeoutMs);

const matrix = [
  { version: "1.16", transport: "https" },
  { version: "1.30", transport: "http" },
] as const;

interface Obj {
  metadata: { name: string; deletionTimestamp?: string; finalizers?: string[] };
  spec?: any;
  status?: any;
}
interface List {
  items: Obj[];
}

describe.each(matrix)("pod garbage collection on $version over $transport with 2 nodes", ({ version, transport }) => {
  const { k, kr, getJson, namespace } = useKubectlCluster<Obj>(version, transport, { nodes: 2, controllerSettings: { orphanPodQuarantineMs: 1000 } });
  const marksFailed = version === "1.30";

  it("deletes the pods of a deleted Node: the DaemonSet's goes, a held pod is marked", async ({ expect }) => {
    const ns = await namespace("podgc");
    const ds = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent" },
      spec: {
        selector: { matchLabels: { app: "agent" } },
        template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "agent", image: "busybox:1.36" }] } },
      },
    };
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(ds));
    await k(["-n", ns, "rollout", "status", "daemonset/agent", "--timeout=60s"]);
    const held = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "held", finalizers: ["example.com/hold"] },
      spec: { nodeName: "node-2", containers: [{ name: "main", image: "nginx:1.25" }] },
    };
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(held));
    await eventually("the held pod Running", async () => ((await getJson(["-n", ns, "get", "pod", "held"])).status?.phase === "Running" ? true : undefined));
    const before = await getJson<List>(["-n", ns, "get", "pods", "-l", "app=agent"]);
    expect(before.items.map((p) => p.spec.nodeName).sort()).toEqual(["node-1", "node-2"]);

    await k(["delete", "node", "node-2"]);
    const left = await eventually("only node-1's daemon pod", async () => {
      const pods = (await getJson<List>(["-n", ns, "get", "pods", "-l", "app=agent"])).items;
      return pods.length === 1 ? pods : undefined;
    });
    expect(left[0]!.spec.nodeName).toBe("node-1");
    const ds2 = await getJson(["-n", ns, "get", "daemonset", "agent"]);
    expect(ds2.status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1 });

    const marked = await eventually("the held pod deleted", async () => {
      const pod = await getJson(["-n", ns, "get", "pod", "held"]);
      return pod.metadata.deletionTimestamp ? pod : undefined;
    });
    if (marksFailed) {
      expect(marked.status.phase).toBe("Failed");
      expect(marked.status.conditions).toContainEqual({
        type: "DisruptionTarget",
        status: "True",
        lastProbeTime: null,
        lastTransitionTime: expect.any(String),
        reason: "DeletionByPodGC",
        message: "PodGC: node no longer exists",
      });
    } else {
      expect(marked.status.phase).toBe("Running");
      expect(marked.status.conditions.map((c: { type: string }) => c.type)).not.toContain("DisruptionTarget");
    }
    await k(["-n", ns, "patch", "pod", "held", "--type=json", "-p", JSON.stringify([{ op: "remove", path: "/metadata/finalizers" }])]);
    await eventually("the held pod gone", async () => ((await kr(["-n", ns, "get", "pod", "held"])).code !== 0 ? true : undefined));
  }, slow);
});
