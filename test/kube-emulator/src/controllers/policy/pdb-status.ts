import type { JsonObject, KubeObject } from "../../api-types.js";
import { isPodReady } from "../workloads/pod-status.js";

/**
 * The arithmetic of a PodDisruptionBudget's status (pkg/controller/disruption: countHealthyPods,
 * buildDisruptedPodMap, updatePdbStatus, failSafe; k8s.io/component-helpers pdb helpers for
 * the DisruptionAllowed condition). Pure: the controller feeds it pods and the time.
 */

/** How long a pod the eviction API recorded in disruptedPods is expected to take to go (DeletionTimeout). */
export const deletionTimeoutMs = 2 * 60_000;

/** intstr.GetScaledValueFromIntOrPercent with roundUp: an integer, or a percentage of total rounded up. */
export function scaledValue(value: unknown, total: number): number {
  if (typeof value === "number") return value;
  const percent = typeof value === "string" ? /^(\d+)%$/.exec(value) : null;
  if (!percent) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  return Math.ceil((Number(percent[1]) * total) / 100);
}

/**
 * disruptedPods kept: entries for pods that still exist, are not being deleted, and whose
 * expected deletion has not passed; `overdue` are the pods whose time has passed (each gets
 * a NotDeleted event), `recheckAt` the earliest expiry still ahead.
 */
export function buildDisruptedPods(
  pods: KubeObject[],
  recorded: Record<string, string> | undefined,
  at: number,
): { disrupted: Record<string, string>; overdue: KubeObject[]; recheckAt?: number } {
  const disrupted: Record<string, string> = {};
  const overdue: KubeObject[] = [];
  let recheckAt: number | undefined;
  if (!recorded) return { disrupted, overdue };
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const since = recorded[pod.metadata.name ?? ""];
    if (since === undefined) continue;
    const expected = Date.parse(since) + deletionTimeoutMs;
    if (expected < at) overdue.push(pod);
    else {
      recheckAt = recheckAt === undefined ? expected : Math.min(recheckAt, expected);
      disrupted[pod.metadata.name ?? ""] = since;
    }
  }
  return { disrupted, overdue, ...(recheckAt !== undefined ? { recheckAt } : {}) };
}

/** countHealthyPods: Ready pods that are neither being deleted nor about to be (disrupted). */
export function countHealthyPods(pods: KubeObject[], disrupted: Record<string, string>, at: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const since = disrupted[pod.metadata.name ?? ""];
    if (since !== undefined && Date.parse(since) + deletionTimeoutMs > at) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

export interface Counts {
  expectedPods: number;
  desiredHealthy: number;
  currentHealthy: number;
  disruptedPods: Record<string, string>;
}

type Condition = JsonObject & { type: string; status: string; reason?: string };

const conditionsOf = (status: JsonObject): Condition[] => (Array.isArray(status.conditions) ? (status.conditions as Condition[]) : []);

/** apimeta.SetStatusCondition: the transition time moves only when the status does. */
function setCondition(conditions: Condition[], next: { type: string; status: string; reason: string; message: string; observedGeneration: number }, at: string): Condition[] {
  const before = conditions.find((c) => c.type === next.type);
  const lastTransitionTime = before && before.status === next.status && typeof before.lastTransitionTime === "string" ? before.lastTransitionTime : at;
  const condition: Condition = {
    type: next.type,
    status: next.status,
    ...(next.observedGeneration > 0 ? { observedGeneration: next.observedGeneration } : {}),
    lastTransitionTime,
    reason: next.reason,
    message: next.message,
  };
  return before ? conditions.map((c) => (c === before ? condition : c)) : [...conditions, condition];
}

/**
 * The status updatePdbStatus writes (policy/v1 field order), or undefined when the stored one
 * is already it. Conditions exist from 1.21 (policy/v1 and its DisruptionAllowed condition).
 */
export function nextStatus(pdb: KubeObject, counts: Counts, minor: number, at: string): JsonObject | undefined {
  const status = (pdb.status as JsonObject | undefined) ?? {};
  const generation = pdb.metadata.generation ?? 0;
  let disruptionsAllowed = counts.currentHealthy - counts.desiredHealthy;
  // A budget that matches no pods yet is safe until its first pods are counted.
  if (counts.expectedPods <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
  const sufficient = disruptionsAllowed > 0;
  const same =
    status.currentHealthy === counts.currentHealthy &&
    status.desiredHealthy === counts.desiredHealthy &&
    status.expectedPods === counts.expectedPods &&
    status.disruptionsAllowed === disruptionsAllowed &&
    JSON.stringify(status.disruptedPods ?? {}) === JSON.stringify(counts.disruptedPods) &&
    status.observedGeneration === generation &&
    (minor < 21 || conditionsUpToDate(status, generation, sufficient));
  if (same) return undefined;
  const next: JsonObject = {
    observedGeneration: generation,
    ...(Object.keys(counts.disruptedPods).length > 0 ? { disruptedPods: counts.disruptedPods } : {}),
    disruptionsAllowed,
    currentHealthy: counts.currentHealthy,
    desiredHealthy: counts.desiredHealthy,
    expectedPods: counts.expectedPods,
  };
  if (minor >= 21) {
    next.conditions = setCondition(
      conditionsOf(status),
      { type: "DisruptionAllowed", status: sufficient ? "True" : "False", reason: sufficient ? "SufficientPods" : "InsufficientPods", message: "", observedGeneration: generation },
      at,
    );
  }
  return next;
}

/** ConditionsAreUpToDate. */
function conditionsUpToDate(status: JsonObject, generation: number, sufficient: boolean): boolean {
  const c = conditionsOf(status).find((x) => x.type === "DisruptionAllowed");
  if (!c || status.observedGeneration !== generation) return false;
  return sufficient ? c.status === "True" && c.reason === "SufficientPods" : c.status === "False" && c.reason === "InsufficientPods";
}

/**
 * failSafe: when the status cannot be computed no disruption is allowed (the eviction API
 * then refuses), with a SyncFailed condition from 1.21; observedGeneration stays as it was.
 * Undefined when nothing changes.
 */
export function failSafeStatus(pdb: KubeObject, error: string, minor: number, at: string): JsonObject | undefined {
  const status = (pdb.status as JsonObject | undefined) ?? {};
  const observedGeneration = typeof status.observedGeneration === "number" ? status.observedGeneration : 0;
  const next: JsonObject = {
    ...(observedGeneration > 0 ? { observedGeneration } : {}),
    ...(status.disruptedPods ? { disruptedPods: status.disruptedPods } : {}),
    disruptionsAllowed: 0,
    currentHealthy: status.currentHealthy ?? 0,
    desiredHealthy: status.desiredHealthy ?? 0,
    expectedPods: status.expectedPods ?? 0,
  };
  if (minor >= 21) {
    next.conditions = setCondition(conditionsOf(status), { type: "DisruptionAllowed", status: "False", reason: "SyncFailed", message: error, observedGeneration }, at);
  }
  return JSON.stringify(next) === JSON.stringify(status) ? undefined : next;
}
