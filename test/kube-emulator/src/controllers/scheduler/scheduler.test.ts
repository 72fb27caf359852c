import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../../api-types.js";
import { startEmulator, type RunningEmulator } from "../../emulator.js";

// The scheduler alone (no kubelet, no storage controllers) against a 3-node emulator: what it
// binds, where, and what it says when it cannot.
let emulator: RunningEmulator;
let serial = 0;

beforeAll(async () => {
  emulator = await startEmulator({ k8sVersion: "1.30", nodes: 3, controllers: ["scheduler"] });
});
afterAll(async () => {
  await emulator.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = probe();
    if (v !== undefined) return v;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Creates a core/v1 object through the API's rules, as a client would. */
function create(resource: string, namespace: string | undefined, body: JsonObject): KubeObject {
  return emulator.service.create(emulator.service.registry.lookup("", "v1", resource)!, namespace, body);
}

function namespace(): string {
  const name = `sched-${++serial}`;
  create("namespaces", undefined, { metadata: { name } });
  return name;
}

function pod(name: string, spec: JsonObject = {}): JsonObject {
  return { metadata: { name }, spec: { containers: [{ name: "c", image: "nginx:1.25" }], ...spec } };
}

const nodeOf = (ns: string, name: string) => (emulator.service.store.get("/pods", ns, name)?.spec as JsonObject | undefined)?.nodeName as string | undefined;
const scheduledCondition = (ns: string, name: string) =>
  ((emulator.service.store.get("/pods", ns, name)?.status as JsonObject | undefined)?.conditions as JsonObject[] | undefined)?.find((c) => c.type === "PodScheduled");
const events = (ns: string, reason: string) => emulator.service.store.list("/events", ns).items.filter((e) => e.reason === reason);

describe("scheduler", () => {
  it("spreads pods over the nodes, fewest pods first", async () => {
    const ns = namespace();
    for (let i = 0; i < 9; i++) create("pods", ns, pod(`p${i}`));
    const nodes = await until("all bound", () => {
      const n = Array.from({ length: 9 }, (_, i) => nodeOf(ns, `p${i}`));
      return n.every(Boolean) ? n : undefined;
    });
    const perNode = new Map<string, number>();
    for (const n of nodes) perNode.set(n!, (perNode.get(n!) ?? 0) + 1);
    expect([...perNode.values()]).toEqual([3, 3, 3]);
    const scheduled = events(ns, "Scheduled").find((e) => (e.involvedObject as JsonObject).name === "p0")!;
    expect(scheduled.message).toBe(`Successfully assigned ${ns}/p0 to ${nodeOf(ns, "p0")}`);
    expect(scheduled.source).toEqual({ component: "default-scheduler" });
    expect(scheduledCondition(ns, "p0")).toMatchObject({ status: "True" });
  });

  it("leaves pods of other schedulers and pods with a node alone", async () => {
    const ns = namespace();
    create("pods", ns, pod("custom", { schedulerName: "my-scheduler" }));
    create("pods", ns, pod("pinned", { nodeName: "node-3" }));
    await sleep(100);
    expect(nodeOf(ns, "custom")).toBeUndefined();
    expect(nodeOf(ns, "pinned")).toBe("node-3");
    expect(events(ns, "Scheduled")).toHaveLength(0);
  });

  it("keeps an unsatisfiable pod Pending, and binds it once a node is labelled", async () => {
    const ns = namespace();
    create("pods", ns, pod("picky", { nodeSelector: { disktype: `ssd-${ns}` } }));
    const condition = await until("Unschedulable", () => scheduledCondition(ns, "picky"));
    expect(condition).toMatchObject({
      status: "False",
      reason: "Unschedulable",
      message: "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..",
    });
    await sleep(50);
    expect(events(ns, "FailedScheduling")).toHaveLength(1);

    const nodes = emulator.service.registry.lookup("", "v1", "nodes")!;
    const node2 = emulator.service.get(nodes, undefined, "node-2");
    emulator.service.update(nodes, undefined, "node-2", { ...node2, metadata: { ...node2.metadata, labels: { ...node2.metadata.labels, disktype: `ssd-${ns}` } } });
    expect(await until("bound", () => nodeOf(ns, "picky"))).toBe("node-2");
    expect(scheduledCondition(ns, "picky")).toMatchObject({ status: "True" });
  });

  it("keeps a pod off tainted nodes unless it tolerates the taint", async () => {
    const ns = namespace();
    const nodes = emulator.service.registry.lookup("", "v1", "nodes")!;
    for (const name of ["node-1", "node-2", "node-3"]) {
      const n = emulator.service.get(nodes, undefined, name);
      emulator.service.update(nodes, undefined, name, { ...n, spec: { ...(n.spec as JsonObject), taints: [{ key: "maintenance", value: ns, effect: "NoSchedule" }] } });
    }
    try {
      create("pods", ns, pod("plain"));
      create("pods", ns, pod("tolerant", { tolerations: [{ key: "maintenance", operator: "Exists", effect: "NoSchedule" }] }));
      expect(await until("tolerant bound", () => nodeOf(ns, "tolerant"))).toMatch(/^node-/);
      const condition = await until("plain Unschedulable", () => scheduledCondition(ns, "plain"));
      expect(condition.message).toBe(
        `0/3 nodes are available: 3 node(s) had untolerated taint {maintenance: ${ns}}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..`,
      );
    } finally {
      for (const name of ["node-1", "node-2", "node-3"]) {
        const n = emulator.service.get(nodes, undefined, name);
        emulator.service.update(nodes, undefined, name, { ...n, spec: { ...(n.spec as JsonObject), taints: [] } });
      }
    }
    expect(await until("plain bound after the taint went", () => nodeOf(ns, "plain"))).toMatch(/^node-/);
  });

  it("waits for a missing claim and binds the pod once the claim is bound", async () => {
    const ns = namespace();
    create("pods", ns, pod("db", { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }] }));
    const condition = await until("Unschedulable", () => scheduledCondition(ns, "db"));
    expect(condition.message).toBe('0/3 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..');

    // No storage controller runs here: the claim stays unbound, and its class binds Immediate.
    create("persistentvolumeclaims", ns, { metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "standard", resources: { requests: { storage: "1Gi" } } } });
    await until("unbound immediate", () => (scheduledCondition(ns, "db")?.message as string).includes("unbound immediate") || undefined);
    expect(nodeOf(ns, "db")).toBeUndefined();

    // A volume that only node-3 reaches, bound to the claim as the PV controller would.
    const pvName = `pv-${ns}`;
    create("persistentvolumes", undefined, {
      metadata: { name: pvName },
      spec: {
        capacity: { storage: "1Gi" },
        accessModes: ["ReadWriteOnce"],
        hostPath: { path: "/tmp/x" },
        claimRef: { namespace: ns, name: "data" },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["node-3"] }] }] } },
      },
    });
    const claims = emulator.service.registry.lookup("", "v1", "persistentvolumeclaims")!;
    const claim = emulator.service.get(claims, ns, "data");
    emulator.service.update(claims, ns, "data", { ...claim, spec: { ...(claim.spec as JsonObject), volumeName: pvName } });
    expect(await until("bound", () => nodeOf(ns, "db"))).toBe("node-3");
  });

  it("picks a node for a WaitForFirstConsumer claim and binds the pod once the claim is bound", async () => {
    const ns = namespace();
    create("persistentvolumeclaims", ns, { metadata: { name: "late" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "standard-wait", resources: { requests: { storage: "1Gi" } } } });
    create("pods", ns, pod("consumer", { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "late" } }] }));
    const claims = emulator.service.registry.lookup("", "v1", "persistentvolumeclaims")!;
    const selected = await until("selected node", () => emulator.service.store.get("/persistentvolumeclaims", ns, "late")?.metadata.annotations?.["volume.kubernetes.io/selected-node"]);
    expect(selected).toMatch(/^node-[123]$/);
    await sleep(50);
    expect(nodeOf(ns, "consumer")).toBeUndefined();
    expect(scheduledCondition(ns, "consumer")).toBeUndefined();

    const pvName = `pv-${ns}`;
    create("persistentvolumes", undefined, {
      metadata: { name: pvName },
      spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], csi: { driver: "hostpath.csi.lifeboat.dev", volumeHandle: pvName }, claimRef: { namespace: ns, name: "late" } },
    });
    const claim = emulator.service.get(claims, ns, "late");
    emulator.service.update(claims, ns, "late", { ...claim, spec: { ...(claim.spec as JsonObject), volumeName: pvName } });
    expect(await until("bound", () => nodeOf(ns, "consumer"))).toBe(selected);
  });
});
