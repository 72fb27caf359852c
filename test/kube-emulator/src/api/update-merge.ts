import type { JsonObject, KubeObject, ResourceInfo } from "../api-types.js";
import { invalid } from "../http/status-error.js";
import { applyDefaults } from "./defaults/index.js";
import { specPart } from "./object-meta.js";
import type { WriteOptions } from "./object-service.js";

/** Carries over what a client cannot change on update: identity, timestamps, and status or spec by subresource. */
export function mergeForUpdate(info: ResourceInfo, current: KubeObject, incoming: KubeObject, options: WriteOptions, minor: number): KubeObject {
  const meta = {
    ...incoming.metadata,
    uid: current.metadata.uid,
    creationTimestamp: current.metadata.creationTimestamp,
    generation: current.metadata.generation,
    deletionTimestamp: current.metadata.deletionTimestamp,
    deletionGracePeriodSeconds: current.metadata.deletionGracePeriodSeconds,
    namespace: current.metadata.namespace,
  } as KubeObject["metadata"];
  let next: KubeObject = { ...incoming, metadata: meta };
  if (options.subresource === "status") {
    // A status write changes status only (plus metadata, as the real status strategies allow).
    next = { ...current, metadata: { ...current.metadata, labels: meta.labels, annotations: meta.annotations }, status: incoming.status ?? {} } as KubeObject;
  } else if (info.subresources.includes("status")) {
    next = { ...next, status: current.status } as KubeObject;
    if (current.status === undefined) delete (next as JsonObject).status;
  }
  if (info.storageKey === "/namespaces" && options.subresource !== "status") {
    // spec.finalizers changes only through /finalize.
    next = { ...next, spec: current.spec } as KubeObject;
  }
  if (options.subresource !== "status") next = applyDefaults(info.storageKey, next, minor, current);
  if (info.storageKey === "/services") next = keepClusterIp(current, next);
  if (next.metadata.generation !== undefined && specPart(next) !== specPart(current)) {
    next.metadata.generation = next.metadata.generation + 1;
  }
  if (current.metadata.deletionTimestamp && (next.metadata.finalizers?.length ?? 0) > (current.metadata.finalizers?.length ?? 0)) {
    const added = (next.metadata.finalizers ?? []).filter((f) => !(current.metadata.finalizers ?? []).includes(f));
    if (added.length > 0) {
      throw invalid(info.group, info.kind, current.metadata.name ?? "", [
        { reason: "FieldValueForbidden", field: "metadata.finalizers", message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(", ")}}` },
      ]);
    }
  }
  return dropUndefinedMeta(next);
}

/** clusterIP is immutable: an update that omits it keeps the allocated one; one that changes it is refused. */
function keepClusterIp(current: KubeObject, next: KubeObject): KubeObject {
  const was = (current.spec as JsonObject | undefined)?.clusterIP;
  const spec = { ...((next.spec as JsonObject | undefined) ?? {}) };
  if (spec.clusterIP === undefined || spec.clusterIP === "") {
    if (was !== undefined) spec.clusterIP = was;
    const ips = (current.spec as JsonObject | undefined)?.clusterIPs;
    if (ips !== undefined && spec.clusterIPs === undefined) spec.clusterIPs = ips;
  } else if (was !== undefined && spec.clusterIP !== was) {
    throw invalid("", "Service", current.metadata.name ?? "", [
      { reason: "FieldValueInvalid", field: "spec.clusterIPs[0]", message: `Invalid value: ${JSON.stringify([spec.clusterIP])}: may not change once set` },
    ]);
  }
  return { ...next, spec };
}

export function dropUndefinedMeta(obj: KubeObject): KubeObject {
  const meta = obj.metadata as Record<string, unknown>;
  for (const k of Object.keys(meta)) if (meta[k] === undefined) delete meta[k];
  return obj;
}
