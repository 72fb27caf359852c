import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../../api-types.js";
import { startEmulator, type RunningEmulator } from "../../emulator.js";
import { ControllerClient } from "../client.js";
import { daemonPodTolerations, fitsNodeAffinity, nodeShouldRunDaemonPod, pinToNode, targetNodeName } from "./daemon-set-nodes.js";

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const node = (name: string, labels: Record<string, string> = {}, taints: JsonObject[] = []): KubeObject =>
  ({ apiVersion: "v1", kind: "Node", metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } }, spec: taints.length ? { taints } : {} }) as KubeObject;

describe("which nodes a daemon pod belongs on", () => {
  it("honours nodeSelector and required node affinity terms (ORed terms, ANDed expressions)", () => {
    const n = node("n1", { disk: "ssd", zone: "a" });
    expect(fitsNodeAffinity({ nodeSelector: { disk: "ssd" } }, n)).toBe(true);
    expect(fitsNodeAffinity({ nodeSelector: { disk: "hdd" } }, n)).toBe(false);
    const affinity = (terms: JsonObject[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
    expect(fitsNodeAffinity(affinity([{ matchExpressions: [{ key: "zone", operator: "In", values: ["b"] }] }, { matchExpressions: [{ key: "disk", operator: "Exists" }] }]), n)).toBe(true);
    expect(fitsNodeAffinity(affinity([{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }, { key: "disk", operator: "NotIn", values: ["ssd"] }] }]), n)).toBe(false);
    expect(fitsNodeAffinity(affinity([{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }]), n)).toBe(true);
    expect(fitsNodeAffinity(affinity([{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n2"] }] }]), n)).toBe(false);
  });

  it("tolerates cordoning and not-ready taints as the added tolerations do, but not other NoSchedule taints", () => {
    const cordoned = node("n1", {}, [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }]);
    expect(nodeShouldRunDaemonPod({}, cordoned)).toEqual({ shouldRun: true, shouldContinueRunning: true });
    const notReady = node("n1", {}, [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }]);
    expect(nodeShouldRunDaemonPod({}, notReady).shouldRun).toBe(true);
    const master = node("n1", {}, [{ key: "node-role.kubernetes.io/master", effect: "NoSchedule" }]);
    expect(nodeShouldRunDaemonPod({}, master)).toEqual({ shouldRun: false, shouldContinueRunning: true });
    expect(nodeShouldRunDaemonPod({ tolerations: [{ key: "node-role.kubernetes.io/master", operator: "Exists" }] }, master).shouldRun).toBe(true);
    const evicting = node("n1", {}, [{ key: "dedicated", value: "db", effect: "NoExecute" }]);
    expect(nodeShouldRunDaemonPod({}, evicting)).toEqual({ shouldRun: false, shouldContinueRunning: false });
    expect(nodeShouldRunDaemonPod({ tolerations: [{ key: "dedicated", value: "db", effect: "NoExecute" }] }, evicting).shouldRun).toBe(true);
  });

  it("adds the daemon tolerations once, and pins a pod with a metadata.name affinity", () => {
    const tolerations = daemonPodTolerations({ hostNetwork: true, tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }] });
    expect(tolerations.map((t) => t.key)).toEqual([
      "node.kubernetes.io/unschedulable",
      "node.kubernetes.io/not-ready",
      "node.kubernetes.io/unreachable",
      "node.kubernetes.io/disk-pressure",
      "node.kubernetes.io/memory-pressure",
      "node.kubernetes.io/pid-pressure",
      "node.kubernetes.io/network-unavailable",
    ]);
    const affinity = pinToNode({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } }, "node-2");
    expect(affinity).toEqual({
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [],
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-2"] }] }] },
      },
    });
    expect(targetNodeName({ apiVersion: "v1", kind: "Pod", metadata: {}, spec: { affinity } } as KubeObject)).toBe("node-2");
  });
});

describe.each(["1.16", "1.30"])("DaemonSet controller on %s", (version) => {
  let emulator: RunningEmulator;
  let client: ControllerClient;
  beforeAll(async () => {
    emulator = await startEmulator({ k8sVersion: version, nodes: 3, controllers: ["garbage-collector", "daemonset"] });
    client = new ControllerClient(emulator.service);
  });
  afterAll(async () => {
    await emulator.stop();
  });

  const daemonSet = (name: string, podSpec: JsonObject = {}): KubeObject => ({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: "default" },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "busybox:1.36" }], ...podSpec } },
    },
  });
  const podsOf = (name: string) => client.list("/pods", "default").filter((p) => p.metadata.ownerReferences?.[0]?.name === name);
  const status = (name: string) => (client.get("apps/daemonsets", "default", name)!.status as JsonObject | undefined) ?? {};

  it("runs one pod per node, pinned to it, with the hash label and a ControllerRevision", async () => {
    client.create("apps/daemonsets", daemonSet("agent"));
    const pods = await until("3 pods", () => podsOf("agent").length === 3 && podsOf("agent"));
    expect(pods.map(targetNodeName).sort()).toEqual(["node-1", "node-2", "node-3"]);
    const hash = pods[0]!.metadata.labels?.["controller-revision-hash"];
    expect(pods.every((p) => p.metadata.labels?.["controller-revision-hash"] === hash && p.metadata.labels?.["pod-template-generation"] === "1")).toBe(true);
    expect(pods[0]!.metadata.generateName).toBe("agent-");
    const revision = client.get("apps/controllerrevisions", "default", `agent-${hash}`)!;
    expect(revision).toMatchObject({ revision: 1, metadata: { labels: { app: "agent", "controller-revision-hash": hash } } });
    await until("status", () => status("agent").desiredNumberScheduled === 3);
    expect(status("agent")).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 3, numberUnavailable: 3, observedGeneration: 1 });
    for (const p of pods) client.updateStatus("/pods", { ...p, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } });
    await until("ready", () => status("agent").numberReady === 3);
    expect(status("agent")).toMatchObject({ numberAvailable: 3 });
    expect(status("agent").numberUnavailable).toBeUndefined();
  });

  it("limits pods to the nodes a nodeSelector picks and follows node label changes", async () => {
    client.create("apps/daemonsets", daemonSet("ssd-only", { nodeSelector: { disk: "ssd" } }));
    await new Promise((r) => setTimeout(r, 30));
    expect(podsOf("ssd-only")).toHaveLength(0);
    const n2 = client.get("/nodes", "", "node-2")!;
    client.update("/nodes", { ...n2, metadata: { ...n2.metadata, labels: { ...n2.metadata.labels, disk: "ssd" } } });
    const pods = await until("pod on node-2", () => podsOf("ssd-only").length === 1 && podsOf("ssd-only"));
    expect(targetNodeName(pods[0]!)).toBe("node-2");
    const again = client.get("/nodes", "", "node-2")!;
    const { disk: _d, ...labels } = again.metadata.labels ?? {};
    client.update("/nodes", { ...again, metadata: { ...again.metadata, labels } });
    await until("pod removed", () => podsOf("ssd-only").length === 0);
  });
});
