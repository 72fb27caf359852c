import type { JsonObject, KubeObject } from "../../api-types.js";
import { DEPRECATED_ROLLBACK_TO } from "../../conversion/workloads.js";
import { deploymentAnnotationsFrom } from "./deployment-annotations.js";
import { lastRevision, revisionOf, specOf } from "./deployment-replicas.js";
import type { DeploymentSync } from "./deployment-sync.js";
import { equalIgnoreHash, withoutHashLabel } from "./pod-template-hash.js";

/**
 * The revision a client asked to roll back to through extensions/v1beta1 or apps/v1beta1
 * spec.rollbackTo, which storage keeps in an annotation (getRollbackTo); 0 means the last one.
 */
export function rollbackTo(d: KubeObject): number | undefined {
  const text = d.metadata.annotations?.[DEPRECATED_ROLLBACK_TO];
  if (!text || !/^[+-]?\d+$/.test(text)) return undefined;
  return Number(text);
}

/**
 * rollback (rollback.go): copies the template of the ReplicaSet of the asked revision back
 * into the Deployment, with that ReplicaSet's annotations, and clears the request. Modern
 * `kubectl rollout undo` patches the template itself; this is the server-side path.
 */
export function rollback(sync: DeploymentSync, rsList: KubeObject[]): void {
  const { newRS, oldRSs } = sync.replicaSets(rsList, true);
  const all = [...oldRSs, ...(newRS ? [newRS] : [])];
  let revision = rollbackTo(sync.d) ?? 0;
  if (revision === 0) {
    revision = lastRevision(all);
    if (revision === 0) {
      sync.event("Warning", "DeploymentRollbackRevisionNotFound", "Unable to find last revision.");
      clearRollbackTo(sync, sync.d);
      return;
    }
  }
  const target = all.find((rs) => revisionOf(rs) === revision);
  if (!target) {
    sync.event("Warning", "DeploymentRollbackRevisionNotFound", "Unable to find the revision to rollback to.");
    clearRollbackTo(sync, sync.d);
    return;
  }
  const d = sync.d;
  if (equalIgnoreHash(specOf(d).template, specOf(target).template)) {
    sync.event("Warning", "DeploymentRollbackTemplateUnchanged", `The rollback revision contains the same template as current deployment "${sync.name}"`);
    clearRollbackTo(sync, d);
    return;
  }
  const next: KubeObject = {
    ...d,
    metadata: { ...d.metadata, annotations: deploymentAnnotationsFrom(d, target) },
    spec: { ...specOf(d), template: withoutHashLabel(specOf(target).template) as JsonObject },
  };
  clearRollbackTo(sync, next);
  sync.event("Normal", "DeploymentRollback", `Rolled back deployment "${sync.name}" to revision ${revision}`);
}

/** updateDeploymentAndClearRollbackTo. */
function clearRollbackTo(sync: DeploymentSync, d: KubeObject): void {
  const { [DEPRECATED_ROLLBACK_TO]: _done, ...annotations } = d.metadata.annotations ?? {};
  sync.writeDeployment({ ...d, metadata: { ...d.metadata, annotations } });
}
