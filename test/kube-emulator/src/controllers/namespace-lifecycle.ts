import type { JsonObject, KubeObject } from "../api-types.js";
import type { StoredEvent } from "../store/index.js";
import type { Controller, ControllerContext } from "./controller.js";
import { WorkQueue } from "./work-queue.js";

/**
 * The namespace controller (pkg/controller/namespace): once a namespace is Terminating it
 * deletes everything in it, and when nothing is left it clears the "kubernetes" finalizer
 * so the namespace itself goes.
 */
export class NamespaceLifecycle implements Controller {
  readonly name = "namespace-lifecycle";
  private readonly queue: WorkQueue<string>;
  private readonly terminating = new Set<string>();
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((ns) => this.sweep(ns), (ns, err) => ctx.log(`namespace ${ns}: ${String(err)}`));
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const ns of store.list("/namespaces").items) this.observeNamespace(ns);
    this.unsubscribe = store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    if (event.storageKey === "/namespaces") {
      if (event.type === "DELETED") this.terminating.delete(event.object.metadata.name ?? "");
      else this.observeNamespace(event.object);
    } else if (event.type === "DELETED" && this.terminating.has(event.namespace)) {
      this.queue.add(event.namespace);
    }
  }

  private observeNamespace(ns: KubeObject): void {
    const name = ns.metadata.name ?? "";
    if (ns.metadata.deletionTimestamp) {
      this.terminating.add(name);
      this.queue.add(name);
    }
  }

  private sweep(namespace: string): void {
    const { service } = this.ctx;
    const store = service.store;
    const ns = store.get("/namespaces", "", namespace);
    if (!ns?.metadata.deletionTimestamp) return;
    const namespacedKeys = new Set(service.registry.allResources().filter((r) => r.namespaced).map((r) => r.storageKey));
    for (const key of namespacedKeys) {
      for (const obj of store.list(key, namespace).items) {
        if (!obj.metadata.deletionTimestamp) service.deleter.delete(key, obj, {});
      }
    }
    // Objects held by finalizers keep the namespace Terminating; their deletion wakes us again.
    for (const key of namespacedKeys) if (store.count(key, namespace) > 0) return;
    const spec = (ns.spec as JsonObject | undefined) ?? {};
    const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers.filter((f) => f !== "kubernetes") : [];
    const written = store.update("/namespaces", { ...ns, spec: { ...spec, finalizers } });
    service.deleter.finalizeIfDone("/namespaces", written);
  }
}
