import type { JsonObject, KubeObject } from "../api-types.js";
import { conflict, notFound } from "../http/status-error.js";
import type { ObjectService } from "./object-service.js";
import { now } from "./object-meta.js";

export interface BindingTarget {
  nodeName: string;
  /** The binding's metadata.annotations, copied onto the pod. */
  annotations?: Record<string, string>;
  /** The binding's metadata.uid precondition. */
  uid?: string;
}

/**
 * What POST pods/{name}/binding does (pkg/registry/core/pod/storage BindingREST.assignPod):
 * the only way spec.nodeName changes once a pod exists. It sets the node, copies the
 * binding's annotations and marks the PodScheduled condition True; a pod that is being
 * deleted or already has a node is refused with a Conflict on pods/binding.
 */
export function bindPod(service: ObjectService, namespace: string, name: string, target: BindingTarget): KubeObject {
  const pod = service.store.get("/pods", namespace, name);
  if (!pod) throw notFound("", "pods", name);
  const refuse = (why: string) => conflict("", "pods/binding", name, why);
  if (target.uid && target.uid !== pod.metadata.uid) {
    throw refuse(`Precondition failed: UID in precondition: ${target.uid}, UID in object meta: ${pod.metadata.uid ?? ""}`);
  }
  if (pod.metadata.deletionTimestamp) throw refuse(`pod ${name} is being deleted, cannot be assigned to a host`);
  const spec = (pod.spec as JsonObject | undefined) ?? {};
  if (typeof spec.nodeName === "string" && spec.nodeName !== "") throw refuse(`pod ${name} is already assigned to node "${spec.nodeName}"`);
  const status = (pod.status as JsonObject | undefined) ?? {};
  // UpdatePodCondition: the condition is replaced where it stands, or appended.
  const conditions = Array.isArray(status.conditions) ? [...(status.conditions as JsonObject[])] : [];
  const scheduled: JsonObject = { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: now() };
  const at = conditions.findIndex((c) => c.type === "PodScheduled");
  if (at >= 0) conditions[at] = scheduled;
  else conditions.push(scheduled);
  const annotations = target.annotations ? { ...pod.metadata.annotations, ...target.annotations } : pod.metadata.annotations;
  return service.store.update("/pods", {
    ...pod,
    metadata: { ...pod.metadata, ...(annotations ? { annotations } : {}) },
    spec: { ...spec, nodeName: target.nodeName },
    status: { ...status, conditions },
  });
}
