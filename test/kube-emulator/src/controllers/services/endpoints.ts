import type { JsonObject, KubeObject } from "../../api-types.js";
import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { WorkQueue } from "../work-queue.js";
import { ignoring } from "./ignore-status.js";
import {
  endpointHostname,
  isHeadless,
  isPodReady,
  podIp,
  podReference,
  resolvePorts,
  servicePorts,
  shouldPodBeInEndpoints,
  withoutPodVersions,
  type ResolvedPort,
} from "./pod-endpoints.js";
import { selects, serviceSelector, ServicePodIndex } from "./service-pods.js";
import { lastChangeTriggerTime, TriggerTimeTracker } from "./trigger-times.js";

/** Label the controllers put on a headless Service's Endpoints and EndpointSlices (1.20+). */
export const headlessLabel = "service.kubernetes.io/headless";

interface Subset {
  addresses: JsonObject[];
  notReadyAddresses: JsonObject[];
  ports: ResolvedPort[];
}

function byIp(a: JsonObject, b: JsonObject): number {
  const key = (x: JsonObject) => String(x.ip).split(".").map((n) => n.padStart(3, "0")).join(".");
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/**
 * The endpoints controller (pkg/controller/endpoint): keeps an Endpoints object named after
 * each Service with a selector listing the selected pods, ready ones under addresses and the
 * others under notReadyAddresses, grouped into subsets by the ports they resolve
 * (RepackSubsets). Endpoints of Services without a selector are the user's.
 */
export class EndpointsController implements Controller {
  readonly name = "endpoints";
  private readonly queue: WorkQueue<string>;
  private readonly index: ServicePodIndex;
  private readonly triggers = new TriggerTimeTracker();
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((key) => this.sync(key), (key, err) => ctx.log(`endpoints ${key}: ${String(err)}`));
    this.index = new ServicePodIndex((ns, name) => this.queue.add(`${ns}/${name}`));
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const svc of store.list("/services").items) this.observeService(svc.metadata.namespace ?? "", svc.metadata.name ?? "", svc);
    this.unsubscribe = store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    if (event.storageKey === "/pods") {
      this.index.observePod(event);
    } else if (event.storageKey === "/services") {
      this.observeService(event.namespace, event.object.metadata.name ?? "", event.type === "DELETED" ? undefined : event.object);
    } else if (event.storageKey === "/endpoints" && event.type === "DELETED") {
      // Endpoints deleted under a Service come back (onEndpointsDelete).
      this.queue.add(`${event.namespace}/${event.object.metadata.name ?? ""}`);
    }
  }

  private observeService(namespace: string, name: string, svc: KubeObject | undefined): void {
    this.index.setService(namespace, name, svc);
    this.queue.add(`${namespace}/${name}`);
  }

  private sync(key: string): void {
    const slash = key.indexOf("/");
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const { client } = this.ctx;
    const svc = client.get("/services", namespace, name);
    const current = client.get("/endpoints", namespace, name);
    if (!svc) {
      this.triggers.forget(namespace, name);
      if (current) ignoring([404], () => client.delete("/endpoints", current));
      return;
    }
    const selector = serviceSelector(svc);
    if (!selector) return;
    const pods = client.list("/pods", namespace).filter((p) => selects(selector, p.metadata.labels));
    const triggerTime = this.triggers.compute(svc, pods);
    const subsets = this.subsetsFor(svc, pods);
    const labels = { ...(svc.metadata.labels ?? {}) };
    const compareLabels = { ...(current?.metadata.labels ?? {}) };
    delete compareLabels[headlessLabel];
    if (current && withoutPodVersions(current.subsets ?? []) === withoutPodVersions(subsets) && JSON.stringify(sorted(compareLabels)) === JSON.stringify(sorted(labels))) return;

    if (this.ctx.service.minor >= 20 && isHeadless(svc)) labels[headlessLabel] = "";
    const annotations = { ...(current?.metadata.annotations ?? {}) };
    if (triggerTime) annotations[lastChangeTriggerTime] = triggerTime;
    else delete annotations[lastChangeTriggerTime];
    const metadata: KubeObject["metadata"] = { ...(current?.metadata ?? { name, namespace }) };
    if (Object.keys(labels).length > 0) metadata.labels = labels;
    else delete metadata.labels;
    if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
    else delete metadata.annotations;
    const next: KubeObject = { apiVersion: "v1", kind: "Endpoints", metadata, ...(subsets.length > 0 ? { subsets } : {}) };
    if (current) client.update("/endpoints", next);
    // A namespace being terminated (403) or gone (404) takes no new content; the real controller drops the item.
    else ignoring([403, 404], () => client.create("/endpoints", next));
  }

  private subsetsFor(svc: KubeObject, pods: KubeObject[]): JsonObject[] {
    const minor = this.ctx.service.minor;
    const publishNotReady = (svc.spec as JsonObject | undefined)?.publishNotReadyAddresses === true;
    const subsets = new Map<string, Subset>();
    for (const pod of pods) {
      if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
      const hostname = endpointHostname(pod, svc);
      const nodeName = (pod.spec as JsonObject | undefined)?.nodeName;
      const address: JsonObject = {
        ip: podIp(pod)!,
        ...(hostname ? { hostname } : {}),
        ...(typeof nodeName === "string" && nodeName !== "" ? { nodeName } : {}),
        targetRef: podReference(pod, minor),
      };
      let ports: ResolvedPort[];
      if (servicePorts(svc).length === 0) {
        // Only a headless Service may go without ports; its endpoints are bare addresses.
        if (!isHeadless(svc)) continue;
        ports = [];
      } else {
        ports = resolvePorts(svc, pod);
        if (ports.length === 0) continue;
      }
      const portKey = JSON.stringify(ports);
      let subset = subsets.get(portKey);
      if (!subset) subsets.set(portKey, (subset = { addresses: [], notReadyAddresses: [], ports }));
      if (publishNotReady || isPodReady(pod)) subset.addresses.push(address);
      else subset.notReadyAddresses.push(address);
    }
    return [...subsets.values()].map((s) => ({
      ...(s.addresses.length > 0 ? { addresses: s.addresses.sort(byIp) } : {}),
      ...(s.notReadyAddresses.length > 0 ? { notReadyAddresses: s.notReadyAddresses.sort(byIp) } : {}),
      // EndpointPort.name is omitempty, unlike an EndpointSlice port's.
      ...(s.ports.length > 0 ? { ports: s.ports.map(({ name, ...rest }) => (name ? { name, ...rest } : rest)) } : {}),
    }));
  }
}

function sorted(labels: Record<string, string>): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
