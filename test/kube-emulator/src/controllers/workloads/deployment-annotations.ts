import type { KubeObject } from "../../api-types.js";
import { DEPRECATED_ROLLBACK_TO } from "../../conversion/workloads.js";
import { desiredReplicasAnnotation, maxReplicasAnnotation, revisionAnnotation } from "./deployment-replicas.js";

/**
 * The annotations a Deployment and its ReplicaSets carry (deployment_util.go): the
 * revision and its history, desired-replicas and max-replicas, and the Deployment's own
 * annotations copied onto its new ReplicaSet. Functions edit the `annotations` record they
 * are given and say whether anything changed.
 */

export const revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
/** Bounds revision-history so that a long-lived ReplicaSet cannot outgrow its annotations (sync.go). */
export const maxRevisionHistoryChars = 2000;

const skipped = new Set([lastAppliedAnnotation, revisionAnnotation, revisionHistoryAnnotation, desiredReplicasAnnotation, maxReplicasAnnotation, DEPRECATED_ROLLBACK_TO]);

/**
 * SetNewReplicaSetAnnotations: copies the Deployment's annotations, raises the revision to
 * `newRevision` (remembering the one it replaces in revision-history, which is what a
 * rollback to this ReplicaSet looks like), and for a ReplicaSet about to be created sets
 * desired-replicas and max-replicas.
 */
export function setNewReplicaSetAnnotations(
  d: KubeObject,
  annotations: Record<string, string>,
  newRevision: number,
  exists: boolean,
  replicas: { desired: number; max: number },
): boolean {
  let changed = copyDeploymentAnnotations(d, annotations);
  const oldText = annotations[revisionAnnotation];
  let oldRevision = 0;
  if (oldText !== undefined && oldText !== "") {
    if (!/^[+-]?\d+$/.test(oldText)) return false;
    oldRevision = Number(oldText);
  }
  if (oldRevision < newRevision) {
    annotations[revisionAnnotation] = String(newRevision);
    changed = true;
    if (oldText !== undefined) {
      const history = annotations[revisionHistoryAnnotation] ?? "";
      if (history === "") {
        annotations[revisionHistoryAnnotation] = oldText;
      } else {
        const revisions = history.split(",");
        let total = history.length + oldText.length + 1;
        let start = 0;
        while (total > maxRevisionHistoryChars && start < revisions.length) total -= revisions[start++]!.length + 1;
        if (total <= maxRevisionHistoryChars) annotations[revisionHistoryAnnotation] = [...revisions.slice(start), oldText].join(",");
      }
    }
  }
  if (!exists && setReplicasAnnotations(annotations, replicas.desired, replicas.max)) changed = true;
  return changed;
}

function copyDeploymentAnnotations(d: KubeObject, annotations: Record<string, string>): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipped.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  return changed;
}

export function setReplicasAnnotations(annotations: Record<string, string>, desired: number, max: number): boolean {
  let changed = false;
  if (annotations[desiredReplicasAnnotation] !== String(desired)) {
    annotations[desiredReplicasAnnotation] = String(desired);
    changed = true;
  }
  if (annotations[maxReplicasAnnotation] !== String(max)) {
    annotations[maxReplicasAnnotation] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: KubeObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[desiredReplicasAnnotation] !== String(desired) || a[maxReplicasAnnotation] !== String(max);
}

/** SetDeploymentRevision. */
export function setDeploymentRevision(annotations: Record<string, string>, revision: string): boolean {
  if (annotations[revisionAnnotation] === revision) return false;
  annotations[revisionAnnotation] = revision;
  return true;
}

/** SetDeploymentAnnotationsTo: on rollback the Deployment takes the annotations of the ReplicaSet it goes back to. */
export function deploymentAnnotationsFrom(d: KubeObject, rs: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (skipped.has(k)) out[k] = v;
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!skipped.has(k)) out[k] = v;
  return out;
}
