import type { JsonObject, KubeObject } from "../../api-types.js";

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/** v1.Toleration.ToleratesTaint: an empty key with Exists tolerates everything; an empty effect matches every effect. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  const operator = toleration.operator || "Equal";
  if (operator === "Exists") return true;
  return operator === "Equal" && (toleration.value ?? "") === (taint.value ?? "");
}

/**
 * The taints the scheduler sees on a node: its spec.taints and, for a node whose Ready
 * condition is not True, the not-ready taint the node lifecycle controller would add
 * (TaintNodesByCondition), so a broken node is filtered as on a real cluster.
 */
export function nodeTaints(node: KubeObject): Taint[] {
  const spec = (node.spec as JsonObject | undefined) ?? {};
  const taints = Array.isArray(spec.taints) ? (spec.taints as unknown as Taint[]) : [];
  const conditions = (node.status as JsonObject | undefined)?.conditions;
  const ready = Array.isArray(conditions) ? (conditions as JsonObject[]).find((c) => c.type === "Ready") : undefined;
  if (ready?.status === "True" || taints.some((t) => t.key === "node.kubernetes.io/not-ready")) return taints;
  return [...taints, { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }];
}

/** The first NoSchedule or NoExecute taint the pod does not tolerate (TaintToleration filter). */
export function untoleratedTaint(taints: Taint[], tolerations: Toleration[]): Taint | undefined {
  return taints.find((t) => (t.effect === "NoSchedule" || t.effect === "NoExecute") && !tolerations.some((tol) => tolerates(tol, t)));
}

export function podTolerations(podSpec: JsonObject): Toleration[] {
  return Array.isArray(podSpec.tolerations) ? (podSpec.tolerations as unknown as Toleration[]) : [];
}
