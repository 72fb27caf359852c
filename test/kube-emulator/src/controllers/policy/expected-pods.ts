import type { JsonObject, KubeObject, OwnerReference, ResourceInfo } from "../../api-types.js";
import { controllerOf } from "../workloads/owner-refs.js";
import { scaledValue } from "./pdb-status.js";

/** What the finders read: the store, and the catalog for the scale subresource fallback. */
export interface ScaleLookup {
  get(storageKey: string, namespace: string, name: string): KubeObject | undefined;
  /** The served resource of a group, version and kind, if any. */
  resourceFor(group: string, version: string, kind: string): ResourceInfo | undefined;
}

/**
 * Why the expected count could not be worked out: the message goes into the
 * CalculateExpectedPodCountFailed event and the SyncFailed condition; before 1.21 the
 * controller also recorded a per-pod event with `reason` (NoControllerRef, NoControllers).
 */
export class ExpectedCountError extends Error {
  constructor(
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export interface ExpectedCount {
  expectedPods: number;
  desiredHealthy: number;
  /** Pods without a controller, which the scale sum leaves out (1.23+). */
  unmanaged: string[];
}

const groupOf = (apiVersion: string): string => (apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "");
const replicasOf = (obj: KubeObject): number => {
  const replicas = (obj.spec as JsonObject | undefined)?.replicas;
  return typeof replicas === "number" ? replicas : 1;
};

function is(ref: OwnerReference, kind: string, groups: string[]): boolean {
  return ref.kind === kind && groups.includes(groupOf(ref.apiVersion));
}

function owned(lookup: ScaleLookup, storageKey: string, namespace: string, ref: OwnerReference): KubeObject | undefined {
  const obj = lookup.get(storageKey, namespace, ref.name);
  return obj && obj.metadata.uid === ref.uid ? obj : undefined;
}

type Finder = (lookup: ScaleLookup, ref: OwnerReference, namespace: string) => { uid: string; scale: number } | undefined;

const scaleOf = (obj: KubeObject) => ({ uid: obj.metadata.uid ?? "", scale: replicasOf(obj) });

/** The finders in upstream's order: RC, the Deployment of a ReplicaSet, a bare ReplicaSet, StatefulSet, any /scale. */
const finders: Finder[] = [
  (lookup, ref, ns) => {
    const rc = is(ref, "ReplicationController", [""]) ? owned(lookup, "/replicationcontrollers", ns, ref) : undefined;
    return rc && scaleOf(rc);
  },
  (lookup, ref, ns) => {
    const rs = is(ref, "ReplicaSet", ["apps", "extensions"]) ? owned(lookup, "apps/replicasets", ns, ref) : undefined;
    const dref = rs && controllerOf(rs);
    const deployment = dref && is(dref, "Deployment", ["apps", "extensions"]) ? owned(lookup, "apps/deployments", ns, dref) : undefined;
    return deployment && scaleOf(deployment);
  },
  (lookup, ref, ns) => {
    const rs = is(ref, "ReplicaSet", ["apps", "extensions"]) ? owned(lookup, "apps/replicasets", ns, ref) : undefined;
    // A ReplicaSet controlled by a Deployment counts through the Deployment.
    return rs && controllerOf(rs)?.kind !== "Deployment" ? scaleOf(rs) : undefined;
  },
  (lookup, ref, ns) => {
    const ss = is(ref, "StatefulSet", ["apps"]) ? owned(lookup, "apps/statefulsets", ns, ref) : undefined;
    return ss && scaleOf(ss);
  },
  // getScaleController: any kind that serves /scale (custom resources included).
  (lookup, ref, ns) => {
    const slash = ref.apiVersion.indexOf("/");
    const [group, version] = slash < 0 ? ["", ref.apiVersion] : [ref.apiVersion.slice(0, slash), ref.apiVersion.slice(slash + 1)];
    const info = lookup.resourceFor(group, version, ref.kind);
    if (!info) throw new ExpectedCountError(`no matches for kind "${ref.kind}" in version "${ref.apiVersion}"`);
    if (!info.subresources.includes("scale")) throw new ExpectedCountError(`${info.group ? `${info.resource}.${info.group}` : info.resource} does not implement the scale subresource`);
    const obj = owned(lookup, info.storageKey, ns, ref);
    if (!obj) return undefined;
    const path = (info.scale?.specReplicasPath ?? ".spec.replicas").replace(/^\./, "").split(".");
    let value: unknown = obj;
    for (const part of path) value = value && typeof value === "object" ? (value as JsonObject)[part] : undefined;
    return { uid: obj.metadata.uid ?? "", scale: typeof value === "number" ? value : 0 };
  },
];

/**
 * getExpectedScale: the sum of the scales of the pods' controllers. A pod without a
 * controller is an error before 1.23 and is left out (reported as unmanaged) since.
 */
function expectedScale(lookup: ScaleLookup, pods: KubeObject[], minor: number): { expected: number; unmanaged: string[] } {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    const name = pod.metadata.name ?? "";
    if (!ref) {
      if (minor >= 23) {
        unmanaged.push(name);
        continue;
      }
      throw new ExpectedCountError(`found no controller ref for pod "${name}"`, "NoControllerRef");
    }
    if (scales.has(ref.uid)) continue;
    let found: { uid: string; scale: number } | undefined;
    for (const finder of finders) {
      found = finder(lookup, ref, pod.metadata.namespace ?? "");
      if (found) break;
    }
    if (!found) throw new ExpectedCountError(`found no controllers for pod "${name}"`, "NoControllers");
    scales.set(found.uid, found.scale);
  }
  let expected = 0;
  for (const scale of scales.values()) expected += scale;
  return { expected, unmanaged };
}

/**
 * getExpectedPodCount: maxUnavailable and a percentage minAvailable count against the
 * controllers' scale; an integer minAvailable against the pods the selector matches.
 */
export function expectedPodCount(lookup: ScaleLookup, pdb: KubeObject, pods: KubeObject[], minor: number): ExpectedCount {
  const spec = (pdb.spec as JsonObject | undefined) ?? {};
  const scaled = (value: unknown, total: number): number => {
    try {
      return scaledValue(value, total);
    } catch (err) {
      throw new ExpectedCountError((err as Error).message);
    }
  };
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const { expected, unmanaged } = expectedScale(lookup, pods, minor);
    return { expectedPods: expected, desiredHealthy: Math.max(0, expected - scaled(spec.maxUnavailable, expected)), unmanaged };
  }
  if (typeof spec.minAvailable === "number") return { expectedPods: pods.length, desiredHealthy: spec.minAvailable, unmanaged: [] };
  if (typeof spec.minAvailable === "string") {
    const { expected, unmanaged } = expectedScale(lookup, pods, minor);
    return { expectedPods: expected, desiredHealthy: scaled(spec.minAvailable, expected), unmanaged };
  }
  return { expectedPods: 0, desiredHealthy: 0, unmanaged: [] };
}
