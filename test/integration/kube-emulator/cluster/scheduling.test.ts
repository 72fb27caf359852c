// The scheduler against real kubectl and client-node on a 3-node emulator: bare pods bound
// and Ready, spreading, nodeSelector and node affinity, unschedulable pods with the
// PodScheduled condition and FailedScheduling events worded as each version words them,
// and pods waiting for their claims (missing, Immediate, WaitForFirstConsumer) with the
// storage controller provisioning behind them.
import { CoreV1Api } from "@kubernetes/client-node";
import { describe, it } from "vitest";
import { kubeConfigFor } from "../support/client-node.js";
import { eventually } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

const matrix = [
  { version: "1.16", transport: "http" },
  { version: "1.30", transport: "https" },
] as const;

interface Obj {
  metadata: { name: string; uid: string; annotations?: Record<string, string> };
  spec?: any;
  status?: any;
}
interface EventObj {
  reason: string;
  message: string;
  type: string;
  source?: { component?: string };
  involvedObject: { kind: string; name: string };
}

function pod(name: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "app", image: "nginx:1.25" }], ...spec } };
}

function claim(name: string, storageClassName: string) {
  return { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name }, spec: { accessModes: ["ReadWriteOnce"], storageClassName, resources: { requests: { storage: "1Gi" } } } };
}

/** What each version's scheduler adds after the filter verdict (the preemption PostFilter, from 1.24). */
const preemption = (version: string) => (version === "1.30" ? " preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.." : "");

describe.each(matrix)("scheduling on $version over $transport", ({ version, transport }) => {
  const session = useKubectlCluster<Obj>(version, transport, { nodes: 3 });
  const { k, getJson, namespace } = session;
  const apply = (ns: string, obj: unknown) => k(["-n", ns, "apply", "-f", "-"], JSON.stringify(obj));
  const events = async (ns: string, name: string) =>
    (await getJson<{ items: EventObj[] }>(["-n", ns, "get", "events", "--field-selector", `involvedObject.name=${name}`])).items;
  const podScheduled = (p: Obj) => (p.status?.conditions ?? []).find((c: any) => c.type === "PodScheduled");

  // Runs first and alone: the scheduler picks the node with the fewest pods, so pods that other
  // tests place at the same time would skew where these six land.
  it("spreads pods over all the nodes", async ({ expect }) => {
    const ns = await namespace("sched-spread");
    await apply(ns, { apiVersion: "v1", kind: "List", items: Array.from({ length: 6 }, (_, i) => pod(`p${i}`)) });
    const nodes = await eventually("all bound", async () => {
      const list = (await getJson<{ items: Obj[] }>(["-n", ns, "get", "pods"])).items;
      return list.length === 6 && list.every((p) => p.spec.nodeName) ? list.map((p) => p.spec.nodeName as string) : undefined;
    });
    expect(new Set(nodes)).toEqual(new Set(["node-1", "node-2", "node-3"]));
  });

  it.concurrent("binds a bare pod to a node, and kubectl wait sees it Ready", async ({ expect }) => {
    const ns = await namespace("sched-bare");
    await apply(ns, pod("web"));
    await k(["-n", ns, "wait", "--for=condition=Ready", "pod/web", "--timeout=30s"]);
    const p = await getJson(["-n", ns, "get", "pod", "web"]);
    expect(p.spec.nodeName).toMatch(/^node-[123]$/);
    expect(podScheduled(p)).toMatchObject({ status: "True" });
    const scheduled = await eventually("Scheduled event", async () => (await events(ns, "web")).find((e) => e.reason === "Scheduled"));
    expect(scheduled).toMatchObject({ type: "Normal", message: `Successfully assigned ${ns}/web to ${p.spec.nodeName}`, source: { component: "default-scheduler" } });
  });

  it.concurrent("puts a pod with a nodeSelector on the node kubectl labelled", async ({ expect }) => {
    const ns = await namespace("sched-label");
    const label = `lifeboat.dev/${ns}`;
    await k(["label", "node", "node-2", `${label}=yes`]);
    try {
      await apply(ns, pod("picky", { nodeSelector: { [label]: "yes" } }));
      await k(["-n", ns, "wait", "--for=condition=Ready", "pod/picky", "--timeout=30s"]);
      expect((await getJson(["-n", ns, "get", "pod", "picky"])).spec.nodeName).toBe("node-2");
    } finally {
      await k(["label", "node", "node-2", `${label}-`]);
    }
  });

  it.concurrent("places a pod pinned by node affinity on metadata.name, as DaemonSet pods are", async ({ expect }) => {
    const ns = await namespace("sched-fields");
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-3"] }] }] } } };
    await apply(ns, pod("pinned", { affinity }));
    const p = await eventually("bound", async () => {
      const got = await getJson(["-n", ns, "get", "pod", "pinned"]);
      return got.spec.nodeName ? got : undefined;
    });
    expect(p.spec.nodeName).toBe("node-3");
  });

  it.concurrent("keeps a pod no node fits Pending, Unschedulable with a FailedScheduling event, until a node fits", async ({ expect }) => {
    const ns = await namespace("sched-none");
    const label = `lifeboat.dev/${ns}`;
    await apply(ns, pod("nowhere", { nodeSelector: { [label]: "yes" } }));
    const message = `0/3 nodes are available: 3 node(s) didn't match ${version === "1.16" ? "node selector" : "Pod's node affinity/selector"}.${preemption(version)}`;
    const p = await eventually("Unschedulable", async () => {
      const got = await getJson(["-n", ns, "get", "pod", "nowhere"]);
      return podScheduled(got) ? got : undefined;
    });
    expect(podScheduled(p)).toMatchObject({ status: "False", reason: "Unschedulable", message });
    expect(p.status.phase).toBe("Pending");
    expect(p.spec.nodeName).toBeUndefined();
    const failed = await eventually("FailedScheduling", async () => (await events(ns, "nowhere")).find((e) => e.reason === "FailedScheduling"));
    expect(failed).toMatchObject({ type: "Warning", message, source: { component: "default-scheduler" } });

    // A node that comes to fit brings the pod back to the scheduler.
    await k(["label", "node", "node-1", `${label}=yes`]);
    try {
      const bound = await eventually("bound", async () => {
        const got = await getJson(["-n", ns, "get", "pod", "nowhere"]);
        return got.spec.nodeName ? got : undefined;
      });
      expect(bound.spec.nodeName).toBe("node-1");
      expect(podScheduled(bound)).toMatchObject({ status: "True" });
      expect((await events(ns, "nowhere")).filter((e) => e.reason === "FailedScheduling")).toHaveLength(1);
    } finally {
      await k(["label", "node", "node-1", `${label}-`]);
    }
  });

  it.concurrent("keeps a pod whose claim is missing Pending, and schedules it once the claim is bound", async ({ expect }) => {
    const ns = await namespace("sched-claim");
    await apply(ns, pod("db", { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }] }));
    const missing = version === "1.16" ? 'persistentvolumeclaim "data" not found' : `0/3 nodes are available: persistentvolumeclaim "data" not found.${preemption(version)}`;
    const condition = await eventually("Unschedulable", async () => podScheduled(await getJson(["-n", ns, "get", "pod", "db"])));
    expect(condition).toMatchObject({ status: "False", reason: "Unschedulable", message: missing });
    expect((await events(ns, "db")).find((e) => e.reason === "FailedScheduling")?.message).toBe(missing);

    // The default class binds Immediate: the PV controller provisions, then the pod is placed.
    await apply(ns, claim("data", "standard"));
    await k(["-n", ns, "wait", "--for=condition=Ready", "pod/db", "--timeout=30s"]);
    expect((await getJson(["-n", ns, "get", "pvc", "data"])).status.phase).toBe("Bound");
  });

  it.concurrent("chooses the node for a WaitForFirstConsumer claim, which is then provisioned there", async ({ expect }) => {
    const ns = await namespace("sched-wffc");
    await apply(ns, claim("late", "standard-wait"));
    await apply(ns, pod("consumer", { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "late" } }] }));
    await k(["-n", ns, "wait", "--for=condition=Ready", "pod/consumer", "--timeout=30s"]);
    const p = await getJson(["-n", ns, "get", "pod", "consumer"]);
    const pvc = await getJson(["-n", ns, "get", "pvc", "late"]);
    expect(pvc.metadata.annotations?.["volume.kubernetes.io/selected-node"]).toBe(p.spec.nodeName);
    expect(pvc.status.phase).toBe("Bound");
    const pv = await getJson(["get", "pv", pvc.spec.volumeName]);
    expect(JSON.stringify(pv.spec.nodeAffinity)).toContain(p.spec.nodeName);
  });

  it.concurrent("reports an unsatisfiable pod to client-node as a real cluster does", async ({ expect }) => {
    const ns = await namespace("sched-client");
    const core = kubeConfigFor(session.cluster).makeApiClient(CoreV1Api);
    await core.createNamespacedPod({ namespace: ns, body: pod("huge", { nodeSelector: { "kubernetes.io/hostname": "node-9" } }) as never });
    const read = await eventually("Unschedulable", async () => {
      const p = await core.readNamespacedPod({ namespace: ns, name: "huge" });
      return p.status?.conditions?.some((c) => c.type === "PodScheduled" && c.reason === "Unschedulable") ? p : undefined;
    });
    expect(read.status?.phase).toBe("Pending");
    expect(read.spec?.nodeName).toBeUndefined();
    const condition = read.status!.conditions!.find((c) => c.type === "PodScheduled")!;
    expect(condition.status).toBe("False");
    expect(condition.lastTransitionTime).toBeInstanceOf(Date);
  });
});
