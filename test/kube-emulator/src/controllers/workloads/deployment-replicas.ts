import type { JsonObject, JsonValue, KubeObject } from "../../api-types.js";
import { specReplicas } from "./replica-control.js";

/**
 * The arithmetic of pkg/controller/deployment/util/deployment_util.go and the ReplicaSet
 * orderings of pkg/controller/controller_utils.go, over stored (apps/v1) objects.
 */

export const revisionAnnotation = "deployment.kubernetes.io/revision";
export const desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
export const maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

const maxInt32 = 2147483647;

export const specOf = (obj: KubeObject): JsonObject => (obj.spec as JsonObject | undefined) ?? {};
export const statusOf = (obj: KubeObject): JsonObject => (obj.status as JsonObject | undefined) ?? {};
export const replicasOf = specReplicas;

/** A numeric status field, 0 when absent (omitempty). */
export function statusCount(obj: KubeObject, field: string): number {
  const v = statusOf(obj)[field];
  return typeof v === "number" ? v : 0;
}

function strategy(d: KubeObject): JsonObject {
  return (specOf(d).strategy as JsonObject | undefined) ?? {};
}

export function isRollingUpdate(d: KubeObject): boolean {
  return (strategy(d).type ?? "RollingUpdate") === "RollingUpdate";
}

export function isRecreate(d: KubeObject): boolean {
  return strategy(d).type === "Recreate";
}

/*
 * The controller reads the spec as apps/v1 defaults it (SetDefaults_Deployment): an absent
 * strategy type is RollingUpdate, absent maxSurge and maxUnavailable 25%, revisionHistoryLimit
 * 10 and progressDeadlineSeconds 600, so a field the stored object lacks behaves as on a
 * real cluster, where it could not be missing.
 */

/** progressDeadlineSeconds set and not the MaxInt32 that extensions/v1beta1 spells "none" with. */
export function hasProgressDeadline(d: KubeObject): boolean {
  return progressDeadlineSeconds(d) !== maxInt32;
}

export function progressDeadlineSeconds(d: KubeObject): number {
  const v = specOf(d).progressDeadlineSeconds;
  return typeof v === "number" ? v : 600;
}

export function hasRevisionHistoryLimit(d: KubeObject): boolean {
  return revisionHistoryLimit(d) !== maxInt32;
}

export function revisionHistoryLimit(d: KubeObject): number {
  const v = specOf(d).revisionHistoryLimit;
  return typeof v === "number" ? v : 10;
}

/** intstr.GetScaledValueFromIntOrPercent; a string that is not a percentage is an error. */
export function scaledValue(value: JsonValue | undefined, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === "number") return value;
  const m = /^(-?\d+)%$/.exec(String(value));
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * ResolveFenceposts: maxSurge rounds up, maxUnavailable down; when both come to zero,
 * maxUnavailable is 1 so the rollout can move at all.
 */
export function resolveFenceposts(maxSurge: JsonValue | undefined, maxUnavailable: JsonValue | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

function rolling(d: KubeObject): { maxSurge: JsonValue; maxUnavailable: JsonValue } {
  const r = (strategy(d).rollingUpdate as JsonObject | undefined) ?? {};
  return { maxSurge: r.maxSurge ?? "25%", maxUnavailable: r.maxUnavailable ?? "25%" };
}

export function maxSurge(d: KubeObject): number {
  if (!isRollingUpdate(d)) return 0;
  return resolveFenceposts(rolling(d).maxSurge, rolling(d).maxUnavailable, replicasOf(d)).surge;
}

export function maxUnavailable(d: KubeObject): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(resolveFenceposts(rolling(d).maxSurge, rolling(d).maxUnavailable, replicas).unavailable, replicas);
}

/** NewRSNewReplicas: how big the new ReplicaSet may be now. */
export function newRSNewReplicas(d: KubeObject, allRSs: KubeObject[], newRS: KubeObject): number {
  const desired = replicasOf(d);
  if (isRecreate(d)) return desired;
  if (!isRollingUpdate(d)) throw new Error(`deployment type ${String(strategy(d).type)} isn't supported`);
  const surge = scaledValue(rolling(d).maxSurge, desired, true);
  const current = replicaCount(allRSs);
  const maxTotal = desired + surge;
  if (current >= maxTotal) return replicasOf(newRS);
  const scaleUp = Math.min(maxTotal - current, desired - replicasOf(newRS));
  return replicasOf(newRS) + scaleUp;
}

/** GetReplicaCountForReplicaSets: the sum of spec.replicas. */
export function replicaCount(rss: KubeObject[]): number {
  return rss.reduce((n, rs) => n + replicasOf(rs), 0);
}

/** The sum of one status field (replicas, readyReplicas, availableReplicas). */
export function statusSum(rss: KubeObject[], field: string): number {
  return rss.reduce((n, rs) => n + statusCount(rs, field), 0);
}

/** FilterActiveReplicaSets: those with spec.replicas above zero. */
export function activeReplicaSets(rss: Array<KubeObject | undefined>): KubeObject[] {
  return rss.filter((rs): rs is KubeObject => rs !== undefined && replicasOf(rs) > 0);
}

function intAnnotation(obj: KubeObject, key: string): number | undefined {
  const text = obj.metadata.annotations?.[key];
  if (text === undefined || !/^[+-]?\d+$/.test(text)) return undefined;
  return Number(text);
}

export function desiredReplicasAnnotationOf(rs: KubeObject): number | undefined {
  return intAnnotation(rs, desiredReplicasAnnotation);
}

/** IsSaturated: the new ReplicaSet has all the Deployment's replicas, and they are available. */
export function isSaturated(d: KubeObject, rs: KubeObject | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotationOf(rs);
  if (desired === undefined) return false;
  const want = replicasOf(d);
  return replicasOf(rs) === want && desired === want && statusCount(rs, "availableReplicas") === want;
}

/**
 * GetProportion: the share of `toAdd` (negative when scaling down) this ReplicaSet takes
 * in a proportional scale, from its size relative to the Deployment's size before the
 * scale (its max-replicas annotation).
 */
export function proportion(rs: KubeObject, d: KubeObject, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: KubeObject, d: KubeObject): number {
  if (replicasOf(d) === 0) return -replicasOf(rs);
  const deploymentMax = replicasOf(d) + maxSurge(d);
  let before = intAnnotation(rs, maxReplicasAnnotation) ?? 0;
  if (before === 0) {
    before = statusCount(d, "replicas");
    if (before === 0) return 0;
  }
  return roundToInt32((replicasOf(rs) * deploymentMax) / before) - replicasOf(rs);
}

/** integer.RoundToInt32: halves away from zero. */
function roundToInt32(a: number): number {
  return a < 0 ? Math.trunc(a - 0.5) : Math.trunc(a + 0.5);
}

/** Revision: the revision annotation as a number, 0 when absent, undefined when it does not parse. */
export function revisionOf(rs: KubeObject): number | undefined {
  const text = rs.metadata.annotations?.[revisionAnnotation];
  if (text === undefined) return 0;
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

export function maxRevision(rss: KubeObject[]): number {
  let max = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (v !== undefined && v > max) max = v;
  }
  return max;
}

/** LastRevision: the second highest revision, the one `rollout undo` goes back to. */
export function lastRevision(rss: KubeObject[]): number {
  let max = 0;
  let second = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (v === undefined) continue;
    if (v >= max) {
      second = max;
      max = v;
    } else if (v > second) {
      second = v;
    }
  }
  return second;
}

function created(obj: KubeObject): number {
  const t = Date.parse(obj.metadata.creationTimestamp ?? "");
  return Number.isFinite(t) ? t : 0;
}

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: KubeObject, b: KubeObject): number {
  const d = created(a) - created(b);
  if (d !== 0) return d;
  return (a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : (a.metadata.name ?? "") > (b.metadata.name ?? "") ? 1 : 0;
}

/** ReplicaSetsBySizeNewer: largest first, newest first among equals (where a scale-up goes first). */
export function bySizeNewer(a: KubeObject, b: KubeObject): number {
  return replicasOf(a) === replicasOf(b) ? byCreation(b, a) : replicasOf(b) - replicasOf(a);
}

/** ReplicaSetsBySizeOlder: largest first, oldest first among equals (where a scale-down goes first). */
export function bySizeOlder(a: KubeObject, b: KubeObject): number {
  return replicasOf(a) === replicasOf(b) ? byCreation(a, b) : replicasOf(b) - replicasOf(a);
}

/** ReplicaSetsByRevision: lowest revision first; creation order when revisions tie or do not parse. */
export function byRevision(a: KubeObject, b: KubeObject): number {
  const [ra, rb] = [revisionOf(a), revisionOf(b)];
  if (ra === undefined || rb === undefined || ra === rb) return byCreation(a, b);
  return ra - rb;
}
