import type { JsonObject, JsonValue, KubeObject, ResourceInfo } from "../../api-types.js";
import { convertObject } from "../../conversion/index.js";
import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { WorkQueue } from "../work-queue.js";
import { controllerRef } from "../workloads/owner-refs.js";
import { headlessLabel } from "./endpoints.js";
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
} from "./pod-endpoints.js";
import { selects, serviceSelector, ServicePodIndex } from "./service-pods.js";
import { lastChangeTriggerTime, TriggerTimeTracker } from "./trigger-times.js";

const storageKey = "discovery.k8s.io/endpointslices";
export const serviceNameLabel = "kubernetes.io/service-name";
export const managedByLabel = "endpointslice.kubernetes.io/managed-by";
export const controllerName = "endpointslice-controller.k8s.io";
// The controller's --max-endpoints-per-slice default.
const maxEndpointsPerSlice = 100;
// GenerateName keeps room for its five random characters within a 63-character name.
const maxGenerateNameBase = 58;
const zoneLabel = "topology.kubernetes.io/zone";

/** Endpoints that resolve the Service's ports alike share slices. */
interface PortGroup {
  ports: JsonValue;
  endpoints: JsonObject[];
}

/**
 * The EndpointSlice controller (pkg/controller/endpointslice): for each Service with a
 * selector, slices named `<service>-<random>` of at most 100 endpoints, one set per distinct
 * port mapping, owned by the Service (the garbage collector removes them with it), with a
 * placeholder slice when no pod is selected. Runs only where discovery.k8s.io is served
 * (1.17+), writing through whichever version is (v1beta1 until 1.21).
 */
export class EndpointSliceController implements Controller {
  readonly name = "endpointslice";
  private readonly queue: WorkQueue<string>;
  private readonly index: ServicePodIndex;
  private readonly triggers = new TriggerTimeTracker();
  private readonly served?: ResourceInfo;
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((key) => this.sync(key), (key, err) => ctx.log(`endpointslices ${key}: ${String(err)}`));
    this.index = new ServicePodIndex((ns, name) => this.queue.add(`${ns}/${name}`));
    const registry = ctx.service.registry;
    this.served = registry.lookup("discovery.k8s.io", "v1", "endpointslices") ?? registry.lookup("discovery.k8s.io", "v1beta1", "endpointslices");
  }

  start(): void {
    if (!this.served) return;
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
    } else if (event.storageKey === storageKey && event.type === "DELETED") {
      const labels = event.object.metadata.labels ?? {};
      // A managed slice deleted under its Service is made again (onEndpointSliceDelete).
      if (labels[managedByLabel] === controllerName && labels[serviceNameLabel]) this.queue.add(`${event.namespace}/${labels[serviceNameLabel]}`);
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
    if (!svc) {
      // The slices carry the Service as owner; the garbage collector takes them.
      this.triggers.forget(namespace, name);
      return;
    }
    const selector = serviceSelector(svc);
    if (!selector || svc.metadata.deletionTimestamp) return;
    const pods = client.list("/pods", namespace).filter((p) => selects(selector, p.metadata.labels));
    const triggerTime = this.triggers.compute(svc, pods);
    const groups = this.desiredGroups(svc, pods);
    const existing = client
      .list(storageKey, namespace)
      .filter((s) => s.metadata.labels?.[serviceNameLabel] === name && s.metadata.labels?.[managedByLabel] === controllerName && !s.metadata.deletionTimestamp);
    const unused = [...existing];
    const wanted: Array<{ ports: JsonValue; endpoints: JsonValue }> = [];
    for (const group of groups) {
      for (let i = 0; i < group.endpoints.length; i += maxEndpointsPerSlice) {
        wanted.push({ ports: group.ports, endpoints: group.endpoints.slice(i, i + maxEndpointsPerSlice) });
      }
    }
    // No endpoints at all still leaves one empty placeholder slice.
    if (wanted.length === 0) wanted.push({ ports: null, endpoints: null });
    const labels = this.labelsFor(svc);
    for (const want of wanted) {
      const portsJson = JSON.stringify(want.ports);
      const at = unused.findIndex((s) => JSON.stringify(s.ports ?? null) === portsJson && s.addressType === "IPv4");
      const reuse = at >= 0 ? unused.splice(at, 1)[0] : undefined;
      if (reuse) {
        const same =
          withoutPodVersions(reuse.endpoints ?? null) === withoutPodVersions(want.endpoints) &&
          JSON.stringify(sortedEntries(reuse.metadata.labels)) === JSON.stringify(sortedEntries(labels));
        if (!same) this.write("update", { ...reuse, metadata: withTrigger({ ...reuse.metadata, labels }, triggerTime), endpoints: want.endpoints, ports: want.ports });
      } else {
        this.write("create", {
          apiVersion: "discovery.k8s.io/v1",
          kind: "EndpointSlice",
          metadata: withTrigger(
            { generateName: `${name}-`.slice(0, maxGenerateNameBase), namespace, labels, ownerReferences: [{ ...controllerRef(svc), apiVersion: "v1", kind: "Service" }] },
            triggerTime,
          ),
          addressType: "IPv4",
          endpoints: want.endpoints,
          ports: want.ports,
        });
      }
    }
    for (const stale of unused) ignoring([404], () => this.ctx.service.delete(this.served!, namespace, stale.metadata.name ?? ""));
  }

  /** Service labels but the reserved ones, the headless marker (1.20+), the Service's name and the manager. */
  private labelsFor(svc: KubeObject): Record<string, string> {
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) if (k !== serviceNameLabel && k !== managedByLabel && k !== headlessLabel) labels[k] = v;
    if (this.ctx.service.minor >= 20 && isHeadless(svc)) labels[headlessLabel] = "";
    labels[serviceNameLabel] = svc.metadata.name ?? "";
    labels[managedByLabel] = controllerName;
    return labels;
  }

  private desiredGroups(svc: KubeObject, pods: KubeObject[]): PortGroup[] {
    const minor = this.ctx.service.minor;
    const publishNotReady = (svc.spec as JsonObject | undefined)?.publishNotReadyAddresses === true;
    // Terminating pods stay, marked, from 1.22 (EndpointSliceTerminatingCondition beta).
    const terminatingCondition = minor >= 22;
    const groups = new Map<string, PortGroup>();
    for (const pod of pods) {
      if (!shouldPodBeInEndpoints(pod, terminatingCondition || publishNotReady)) continue;
      const nodeName = String((pod.spec as JsonObject | undefined)?.nodeName ?? "");
      const node = nodeName ? this.ctx.client.get("/nodes", "", nodeName) : undefined;
      // A pod on a node that does not exist is left out unless the Service publishes everything.
      if (!node && !publishNotReady) continue;
      // A headless Service may have no ports; an empty list is stored as null (etcd's protobuf).
      const resolved = servicePorts(svc).length === 0 ? [] : resolvePorts(svc, pod).map((p) => ({ ...p }) as JsonObject);
      const ports: JsonValue = resolved.length > 0 ? resolved : null;
      const portKey = JSON.stringify(ports);
      let group = groups.get(portKey);
      if (!group) groups.set(portKey, (group = { ports, endpoints: [] }));
      const serving = isPodReady(pod);
      const terminating = pod.metadata.deletionTimestamp !== undefined;
      const hostname = endpointHostname(pod, svc);
      const zone = node?.metadata.labels?.[zoneLabel];
      group.endpoints.push({
        addresses: [podIp(pod)!],
        conditions: {
          ready: publishNotReady || (serving && !terminating),
          ...(terminatingCondition ? { serving, terminating } : {}),
        },
        ...(hostname ? { hostname } : {}),
        targetRef: podReference(pod, minor),
        ...(nodeName ? { nodeName } : {}),
        ...(zone ? { zone } : {}),
      });
    }
    return [...groups.values()];
  }

  /** Writes in the served version: slices are stored as v1, which 1.17–1.20 do not serve. */
  private write(verb: "create" | "update", slice: KubeObject): void {
    const info = this.served!;
    const body = info.version === "v1" ? slice : convertObject(slice, { group: info.group, version: info.version, kind: info.kind });
    const namespace = slice.metadata.namespace;
    if (verb === "update") this.ctx.service.update(info, namespace, slice.metadata.name ?? "", body);
    else ignoring([403, 404], () => this.ctx.service.create(info, namespace, body));
  }
}

function withTrigger(metadata: KubeObject["metadata"], triggerTime: string | undefined): KubeObject["metadata"] {
  const annotations = { ...(metadata.annotations ?? {}) };
  if (triggerTime) annotations[lastChangeTriggerTime] = triggerTime;
  else delete annotations[lastChangeTriggerTime];
  const out = { ...metadata, annotations };
  if (Object.keys(annotations).length === 0) delete (out as JsonObject).annotations;
  return out;
}

function sortedEntries(labels: Record<string, string> | undefined): [string, string][] {
  return Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
