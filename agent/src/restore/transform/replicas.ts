import type { KubeObject } from "../types.js";

/** Which object a replicas key names: "resource.group/ns/name" (resource given) or "ns/name". */
export interface ReplicaTarget {
  /** "deployments.apps", "statefulsets.apps", "replicationcontrollers", a custom resource; absent: any scalable workload. */
  groupResource?: string;
  namespace: string;
  name: string;
  replicas: number;
}

/** What the object is: its resource as applied, its namespaces in the backup and the target, its name. */
export interface ReplicaSubject {
  /** "deployments.apps": the resource the item is applied as. */
  groupResource: string;
  /** Other names of the same resource, e.g. the backup's "deployments.extensions". */
  otherGroupResources?: readonly string[];
  sourceNamespace: string;
  targetNamespace: string;
  name: string;
}

// The kinds an unqualified "ns/name" key may scale.
const SCALABLE_KINDS = new Set(["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"]);

/** Reads keys already checked by parseRestoreOptions into targets. */
export function replicaTargetsOf(replicas: ReadonlyMap<string, number>): ReplicaTarget[] {
  return [...replicas].map(([key, count]) => {
    const parts = key.split("/");
    return parts.length === 3
      ? { groupResource: parts[0]!, namespace: parts[1]!, name: parts[2]!, replicas: count }
      : { namespace: parts[0]!, name: parts[1]!, replicas: count };
  });
}

/**
 * Sets spec.replicas when a target names the object. A key's namespace may be the one in the
 * backup or the mapped one in the target. "ns/name" keys scale only Deployments, StatefulSets,
 * ReplicaSets and ReplicationControllers; a key with a resource sets spec.replicas of whatever
 * that resource is (custom resources included). Changes `draft`.
 */
export function setReplicas(draft: KubeObject, subject: ReplicaSubject, targets: readonly ReplicaTarget[]): void {
  const target = targets.find((t) => names(t, draft, subject));
  if (!target) return;
  const spec = (draft.spec ??= {}) as Record<string, unknown>;
  spec.replicas = target.replicas;
}

function names(target: ReplicaTarget, draft: KubeObject, subject: ReplicaSubject): boolean {
  if (target.name !== subject.name) return false;
  if (target.namespace !== subject.sourceNamespace && target.namespace !== subject.targetNamespace) return false;
  if (target.groupResource === undefined) return SCALABLE_KINDS.has(draft.kind);
  return target.groupResource === subject.groupResource || (subject.otherGroupResources ?? []).includes(target.groupResource);
}
