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

/** When the pod last became Ready (its Ready=True condition's lastTransitionTime), or undefined when not ready. */
export function podReadyTime(pod: KubeObject): number | undefined {
  const ready = conditions(pod).find((c) => c.type === "Ready" && c.status === "True");
  const at = ready ? Date.parse(String(ready.lastTransitionTime ?? "")) : NaN;
  return Number.isFinite(at) ? at : undefined;
}

/** Highest restartCount among regular containers, and among restartable init containers (sidecars). */
export function maxContainerRestarts(pod: KubeObject): { regular: number; sidecar: number } {
  const status = (pod.status as JsonObject | undefined) ?? {};
  const spec = (pod.spec as JsonObject | undefined) ?? {};
  const restarts = (statuses: unknown, only?: Set<string>): number => {
    let max = 0;
    for (const s of Array.isArray(statuses) ? (statuses as JsonObject[]) : []) {
      if (only && !only.has(String(s.name))) continue;
      max = Math.max(max, Number(s.restartCount ?? 0) || 0);
    }
    return max;
  };
  const initContainers = Array.isArray(spec.initContainers) ? (spec.initContainers as JsonObject[]) : [];
  const sidecars = new Set(initContainers.filter((c) => c.restartPolicy === "Always").map((c) => String(c.name)));
  return { regular: restarts(status.containerStatuses), sidecar: restarts(status.initContainerStatuses, sidecars) };
}
