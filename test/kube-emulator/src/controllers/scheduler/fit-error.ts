import type { Taint } from "./taints.js";

/**
 * Why the scheduler could not place a pod, worded as the scheduler of the persona's version
 * words it in the PodScheduled condition and the FailedScheduling event
 * (pkg/scheduler/framework/types.go FitError.Error; before 1.19 the predicates' reasons,
 * pkg/scheduler/algorithm/predicates/error.go).
 */

/** Why one node was filtered out. */
export type NodeRejection =
  | { kind: "unschedulable" }
  | { kind: "taint"; taint: Taint }
  | { kind: "node-affinity" }
  | { kind: "volume-node-affinity" }
  | { kind: "volume-topology" };

/** Why the pod fits no node whatever the node (the PreFilter plugins' verdict). */
export interface PodRejection {
  message: string;
  /**
   * Before 1.19 a missing or terminating claim failed podPassesBasicChecks, an error that
   * reached the event as it was, not as a FitError.
   */
  basicCheck: boolean;
}

export const noNodesAvailable = "no nodes available to schedule pods";

export function nodeRejectionReason(minor: number, rejection: NodeRejection): string {
  switch (rejection.kind) {
    case "unschedulable":
      return "node(s) were unschedulable";
    case "taint": {
      const { key, value = "" } = rejection.taint;
      if (minor >= 25) return `node(s) had untolerated taint {${key}: ${value}}`;
      if (minor >= 18) return `node(s) had taint {${key}: ${value}}, that the pod didn't tolerate`;
      return "node(s) had taints that the pod didn't tolerate";
    }
    case "node-affinity":
      return minor >= 22 ? "node(s) didn't match Pod's node affinity/selector" : "node(s) didn't match node selector";
    case "volume-node-affinity":
      return "node(s) had volume node affinity conflict";
    case "volume-topology":
      return "node(s) didn't find available persistent volumes to bind";
  }
}

/**
 * Since 1.24 the default preemption PostFilter adds its own verdict; every rejection the
 * emulator models is one preemption cannot help with. The separator after it makes the
 * doubled full stop real clusters print.
 */
function preemptionSuffix(minor: number, nodes: number): string {
  return minor >= 24 ? ` preemption: 0/${nodes} nodes are available: ${nodes} Preemption is not helpful for scheduling..` : "";
}

/** The message when every node was filtered out, one rejection per node. */
export function filterFailureMessage(minor: number, rejections: NodeRejection[]): string {
  const counts = new Map<string, number>();
  for (const r of rejections) {
    const reason = nodeRejectionReason(minor, r);
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const histogram = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
  return `0/${rejections.length} nodes are available: ${histogram.join(", ")}.${preemptionSuffix(minor, rejections.length)}`;
}

/**
 * The message when the pod itself cannot be scheduled (its claims). Until 1.26 the
 * framework copied the PreFilter status to every node, so the reason shows as a histogram;
 * later versions print it once.
 */
export function podFailureMessage(minor: number, nodes: number, rejection: PodRejection): string {
  if (rejection.basicCheck && minor < 19) return rejection.message;
  const body = minor >= 26 ? rejection.message : `${nodes} ${rejection.message}`;
  return `0/${nodes} nodes are available: ${body}.${preemptionSuffix(minor, nodes)}`;
}
