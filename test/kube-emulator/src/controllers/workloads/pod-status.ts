import type { JsonObject, KubeObject } from "../../api-types.js";

function conditions(pod: KubeObject): JsonObject[] {
  const c = (pod.status as JsonObject | undefined)?.conditions;
  return Array.isArray(c) ? (c as JsonObject[]) : [];
}

export function podPhase(pod: KubeObject): string {
  return String((pod.status as JsonObject | undefined)?.phase ?? "Pending");
}

/** Ready condition True, as podutil.IsPodReady. */
export function isPodReady(pod: KubeObject): boolean {
  return conditions(pod).some((c) => c.type === "Ready" && c.status === "True");
}

/** Counts toward a controller's replicas: not finished and not being deleted (controller.IsPodActive). */
export function isPodActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata.deletionTimestamp;
}

/** Ready for at least minReadySeconds (podutil.IsPodAvailable). */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, at: number = Date.now()): boolean {
  const ready = conditions(pod).find((c) => c.type === "Ready" && c.status === "True");
  if (!ready) return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(String(ready.lastTransitionTime ?? ""));
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= at;
}
