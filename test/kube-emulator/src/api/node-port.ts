import type { JsonObject, KubeObject } from "../api-types.js";
import { invalid, StatusError, type StatusCause } from "../http/status-error.js";
import type { ObjectStore } from "../store/index.js";

// kube-apiserver's default --service-node-port-range.
const first = 30000;
const last = 32767;
const size = last - first + 1;
// KEP-3668 (ServiceNodePortStaticSubrange, on by default from 1.27): dynamic allocation
// prefers the ports above min(max(16, size/32), 128), leaving the bottom band to users.
const staticBand = Math.min(Math.max(16, Math.floor(size / 32)), 128);

type Spec = JsonObject & { ports?: JsonObject[] };

function specOf(svc: KubeObject): Spec {
  return ((svc.spec as Spec | undefined) ?? {}) as Spec;
}

function portsOf(spec: Spec): JsonObject[] {
  return Array.isArray(spec.ports) ? spec.ports : [];
}

function nodePortOf(port: JsonObject): number {
  return typeof port.nodePort === "number" ? port.nodePort : 0;
}

/** Every node port a Service holds: its ports' and its health check's (collectServiceNodePorts plus healthCheckNodePort). */
function heldPorts(spec: Spec): Set<number> {
  const held = new Set<number>();
  for (const p of portsOf(spec)) if (nodePortOf(p) > 0) held.add(nodePortOf(p));
  if (typeof spec.healthCheckNodePort === "number" && spec.healthCheckNodePort > 0) held.add(spec.healthCheckNodePort);
  return held;
}

/**
 * Which node ports (30000–32767) are taken, kept up to date from the store's events as
 * ClusterIpAllocator is, so a Service's ports are free again once it is really gone.
 */
export class NodePortAllocator {
  /** Port -> how many stored Services hold it (more than one only for objects written around the API). */
  private readonly used = new Map<number, number>();

  constructor(store: ObjectStore) {
    for (const svc of store.list("/services").items) this.track(svc, 1);
    store.subscribe((e) => {
      if (e.storageKey !== "/services") return;
      if (e.previous) this.track(e.previous, -1);
      if (e.type !== "DELETED") this.track(e.object, 1);
    });
  }

  isUsed(port: number): boolean {
    return this.used.has(port);
  }

  /** A free port, neither stored nor in `taken`, from a random point as upstream's bitmap allocator scans. */
  next(taken: Set<number>, minor: number): number {
    const free = (p: number) => !this.used.has(p) && !taken.has(p);
    const scan = (from: number, to: number): number | undefined => {
      const span = to - from + 1;
      const start = Math.floor(Math.random() * span);
      for (let i = 0; i < span; i++) {
        const p = from + ((start + i) % span);
        if (free(p)) return p;
      }
      return undefined;
    };
    const port = minor >= 27 ? scan(first + staticBand, last) ?? scan(first, first + staticBand - 1) : scan(first, last);
    if (port === undefined) throw internalError("failed to allocate a nodePort: range is full");
    return port;
  }

  private track(svc: KubeObject, delta: number): void {
    for (const port of heldPorts(specOf(svc))) {
      const n = (this.used.get(port) ?? 0) + delta;
      if (n > 0) this.used.set(port, n);
      else this.used.delete(port);
    }
  }
}

/** One write's allocations (upstream's PortAllocationOperation): a port handed out twice in one write is refused too. */
class PortOperation {
  readonly taken = new Set<number>();

  constructor(
    private readonly ports: NodePortAllocator,
    private readonly minor: number,
  ) {}

  /** The reason the port cannot be had, worded as portallocator's errors; undefined once it is reserved. */
  allocate(port: number): string | undefined {
    if (port < first || port > last) return `provided port is not in the valid range. The range of valid ports is ${first}-${last}`;
    if (this.ports.isUsed(port) || this.taken.has(port)) return "provided port is already allocated";
    this.taken.add(port);
    return undefined;
  }

  allocateNext(): number {
    const port = this.ports.next(this.taken, this.minor);
    this.taken.add(port);
    return port;
  }
}

function internalError(message: string): StatusError {
  return new StatusError(500, "InternalError", `Internal error occurred: ${message}`, { causes: [{ message }] });
}

function nodePortInvalid(svc: KubeObject, index: number, value: number, why: string): StatusError {
  return invalid("", "Service", svc.metadata.name ?? "", [{ reason: "FieldValueInvalid", field: `spec.ports[${index}].nodePort`, message: `Invalid value: ${value}: ${why}` }]);
}

/** NodePort Services, and LoadBalancers unless allocateLoadBalancerNodePorts is false (shouldAllocateNodePorts). */
function shouldAllocate(spec: Spec): boolean {
  return spec.type === "NodePort" || (spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts !== false);
}

function hasNodePorts(spec: Spec): boolean {
  return spec.type === "NodePort" || spec.type === "LoadBalancer";
}

/** LoadBalancers with externalTrafficPolicy Local get a health check port (apiservice.NeedsHealthCheck). */
function needsHealthCheck(spec: Spec): boolean {
  return spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
}

/**
 * allocateLoadBalancerNodePorts came in 1.20 behind ServiceLBNodePortControl, off until
 * 1.22: before that the field is dropped; from then on a LoadBalancer defaults it to true.
 */
function normalizeLbNodePortField(spec: Spec, minor: number): void {
  if (minor < 22) delete spec.allocateLoadBalancerNodePorts;
  else if (spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true;
}

/** The parts of ValidateService about node ports. */
function validateNodePorts(svc: KubeObject, spec: Spec, minor: number): void {
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  portsOf(spec).forEach((p, i) => {
    const nodePort = nodePortOf(p);
    if (nodePort === 0) return;
    if (spec.type === "ClusterIP") {
      causes.push({ reason: "FieldValueForbidden", field: `spec.ports[${i}].nodePort`, message: "Forbidden: may not be used when `type` is 'ClusterIP'" });
    }
    const key = `${String(p.protocol ?? "TCP")}/${nodePort}`;
    if (seen.has(key)) causes.push({ reason: "FieldValueDuplicate", field: `spec.ports[${i}].nodePort`, message: `Duplicate value: ${nodePort}` });
    seen.add(key);
  });
  const hc = spec.healthCheckNodePort;
  if (minor >= 20 && typeof hc === "number" && hc !== 0 && !needsHealthCheck(spec)) {
    causes.push({ reason: "FieldValueInvalid", field: "spec.healthCheckNodePort", message: `Invalid value: ${hc}: may only be set when \`type\` is 'LoadBalancer' and \`externalTrafficPolicy\` is 'Local'` });
  }
  if (causes.length > 0) throw invalid("", "Service", svc.metadata.name ?? "", causes);
}

function allocateHealthCheck(op: PortOperation, spec: Spec): void {
  const requested = typeof spec.healthCheckNodePort === "number" ? spec.healthCheckNodePort : 0;
  if (requested === 0) {
    spec.healthCheckNodePort = op.allocateNext();
    return;
  }
  const refused = op.allocate(requested);
  if (refused) throw internalError(`failed to allocate requested HealthCheck NodePort ${requested}: ${refused}`);
}

function withSpec(svc: KubeObject, spec: Spec): KubeObject {
  return { ...svc, spec };
}

function copySpec(svc: KubeObject): Spec {
  const spec = { ...specOf(svc) };
  if (Array.isArray(spec.ports)) spec.ports = spec.ports.map((p) => ({ ...p }));
  return spec;
}

/**
 * Gives a new NodePort or LoadBalancer Service a node port per port (initNodePorts): ports
 * sharing a port number share a node port, requested ones are checked. From 1.22 the
 * allocation runs before validation (the registry's BeginCreate), so a node port asked for
 * twice reads "already allocated" rather than "Duplicate value" as it did before.
 */
export function allocateNodePorts(ports: NodePortAllocator, svc: KubeObject, minor: number): KubeObject {
  const spec = copySpec(svc);
  normalizeLbNodePortField(spec, minor);
  if (minor < 22) validateNodePorts(svc, spec, minor);
  const op = new PortOperation(ports, minor);
  if (hasNodePorts(spec)) {
    const list = portsOf(spec);
    const byServicePort = new Map<number, number>();
    list.forEach((p, i) => {
      const nodePort = nodePortOf(p);
      if (nodePort === 0 && !shouldAllocate(spec)) return;
      const servicePort = Number(p.port);
      const shared = byServicePort.get(servicePort);
      if (shared === undefined) {
        const requested = list.find((q) => Number(q.port) === servicePort && nodePortOf(q) !== 0);
        if (requested) {
          const refused = op.allocate(nodePortOf(requested));
          if (refused) throw nodePortInvalid(svc, i, nodePort, refused);
          p.nodePort = nodePortOf(requested);
        } else {
          p.nodePort = op.allocateNext();
        }
        byServicePort.set(servicePort, p.nodePort);
      } else if (nodePort === 0) {
        p.nodePort = shared;
      } else if (nodePort !== shared) {
        const refused = op.allocate(nodePort);
        if (refused) throw nodePortInvalid(svc, i, nodePort, refused);
      }
    });
  }
  if (needsHealthCheck(spec)) allocateHealthCheck(op, spec);
  if (minor >= 22) validateNodePorts(svc, spec, minor);
  return withSpec(svc, spec);
}

/**
 * dropTypeDependentFields (1.20+): moving to a type that needs no node ports wipes the ones
 * the server allocated, when the client left them as they were; likewise the health check
 * port, allocateLoadBalancerNodePorts, and the load balancer status.
 */
function dropTypeDependentFields(old: Spec, spec: Spec, status: JsonObject | undefined): JsonObject | undefined {
  if (shouldAllocate(old) && !shouldAllocate(spec)) {
    const oldPorts = portsOf(old).map(nodePortOf);
    const newPorts = portsOf(spec).map(nodePortOf);
    if (oldPorts.length === newPorts.length && oldPorts.every((p, i) => p === newPorts[i])) for (const p of portsOf(spec)) delete p.nodePort;
  }
  if (needsHealthCheck(old) && !needsHealthCheck(spec) && spec.healthCheckNodePort === old.healthCheckNodePort) delete spec.healthCheckNodePort;
  if (old.type === "LoadBalancer" && spec.type !== "LoadBalancer" && spec.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts) {
    delete spec.allocateLoadBalancerNodePorts;
  }
  if (spec.type !== "LoadBalancer" && status && status.loadBalancer !== undefined) return { ...status, loadBalancer: {} };
  return status;
}

/**
 * patchAllocatedValues (1.22+): an update that leaves out node ports the server allocated
 * (kubectl replace of the original manifest) keeps them, matched by port name, unless
 * another port of the update uses that number; and keeps the health check port likewise.
 */
function patchAllocatedValues(old: Spec, spec: Spec): void {
  if (shouldAllocate(old) && shouldAllocate(spec)) {
    const oldUsed = new Set(portsOf(old).map(nodePortOf));
    const used = new Set(portsOf(spec).map(nodePortOf).filter((p) => oldUsed.has(p)));
    const byName = new Map(portsOf(old).map((p) => [String(p.name ?? ""), nodePortOf(p)]));
    for (const p of portsOf(spec)) {
      if (nodePortOf(p) !== 0) continue;
      const was = byName.get(String(p.name ?? "")) ?? 0;
      if (was !== 0 && !used.has(was)) p.nodePort = was;
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(spec) && !spec.healthCheckNodePort) {
    if (old.healthCheckNodePort !== undefined) spec.healthCheckNodePort = old.healthCheckNodePort;
  }
}

/**
 * An update's node ports (txnUpdateNodePorts): a type change to NodePort or LoadBalancer
 * allocates, one away releases (the store's event frees them), new requested ports are
 * checked, and ports the Service already held stay its own.
 */
export function reallocateNodePorts(ports: NodePortAllocator, current: KubeObject, next: KubeObject, minor: number): KubeObject {
  const old = specOf(current);
  const spec = copySpec(next);
  normalizeLbNodePortField(spec, minor);
  let status = next.status as JsonObject | undefined;
  if (minor >= 20) status = dropTypeDependentFields(old, spec, status);
  validateNodePorts(next, spec, minor);
  if (minor >= 22) patchAllocatedValues(old, spec);
  const op = new PortOperation(ports, minor);
  const held = heldPorts(old);
  if (hasNodePorts(spec)) {
    portsOf(spec).forEach((p, i) => {
      const nodePort = nodePortOf(p);
      if (nodePort === 0) {
        if (shouldAllocate(spec)) p.nodePort = op.allocateNext();
        return;
      }
      if (held.has(nodePort) || op.taken.has(nodePort)) return;
      const refused = op.allocate(nodePort);
      if (refused) throw nodePortInvalid(next, i, nodePort, refused);
    });
  }
  const neededCheck = needsHealthCheck(old);
  const needsCheck = needsHealthCheck(spec);
  if (!neededCheck && needsCheck) {
    allocateHealthCheck(op, spec);
  } else if (neededCheck && !needsCheck && minor < 22) {
    // The old registry cleared the field itself when the health check went away.
    delete spec.healthCheckNodePort;
  } else if (neededCheck && needsCheck && spec.healthCheckNodePort !== old.healthCheckNodePort) {
    throw invalid("", "Service", next.metadata.name ?? "", [
      { reason: "FieldValueInvalid", field: "spec.healthCheckNodePort", message: `Invalid value: ${JSON.stringify(spec.healthCheckNodePort ?? 0)}: cannot change healthCheckNodePort on loadBalancer service with externalTraffic=Local during update` },
    ]);
  }
  const out: KubeObject = withSpec(next, spec);
  if (status !== undefined) out.status = status;
  return out;
}
