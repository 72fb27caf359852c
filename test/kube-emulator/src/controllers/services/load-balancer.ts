import type { JsonObject, KubeObject } from "../../api-types.js";
import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { WorkQueue } from "../work-queue.js";
import { ignoring } from "./ignore-status.js";
import { LoadBalancerIps } from "./load-balancer-ips.js";

/**
 * Which of the fake cloud's load balancers serves a Service. Kept on the Service, so a
 * Service recreated from a backup with it gets the same load balancer, and its address, back.
 */
export const loadBalancerIdAnnotation = "emulator.lifeboat.dev/load-balancer-id";
/** The service controller's finalizer (ServiceLoadBalancerFinalizer, on since 1.16). */
export const loadBalancerFinalizer = "service.kubernetes.io/load-balancer-cleanup";
const component = "service-controller";

function specOf(svc: KubeObject): JsonObject {
  return (svc.spec as JsonObject | undefined) ?? {};
}

/** A LoadBalancer Service without a loadBalancerClass is the cloud provider's (wantsLoadBalancer). */
function wantsLoadBalancer(svc: KubeObject): boolean {
  const spec = specOf(svc);
  return spec.type === "LoadBalancer" && (spec.loadBalancerClass === undefined || spec.loadBalancerClass === null);
}

/** cloudprovider.DefaultLoadBalancerName: "a" and the uid without dashes, at most 32 characters. */
function defaultLoadBalancerName(svc: KubeObject): string {
  return `a${svc.metadata.uid ?? ""}`.replace(/-/g, "").slice(0, 32);
}

/** What the service controller's needsUpdate looks at: a change here re-ensures the load balancer. */
function loadBalancerView(svc: KubeObject): string {
  const spec = specOf(svc);
  const annotations = { ...(svc.metadata.annotations ?? {}) };
  delete annotations[loadBalancerIdAnnotation];
  const ports = Array.isArray(spec.ports) ? spec.ports.map((p) => [(p as JsonObject).port, (p as JsonObject).protocol, (p as JsonObject).nodePort]) : [];
  return JSON.stringify([
    svc.metadata.uid,
    ports,
    spec.loadBalancerIP ?? null,
    spec.loadBalancerSourceRanges ?? null,
    spec.externalIPs ?? null,
    spec.externalTrafficPolicy ?? null,
    spec.healthCheckNodePort ?? null,
    spec.sessionAffinity ?? null,
    annotations,
  ]);
}

/**
 * The cloud provider's service controller (k8s.io/cloud-provider/controllers/service) with a
 * fake cloud: a LoadBalancer Service gets the cleanup finalizer, a load balancer id
 * (annotation) and status.loadBalancer.ingress with the balancer's address from the
 * documentation ranges; a Service that stops wanting one, or is deleted, loses the balancer,
 * the finalizer and the status.
 */
export class LoadBalancerController implements Controller {
  readonly name = "service-load-balancer";
  private readonly queue: WorkQueue<string>;
  private readonly ips = new LoadBalancerIps();
  /** Services with a load balancer: their Service's uid, its id, and the view it was ensured for. */
  private readonly balancers = new Map<string, { uid: string; id: string; view: string }>();
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((key) => this.sync(key), (key, err) => ctx.log(`load balancer ${key}: ${String(err)}`));
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const svc of store.list("/services").items) {
      const id = svc.metadata.annotations?.[loadBalancerIdAnnotation];
      const ingress = ((svc.status as JsonObject | undefined)?.loadBalancer as JsonObject | undefined)?.ingress;
      const ip = Array.isArray(ingress) ? (ingress[0] as JsonObject | undefined)?.ip : undefined;
      if (id && typeof ip === "string") this.ips.remember(id, ip);
      this.queue.add(`${svc.metadata.namespace ?? ""}/${svc.metadata.name ?? ""}`);
    }
    this.unsubscribe = store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    if (event.storageKey !== "/services") return;
    const svc = event.object;
    const interesting =
      this.balancers.has(`${event.namespace}/${svc.metadata.name ?? ""}`) ||
      wantsLoadBalancer(svc) ||
      svc.metadata.finalizers?.includes(loadBalancerFinalizer) ||
      (event.previous !== undefined && wantsLoadBalancer(event.previous));
    if (interesting) this.queue.add(`${event.namespace}/${svc.metadata.name ?? ""}`);
  }

  private sync(key: string): void {
    const slash = key.indexOf("/");
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const svc = this.ctx.client.get("/services", namespace, name);
    const balancer = this.balancers.get(key);
    if (balancer && balancer.uid !== svc?.metadata.uid) {
      // The Service went, or is another one now, without passing through cleanUp (its
      // finalizer was taken off by hand): the load balancer goes quietly.
      this.ips.release(balancer.id);
      this.balancers.delete(key);
    }
    if (!svc) return;
    if (wantsLoadBalancer(svc) && !svc.metadata.deletionTimestamp) this.ensure(key, svc);
    else this.cleanUp(key, svc);
  }

  private ensure(key: string, svc: KubeObject): void {
    const { client, events } = this.ctx;
    const view = loadBalancerView(svc);
    const known = this.balancers.get(key);
    const id = svc.metadata.annotations?.[loadBalancerIdAnnotation] ?? known?.id ?? defaultLoadBalancerName(svc);
    if (known && known.id !== id) this.ips.release(known.id);
    const ingress = this.ingressFor(svc, id);
    const hasFinalizer = svc.metadata.finalizers?.includes(loadBalancerFinalizer) ?? false;
    const status = (svc.status as JsonObject | undefined) ?? {};
    const statusCurrent = JSON.stringify((status.loadBalancer as JsonObject | undefined)?.ingress ?? null) === JSON.stringify([ingress]);
    const annotated = svc.metadata.annotations?.[loadBalancerIdAnnotation] === id;
    if (known?.view === view && known.id === id && hasFinalizer && annotated && statusCurrent) return;

    events.record(component, svc, "Normal", "EnsuringLoadBalancer", "Ensuring load balancer");
    let live = svc;
    if (!hasFinalizer || !annotated) {
      live = client.update("/services", {
        ...svc,
        metadata: {
          ...svc.metadata,
          finalizers: hasFinalizer ? svc.metadata.finalizers! : [...(svc.metadata.finalizers ?? []), loadBalancerFinalizer],
          annotations: { ...(svc.metadata.annotations ?? {}), [loadBalancerIdAnnotation]: id },
        },
      });
    }
    this.balancers.set(key, { uid: live.metadata.uid ?? "", id, view: loadBalancerView(live) });
    events.record(component, live, "Normal", "EnsuredLoadBalancer", "Ensured load balancer");
    if (!statusCurrent) {
      const liveStatus = (live.status as JsonObject | undefined) ?? {};
      client.updateStatus("/services", { ...live, status: { ...liveStatus, loadBalancer: { ingress: [ingress] } } });
    }
  }

  private ingressFor(svc: KubeObject, id: string): JsonObject {
    // A requested spec.loadBalancerIP is honoured, as cloud providers that support it do.
    const requested = specOf(svc).loadBalancerIP;
    const ip = typeof requested === "string" && requested !== "" ? requested : this.ips.acquire(id);
    // ipMode (LoadBalancerIPMode, beta and on from 1.30) is defaulted to VIP for an ip.
    return { ip, ...(this.ctx.service.minor >= 30 ? { ipMode: "VIP" } : {}) };
  }

  private cleanUp(key: string, svc: KubeObject): void {
    const { client, events } = this.ctx;
    const balancer = this.balancers.get(key);
    if (balancer) {
      events.record(component, svc, "Normal", "DeletingLoadBalancer", "Deleting load balancer");
      this.ips.release(balancer.id);
      this.balancers.delete(key);
      events.record(component, svc, "Normal", "DeletedLoadBalancer", "Deleted load balancer");
    }
    let live: KubeObject | undefined = svc;
    if (svc.metadata.finalizers?.includes(loadBalancerFinalizer)) {
      const { finalizers: all, ...metadata } = svc.metadata;
      const finalizers = (all ?? []).filter((f) => f !== loadBalancerFinalizer);
      const updated = client.update("/services", { ...svc, metadata: finalizers.length > 0 ? { ...metadata, finalizers } : metadata });
      // The update that drops the last finalizer of a deleted Service removes it.
      live = client.get("/services", updated.metadata.namespace ?? "", updated.metadata.name ?? "");
    }
    const loadBalancer = (live?.status as JsonObject | undefined)?.loadBalancer as JsonObject | undefined;
    if (live && loadBalancer && Object.keys(loadBalancer).length > 0) {
      const target = live;
      ignoring([404], () => client.updateStatus("/services", { ...target, status: { ...(target.status as JsonObject), loadBalancer: {} } }));
    }
  }
}
