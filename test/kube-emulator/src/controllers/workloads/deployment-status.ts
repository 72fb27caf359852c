import type { JsonObject, KubeObject } from "../../api-types.js";
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  newCondition,
  readStatus,
  reasons,
  removeCondition,
  setCondition,
  type Condition,
  type DeploymentStatus,
} from "./deployment-conditions.js";
import { hasProgressDeadline, maxUnavailable, progressDeadlineSeconds, replicaCount, replicasOf, statusCount, statusOf, statusSum } from "./deployment-replicas.js";

/**
 * calculateStatus (sync.go): the Deployment's counts summed over its ReplicaSets, and the
 * Available condition: True while at least replicas - maxUnavailable are available.
 */
export function calculateStatus(allRSs: KubeObject[], newRS: KubeObject | undefined, d: KubeObject): DeploymentStatus {
  const available = statusSum(allRSs, "availableReplicas");
  const current = readStatus(d);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: statusSum(allRSs, "replicas"),
    updatedReplicas: newRS ? statusCount(newRS, "replicas") : 0,
    readyReplicas: statusSum(allRSs, "readyReplicas"),
    availableReplicas: available,
    // Negative while scaling down with more available than desired; shown as zero.
    unavailableReplicas: Math.max(0, replicaCount(allRSs) - available),
    ...(current.collisionCount !== undefined ? { collisionCount: current.collisionCount } : {}),
    ...(current.conditions ? { conditions: current.conditions } : {}),
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition("Available", "True", reasons.minimumReplicasAvailable, "Deployment has minimum availability."));
  } else {
    setCondition(status, newCondition("Available", "False", reasons.minimumReplicasUnavailable, "Deployment does not have minimum availability."));
  }
  return status;
}

export interface RolloutStatus {
  status: DeploymentStatus;
  /** When the Progressing condition should be looked at again for a timeout (requeueStuckDeployment). */
  recheckAt?: number;
}

/**
 * syncRolloutStatus (progress.go): calculateStatus plus the Progressing condition, which
 * says NewReplicaSetAvailable once the rollout is complete, ReplicaSetUpdated while it makes
 * progress and ProgressDeadlineExceeded when it has made none for progressDeadlineSeconds,
 * and the ReplicaFailure condition of its ReplicaSets.
 */
export function rolloutStatus(allRSs: KubeObject[], newRS: KubeObject | undefined, d: KubeObject, at: number = Date.now()): RolloutStatus {
  const status = calculateStatus(allRSs, newRS, d);
  if (!hasProgressDeadline(d)) removeCondition(status, "Progressing");
  const currentCond = getCondition(readStatus(d), "Progressing");
  const isComplete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && currentCond?.reason === reasons.newRSAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    const name = newRS ? `ReplicaSet "${newRS.metadata.name ?? ""}"` : `Deployment "${d.metadata.name ?? ""}"`;
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition("Progressing", "True", reasons.newRSAvailable, `${name} has successfully progressed.`));
    } else if (deploymentProgressing(d, status)) {
      // Progress refreshes lastUpdateTime even when the reason stays ReplicaSetUpdated.
      const condition = newCondition("Progressing", "True", reasons.replicaSetUpdated, `${name} is progressing.`);
      if (currentCond) {
        if (currentCond.status === "True") condition.lastTransitionTime = currentCond.lastTransitionTime;
        removeCondition(status, "Progressing");
      }
      setCondition(status, condition);
    } else if (deploymentTimedOut(d, status, at)) {
      setCondition(status, newCondition("Progressing", "False", reasons.timedOut, `${name} has timed out progressing.`));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(status, failure);
  else removeCondition(status, "ReplicaFailure");
  return { status, recheckAt: stuckRecheck(d, status, currentCond) };
}

/** requeueStuckDeployment: a rollout that is not complete is looked at again when its deadline would pass. */
function stuckRecheck(d: KubeObject, status: DeploymentStatus, currentCond: Condition | undefined): number | undefined {
  if (!hasProgressDeadline(d) || !currentCond) return undefined;
  if (deploymentComplete(d, status) || currentCond.reason === reasons.timedOut) return undefined;
  const from = Date.parse(currentCond.lastUpdateTime ?? "");
  if (!Number.isFinite(from)) return undefined;
  // A second more, as upstream adds, so the deadline has surely passed.
  return from + progressDeadlineSeconds(d) * 1000 + 1000;
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure condition, else an old one's, as a Deployment condition. */
function replicaFailure(allRSs: KubeObject[], newRS: KubeObject | undefined): Condition | undefined {
  for (const rs of newRS ? [newRS, ...allRSs] : allRSs) {
    const conditions = statusOf(rs).conditions;
    const c = (Array.isArray(conditions) ? (conditions as JsonObject[]) : []).find((x) => x.type === "ReplicaFailure");
    if (c) {
      const at = c.lastTransitionTime as string | undefined;
      return { type: "ReplicaFailure", status: c.status as Condition["status"], lastUpdateTime: at, lastTransitionTime: at, reason: c.reason as string, message: c.message as string };
    }
  }
  return undefined;
}
