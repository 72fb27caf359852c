import type { JsonObject, KubeObject } from "../../api-types.js";
import { isPodActive, isPodReady, maxContainerRestarts, podPhase, podReadyTime } from "./pod-status.js";

/** Which scale-down rules the persona's controller-manager has (they arrived over releases). */
export interface RankingRules {
  /** Persona minor version. */
  minor: number;
  /** Milliseconds since the epoch, the ranking's "now". */
  now: number;
}

const deletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";
const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * getPodsToDelete (pkg/controller/replicaset/replica_set.go): the `count` pods a controller
 * deletes first when it has too many. When all go, no ranking is needed.
 * `related` are the active pods of every ReplicaSet under the same controller, which rank
 * pods doubled up on a node ahead of the rest (kubernetes#80004, from 1.17).
 */
export function podsToDelete(pods: KubeObject[], related: KubeObject[], count: number, rules: RankingRules): KubeObject[] {
  if (count >= pods.length) return pods.slice(0, count);
  const onNode = new Map<string, number>();
  if (rules.minor >= 17) {
    for (const p of related) if (isPodActive(p)) onNode.set(nodeName(p), (onNode.get(nodeName(p)) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(nodeName(pod)) ?? 0 }));
  ranked.sort((a, b) => (deletesFirst(a, b, rules) ? -1 : deletesFirst(b, a, rules) ? 1 : 0));
  return ranked.slice(0, count).map((r) => r.pod);
}

/**
 * ActivePodsWithRanks.Less (pkg/controller/controller_utils.go): unscheduled before scheduled,
 * Pending before Unknown before Running, not ready before ready, lower pod-deletion-cost
 * first (1.22+), more pods on the same node first, ready for less time first, more restarts
 * first, newer first. From 1.22 (LogarithmicScaleDown) times compare in powers-of-two
 * buckets of their age, ties broken by UID.
 */
function deletesFirst(a: { pod: KubeObject; rank: number }, b: { pod: KubeObject; rank: number }, rules: RankingRules): boolean {
  const [pa, pb] = [a.pod, b.pod];
  const [na, nb] = [nodeName(pa), nodeName(pb)];
  if (na !== nb && (na === "" || nb === "")) return na === "";
  const [oa, ob] = [phaseOrdinal[podPhase(pa)] ?? 0, phaseOrdinal[podPhase(pb)] ?? 0];
  if (oa !== ob) return oa < ob;
  const [ra, rb] = [isPodReady(pa), isPodReady(pb)];
  if (ra !== rb) return !ra;
  // PodDeletionCost and LogarithmicScaleDown are both on by default from 1.22.
  const logarithmic = rules.minor >= 22;
  if (rules.minor >= 22) {
    const [ca, cb] = [deletionCost(pa), deletionCost(pb)];
    if (ca !== cb) return ca < cb;
  }
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (ra && rb) {
    const [ta, tb] = [podReadyTime(pa), podReadyTime(pb)];
    if (ta !== tb) return laterFirst(ta, tb, pa, pb, logarithmic, rules.now);
  }
  const [xa, xb] = [maxContainerRestarts(pa), maxContainerRestarts(pb)];
  if (xa.regular !== xb.regular) return xa.regular > xb.regular;
  if (rules.minor >= 29 && xa.sidecar !== xb.sidecar) return xa.sidecar > xb.sidecar;
  const [ka, kb] = [created(pa), created(pb)];
  if (ka !== kb) return laterFirst(ka, kb, pa, pb, logarithmic, rules.now);
  return false;
}

/** afterOrZero, or logarithmicRankDiff when LogarithmicScaleDown is on. */
function laterFirst(ta: number | undefined, tb: number | undefined, pa: KubeObject, pb: KubeObject, logarithmic: boolean, now: number): boolean {
  if (ta === undefined || tb === undefined) return ta === undefined;
  if (!logarithmic) return ta > tb;
  const diff = logRank(now - ta) - logRank(now - tb);
  if (diff === 0) return (pa.metadata.uid ?? "") < (pb.metadata.uid ?? "");
  return diff < 0;
}

/** int64(math.Log2(age in nanoseconds)), -1 for an age that is not positive. */
function logRank(ageMs: number): number {
  return ageMs > 0 ? Math.floor(Math.log2(ageMs * 1e6)) : -1;
}

function nodeName(pod: KubeObject): string {
  return String((pod.spec as JsonObject | undefined)?.nodeName ?? "");
}

function created(pod: KubeObject): number | undefined {
  const t = Date.parse(pod.metadata.creationTimestamp ?? "");
  return Number.isFinite(t) ? t : undefined;
}

/** helper.GetDeletionCostFromPodAnnotations: an int32; anything else counts as 0. */
function deletionCost(pod: KubeObject): number {
  const text = pod.metadata.annotations?.[deletionCostAnnotation];
  if (text === undefined || !/^[+-]?\d+$/.test(text)) return 0;
  const n = Number(text);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : 0;
}
