import type { JsonObject, KubeObject } from "../../api-types.js";

/** The annotation both endpoints controllers stamp with the time of the change they publish. */
export const lastChangeTriggerTime = "endpoints.kubernetes.io/last-change-trigger-time";

interface ServiceState {
  service: number;
  pods: Map<string, number>;
}

/** A pod's trigger time: when its Ready condition last changed (getPodTriggerTime). */
function podTriggerTime(pod: KubeObject): number | undefined {
  const conditions = (pod.status as JsonObject | undefined)?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  const ready = conditions.find((c) => (c as JsonObject).type === "Ready") as JsonObject | undefined;
  const at = Date.parse(String(ready?.lastTransitionTime ?? ""));
  return Number.isFinite(at) ? at : undefined;
}

/**
 * endpointsliceutil.TriggerTimeTracker: the earliest trigger time among the pods and the
 * Service that changed since the Service's last sync, or none (and the annotation goes).
 */
export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceState>();

  compute(svc: KubeObject, pods: KubeObject[]): string | undefined {
    const key = `${svc.metadata.namespace ?? ""}/${svc.metadata.name ?? ""}`;
    const state = this.states.get(key);
    let earliest: number | undefined;
    const seen = new Map<string, number>();
    for (const pod of pods) {
      const at = podTriggerTime(pod);
      if (at === undefined) continue;
      seen.set(pod.metadata.name ?? "", at);
      if (at > (state?.pods.get(pod.metadata.name ?? "") ?? -Infinity)) earliest = Math.min(earliest ?? at, at);
    }
    const created = Date.parse(svc.metadata.creationTimestamp ?? "");
    const service = Number.isFinite(created) ? created : 0;
    if (service > (state?.service ?? -Infinity)) earliest = Math.min(earliest ?? service, service);
    this.states.set(key, { service, pods: seen });
    // Go's RFC3339Nano drops a zero fraction, as metav1.Time's second precision always has.
    return earliest === undefined ? undefined : new Date(earliest).toISOString().replace(/\.000Z$/, "Z");
  }

  forget(namespace: string, name: string): void {
    this.states.delete(`${namespace}/${name}`);
  }
}
