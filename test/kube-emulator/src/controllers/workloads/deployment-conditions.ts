import type { JsonObject, KubeObject } from "../../api-types.js";
import { now } from "../../api/object-meta.js";
import { hasProgressDeadline, progressDeadlineSeconds, replicasOf } from "./deployment-replicas.js";

/** Condition reasons of deployment_util.go, as `kubectl describe` and `rollout status` read them. */
export const reasons = {
  replicaSetUpdated: "ReplicaSetUpdated",
  failedRSCreate: "ReplicaSetCreateError",
  newReplicaSet: "NewReplicaSetCreated",
  foundNewRS: "FoundNewReplicaSet",
  newRSAvailable: "NewReplicaSetAvailable",
  timedOut: "ProgressDeadlineExceeded",
  paused: "DeploymentPaused",
  resumed: "DeploymentResumed",
  minimumReplicasAvailable: "MinimumReplicasAvailable",
  minimumReplicasUnavailable: "MinimumReplicasUnavailable",
} as const;

/** apps/v1 DeploymentStatus as the controller computes it; zero numbers are left out when written. */
export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
  collisionCount?: number;
}

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/**
 * The stored status of a Deployment in the controller's terms: a shallow copy, which is
 * enough because conditions are only ever replaced, never edited in place.
 */
export function readStatus(d: KubeObject): DeploymentStatus {
  const status = (d.status as unknown as DeploymentStatus | undefined) ?? {};
  return status.conditions ? { ...status, conditions: [...status.conditions] } : { ...status };
}

export function newCondition(type: string, status: Condition["status"], reason: string, message: string): Condition {
  const at = now();
  return { type, status, lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

export function getCondition(status: DeploymentStatus, type: string): Condition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

/** SetDeploymentCondition: no change when status and reason are the same; lastTransitionTime kept while status is. */
export function setCondition(status: DeploymentStatus, condition: Condition): void {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = current && current.status === condition.status ? { ...condition, lastTransitionTime: current.lastTransitionTime } : condition;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  const rest = (status.conditions ?? []).filter((c) => c.type !== type);
  if (rest.length > 0) status.conditions = rest;
  else delete status.conditions;
}

/** DeploymentComplete: every replica updated and available, and the latest spec observed. */
export function deploymentComplete(d: KubeObject, status: DeploymentStatus): boolean {
  const want = replicasOf(d);
  return (
    (status.updatedReplicas ?? 0) === want &&
    (status.replicas ?? 0) === want &&
    (status.availableReplicas ?? 0) === want &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available replicas than last time. */
export function deploymentProgressing(d: KubeObject, next: DeploymentStatus): boolean {
  const old = readStatus(d);
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: the Progressing condition has not moved for progressDeadlineSeconds. */
export function deploymentTimedOut(d: KubeObject, status: DeploymentStatus, at: number = Date.now()): boolean {
  if (!hasProgressDeadline(d)) return false;
  const condition = getCondition(status, "Progressing");
  if (!condition || condition.reason === reasons.newRSAvailable) return false;
  if (condition.reason === reasons.timedOut) return true;
  const from = Date.parse(condition.lastUpdateTime ?? "");
  return Number.isFinite(from) && from + progressDeadlineSeconds(d) * 1000 < at;
}

/** The status as the Go type marshals it: fields in declaration order, zeros and empty lists left out. */
export function toJson(status: DeploymentStatus): JsonObject {
  const out: JsonObject = {};
  for (const k of ["observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"] as const) {
    if (status[k]) out[k] = status[k]!;
  }
  if (status.conditions && status.conditions.length > 0) {
    out.conditions = status.conditions.map((c) => {
      const cond: JsonObject = { type: c.type, status: c.status };
      for (const k of ["lastUpdateTime", "lastTransitionTime", "reason", "message"] as const) if (c[k]) cond[k] = c[k]!;
      return cond;
    });
  }
  if (status.collisionCount) out.collisionCount = status.collisionCount;
  return out;
}
