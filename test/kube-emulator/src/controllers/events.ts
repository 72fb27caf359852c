import type { KubeObject } from "../api-types.js";
import { newUid, now } from "../api/object-meta.js";
import type { ObjectStore } from "../store/index.js";

export type EventType = "Normal" | "Warning";

/**
 * Records core/v1 Events about objects as client-go's EventRecorder does (name
 * "<object>.<hex of a nanosecond clock>", involvedObject, source component), so
 * `kubectl describe` and `kubectl get events` show what the controllers did. Repeats are
 * not aggregated.
 *
 * Events go straight into the store: a sandbox of 10,000 pods records ~40,000 of them, and
 * the API's validation and copies would double the controllers' cost for objects that
 * nothing reads back.
 */
export class EventRecorder {
  private lastStamp = 0n;

  constructor(
    private readonly store: ObjectStore,
    private readonly log: (line: string) => void,
  ) {}

  record(component: string, about: KubeObject, type: EventType, reason: string, message: string): void {
    const at = now();
    const namespace = about.metadata.namespace || "default";
    // As the API refuses it, no event is created in a namespace that is absent or going away.
    const ns = this.store.get("/namespaces", "", namespace);
    if (!ns || ns.metadata.deletionTimestamp) return;
    const event: KubeObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${about.metadata.name ?? "unknown"}.${this.stamp()}`, namespace, uid: newUid(), creationTimestamp: at },
      involvedObject: {
        apiVersion: about.apiVersion,
        kind: about.kind,
        name: about.metadata.name ?? "",
        ...(about.metadata.namespace ? { namespace: about.metadata.namespace } : {}),
        uid: about.metadata.uid ?? "",
        resourceVersion: about.metadata.resourceVersion ?? "",
      },
      reason,
      message,
      type,
      source: { component },
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      reportingComponent: component,
      reportingInstance: "",
    };
    try {
      this.store.create("/events", event);
    } catch (err) {
      this.log(`event ${reason} for ${about.kind} ${namespace}/${about.metadata.name ?? ""}: ${String(err)}`);
    }
  }

  /** Upstream names events by the recording time in nanoseconds, hex; kept strictly increasing so names never collide. */
  private stamp(): string {
    const t = BigInt(Date.now()) * 1_000_000n;
    this.lastStamp = t > this.lastStamp ? t : this.lastStamp + 1n;
    return this.lastStamp.toString(16);
  }
}
