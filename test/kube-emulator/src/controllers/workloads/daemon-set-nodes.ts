import type { JsonObject, KubeObject } from "../../api-types.js";
import { podMatchesNodeAffinity } from "../scheduler/node-affinity.js";
import { tolerates, type Taint, type Toleration } from "../scheduler/taints.js";

/**
 * Which nodes a DaemonSet's pod belongs on (pkg/controller/daemon: NodeShouldRunDaemonPod):
 * the template's nodeName and required node affinity (nodeSelector and nodeSelectorTerms)
 * must fit the node, and the pod, with the tolerations the controller adds, must tolerate
 * the node's NoSchedule and NoExecute taints.
 */

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

const asObject = (v: unknown): JsonObject => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {});
const asArray = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

/**
 * util.AddOrUpdateDaemonPodTolerations: daemon pods ride out node conditions and
 * cordoning that evict or keep out ordinary pods.
 */
export function daemonPodTolerations(podSpec: JsonObject): JsonObject[] {
  const added: Toleration[] = [
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
    { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
    { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
  ];
  if (podSpec.hostNetwork === true) added.push({ key: "node.kubernetes.io/network-unavailable", operator: "Exists", effect: "NoSchedule" });
  const tolerations = asArray<Toleration>(podSpec.tolerations).map((t) => ({ ...t }));
  for (const t of added) {
    // AddOrUpdateTolerationInPod: an equal toleration (same key, operator, value, effect) is not added twice.
    const same = tolerations.findIndex((x) => x.key === t.key && (x.operator ?? "Equal") === t.operator && (x.value ?? "") === "" && x.effect === t.effect);
    if (same < 0) tolerations.push(t);
  }
  return tolerations as unknown as JsonObject[];
}

/** GetRequiredNodeAffinity(pod).Match(node), as the scheduler's NodeAffinity filter checks it. */
export function fitsNodeAffinity(podSpec: JsonObject, node: KubeObject): boolean {
  return podMatchesNodeAffinity(podSpec, node);
}

/** The first taint of `effects` no toleration tolerates. */
function untolerated(taints: Taint[], tolerations: Toleration[], effects: string[]): Taint | undefined {
  return taints.find((t) => effects.includes(t.effect) && !tolerations.some((tol) => tolerates(tol, t)));
}

export interface NodeFit {
  /** A daemon pod should be created on the node. */
  shouldRun: boolean;
  /** A daemon pod already on the node may stay (it tolerates the NoExecute taints). */
  shouldContinueRunning: boolean;
}

/** NodeShouldRunDaemonPod for the DaemonSet's pod template. */
export function nodeShouldRunDaemonPod(podSpec: JsonObject, node: KubeObject): NodeFit {
  const nodeName = typeof podSpec.nodeName === "string" ? podSpec.nodeName : "";
  if (nodeName !== "" && nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!fitsNodeAffinity(podSpec, node)) return { shouldRun: false, shouldContinueRunning: false };
  // Upstream looks at node.spec.taints only: a not-ready node keeps its daemon pods.
  const taints = asArray<Taint>(asObject(node.spec).taints);
  const tolerations = daemonPodTolerations(podSpec) as unknown as Toleration[];
  if (untolerated(taints, tolerations, ["NoSchedule", "NoExecute"])) {
    return { shouldRun: false, shouldContinueRunning: !untolerated(taints, tolerations, ["NoExecute"]) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/**
 * util.ReplaceDaemonSetPodNodeNameNodeAffinity: the pod's required node affinity becomes the
 * one term `metadata.name In [node]`, so the default scheduler binds it to that node.
 */
export function pinToNode(affinity: JsonObject | undefined, nodeName: string): JsonObject {
  const term = { matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] };
  const current = asObject(affinity);
  const nodeAffinity = asObject(current.nodeAffinity);
  return {
    ...current,
    nodeAffinity: { ...nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } },
  };
}

/** util.GetTargetNodeName: where a daemon pod runs or is pinned to go. */
export function targetNodeName(pod: KubeObject): string | undefined {
  const spec = asObject(pod.spec);
  if (typeof spec.nodeName === "string" && spec.nodeName !== "") return spec.nodeName;
  const terms = asArray<JsonObject>(asObject(asObject(asObject(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms);
  for (const term of terms) {
    for (const field of asArray<Requirement>(term.matchFields)) {
      if (field.key === "metadata.name" && field.operator === "In" && field.values?.length === 1) return field.values[0];
    }
  }
  return undefined;
}
