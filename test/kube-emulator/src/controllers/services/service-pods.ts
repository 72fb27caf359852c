import type { JsonObject, KubeObject } from "../../api-types.js";
import type { StoredEvent } from "../../store/index.js";

export type Selector = Record<string, string>;

/**
 * The selector the endpoints controllers act on: none for Services without one (their
 * Endpoints are the user's), nor for ExternalName Services (issues.k8s.io/105986). An empty
 * map counts as none, as it does once it has been through etcd's protobuf.
 */
export function serviceSelector(svc: KubeObject): Selector | undefined {
  const spec = (svc.spec as JsonObject | undefined) ?? {};
  if (spec.type === "ExternalName") return undefined;
  const selector = spec.selector;
  if (typeof selector !== "object" || selector === null || Array.isArray(selector) || Object.keys(selector).length === 0) return undefined;
  return selector as Selector;
}

export function selects(selector: Selector, labels: Record<string, string> | undefined): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels?.[k] !== v) return false;
  return true;
}

/** What of a pod shows in Endpoints and EndpointSlices; a pod update that changes none of it wakes nobody. */
function endpointView(pod: KubeObject): string {
  const spec = (pod.spec as JsonObject | undefined) ?? {};
  const status = (pod.status as JsonObject | undefined) ?? {};
  const ready = Array.isArray(status.conditions) && status.conditions.some((c) => (c as JsonObject).type === "Ready" && (c as JsonObject).status === "True");
  return JSON.stringify([
    pod.metadata.labels ?? null,
    pod.metadata.deletionTimestamp ?? null,
    status.podIP ?? null,
    status.podIPs ?? null,
    status.phase ?? null,
    ready,
    spec.nodeName ?? null,
    spec.hostname ?? null,
    spec.subdomain ?? null,
  ]);
}

/**
 * Services with a selector, by namespace, so that a pod event costs a lookup in its own
 * namespace and wakes only the Services whose selector matches the pod before or after the
 * change (GetServicesToUpdateOnPodChange), never a scan of the cluster.
 */
export class ServicePodIndex {
  private readonly byNamespace = new Map<string, Map<string, Selector>>();

  constructor(private readonly wake: (namespace: string, name: string) => void) {}

  /** Indexes a Service as it now is (or drops it when it is gone). */
  setService(namespace: string, name: string, svc: KubeObject | undefined): void {
    const selector = svc ? serviceSelector(svc) : undefined;
    let services = this.byNamespace.get(namespace);
    if (selector) {
      if (!services) this.byNamespace.set(namespace, (services = new Map()));
      services.set(name, selector);
    } else if (services) {
      services.delete(name);
      if (services.size === 0) this.byNamespace.delete(namespace);
    }
  }

  /** Handles a pod event: wakes the Services that select the pod before or after it. */
  observePod(event: StoredEvent): void {
    const services = this.byNamespace.get(event.namespace);
    if (!services) return;
    const now = event.type === "DELETED" ? undefined : event.object;
    const before = event.type === "DELETED" ? event.object : event.previous;
    if (now && before && endpointView(now) === endpointView(before)) return;
    for (const [name, selector] of services) {
      if ((now && selects(selector, now.metadata.labels)) || (before && selects(selector, before.metadata.labels))) this.wake(event.namespace, name);
    }
  }
}
