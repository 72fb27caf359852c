import { randomBytes } from "node:crypto";
import type { KubeObject } from "../api-types.js";
import { now } from "../api/object-meta.js";
import type { ControllerClient } from "./client.js";

export type EventType = "Normal" | "Warning";

/**
 * Records core/v1 Events about objects as client-go's EventRecorder does (name
 * "<object>.<hex>", involvedObject, source component), so `kubectl describe` and
 * `kubectl get events` show what the controllers did. Repeats are not aggregated.
 */
export class EventRecorder {
  constructor(
    private readonly client: ControllerClient,
    private readonly log: (line: string) => void,
  ) {}

  record(component: string, about: KubeObject, type: EventType, reason: string, message: string): void {
    const at = now();
    const namespace = about.metadata.namespace || "default";
    const event: KubeObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${about.metadata.name ?? "unknown"}.${randomBytes(8).toString("hex")}`, namespace },
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
      this.client.create("/events", event);
    } catch (err) {
      // An event about an object in a namespace that is going away is refused; that is fine.
      this.log(`event ${reason} for ${about.kind} ${namespace}/${about.metadata.name ?? ""}: ${String(err)}`);
    }
  }
}
