import type { KubeObject } from "../../api-types.js";
import { deploymentComplete, readStatus } from "./deployment-conditions.js";
import { activeReplicaSets, byCreation, maxUnavailable, newRSNewReplicas, replicaCount, replicasOf, statusCount, statusSum } from "./deployment-replicas.js";
import type { DeploymentSync } from "./deployment-sync.js";
import { podPhase } from "./pod-status.js";

/**
 * rolloutRolling (rolling.go): scale the new ReplicaSet up within maxSurge; otherwise scale
 * old ones down, unhealthy replicas first, keeping replicas - maxUnavailable available;
 * once complete, trim the history.
 */
export function rolloutRolling(sync: DeploymentSync, rsList: KubeObject[]): void {
  const { newRS, oldRSs } = sync.replicaSets(rsList, true);
  if (!newRS) return;
  const allRSs = [...oldRSs, newRS];
  if (reconcileNewReplicaSet(sync, allRSs, newRS) || reconcileOldReplicaSets(sync, allRSs, activeReplicaSets(oldRSs), newRS)) {
    sync.syncRolloutStatus(allRSs, newRS);
    return;
  }
  if (deploymentComplete(sync.d, readStatus(sync.d))) sync.cleanup(oldRSs);
  sync.syncRolloutStatus(allRSs, newRS);
}

function reconcileNewReplicaSet(sync: DeploymentSync, allRSs: KubeObject[], newRS: KubeObject): boolean {
  const want = replicasOf(sync.d);
  if (replicasOf(newRS) === want) return false;
  if (replicasOf(newRS) > want) return sync.scaleAndRecord(newRS, want).scaled;
  return sync.scaleAndRecord(newRS, newRSNewReplicas(sync.d, allRSs, newRS)).scaled;
}

/**
 * reconcileOldReplicaSets: how far the old ReplicaSets may shrink is all pods minus the
 * minimum available minus the new ReplicaSet's unavailable pods, so a broken new template
 * cannot eat into availability.
 */
function reconcileOldReplicaSets(sync: DeploymentSync, allRSs: KubeObject[], oldRSs: KubeObject[], newRS: KubeObject): boolean {
  if (replicaCount(oldRSs) === 0) return false;
  const minAvailable = replicasOf(sync.d) - maxUnavailable(sync.d);
  const newUnavailable = replicasOf(newRS) - statusCount(newRS, "availableReplicas");
  const maxScaledDown = replicaCount(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const { oldRSs: cleaned, scaledDown: cleanedUp } = cleanupUnhealthyReplicas(sync, oldRSs, maxScaledDown);
  const scaledDown = scaleDownOldReplicaSets(sync, [...cleaned, newRS], cleaned);
  return cleanedUp + scaledDown > 0;
}

/** cleanupUnhealthyReplicas: old ReplicaSets lose their unavailable replicas first, which costs no availability. */
function cleanupUnhealthyReplicas(sync: DeploymentSync, oldRSs: KubeObject[], maxCleanup: number): { oldRSs: KubeObject[]; scaledDown: number } {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (const [i, rs] of sorted.entries()) {
    if (total >= maxCleanup) break;
    const available = statusCount(rs, "availableReplicas");
    if (replicasOf(rs) === 0 || replicasOf(rs) === available) continue;
    const count = Math.min(maxCleanup - total, replicasOf(rs) - available);
    const newCount = replicasOf(rs) - count;
    if (newCount > replicasOf(rs)) {
      throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${replicasOf(rs)} -> ${newCount}`);
    }
    sorted[i] = sync.scaleAndRecord(rs, newCount).rs;
    total += count;
  }
  return { oldRSs: sorted, scaledDown: total };
}

/** scaleDownOldReplicaSetsForRollingUpdate: oldest first, as far as available replicas exceed the minimum. */
function scaleDownOldReplicaSets(sync: DeploymentSync, allRSs: KubeObject[], oldRSs: KubeObject[]): number {
  const minAvailable = replicasOf(sync.d) - maxUnavailable(sync.d);
  const available = statusSum(allRSs, "availableReplicas");
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= budget) break;
    if (replicasOf(rs) === 0) continue;
    const count = Math.min(replicasOf(rs), budget - total);
    sync.scaleAndRecord(rs, replicasOf(rs) - count);
    total += count;
  }
  return total;
}

/**
 * rolloutRecreate (recreate.go): scale every old ReplicaSet to zero, wait until none of
 * their pods is left running, then create or scale up the new one.
 */
export function rolloutRecreate(sync: DeploymentSync, rsList: KubeObject[], podsOf: () => KubeObject[]): void {
  let { newRS, oldRSs } = sync.replicaSets(rsList, false);
  let allRSs = [...oldRSs, ...(newRS ? [newRS] : [])];
  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) scaledDown = sync.scaleAndRecord(rs, 0).scaled || scaledDown;
  if (scaledDown || oldPodsRunning(newRS, oldRSs, podsOf())) {
    sync.syncRolloutStatus(allRSs, newRS);
    return;
  }
  if (!newRS) {
    ({ newRS, oldRSs } = sync.replicaSets(rsList, true));
    if (!newRS) return;
    allRSs = [...oldRSs, newRS];
  }
  sync.scaleAndRecord(newRS, replicasOf(sync.d));
  if (deploymentComplete(sync.d, readStatus(sync.d))) sync.cleanup(oldRSs);
  sync.syncRolloutStatus(allRSs, newRS);
}

/** oldPodsRunning: old ReplicaSets still count pods, or some pod of theirs is not yet Succeeded or Failed. */
function oldPodsRunning(newRS: KubeObject | undefined, oldRSs: KubeObject[], pods: KubeObject[]): boolean {
  if (statusSum(oldRSs, "replicas") > 0) return true;
  const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid));
  return pods.some((pod) => {
    const owner = pod.metadata.ownerReferences?.find((r) => r.controller === true)?.uid;
    if (!owner || owner === newRS?.metadata.uid || !oldUids.has(owner)) return false;
    const phase = podPhase(pod);
    return phase !== "Failed" && phase !== "Succeeded";
  });
}
