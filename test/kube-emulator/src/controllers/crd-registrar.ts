import type { JsonObject, KubeObject, ResourceInfo } from "../api-types.js";
import { crdCleanupFinalizer } from "../api/strategies.js";
import { now } from "../api/object-meta.js";
import type { StoredEvent } from "../store/index.js";
import type { Controller, ControllerContext } from "./controller.js";
import { WorkQueue } from "./work-queue.js";

const crdKey = "apiextensions.k8s.io/customresourcedefinitions";
const allVerbs = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  subresources?: { status?: JsonObject; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } };
}

/** The resources a CRD (stored as apiextensions.k8s.io/v1) serves, one per served version. */
export function resourcesOfCrd(crd: KubeObject): ResourceInfo[] {
  const spec = crd.spec as JsonObject;
  const names = spec.names as JsonObject;
  const group = String(spec.group);
  const plural = String(names.plural);
  const versions = (spec.versions as unknown as CrdVersion[]) ?? [];
  const storageVersion = versions.find((v) => v.storage)?.name ?? versions[0]?.name ?? "v1";
  return versions
    .filter((v) => v.served !== false)
    .map((v) => ({
      group,
      version: v.name,
      resource: plural,
      kind: String(names.kind),
      singularName: String(names.singular ?? String(names.kind).toLowerCase()),
      namespaced: spec.scope !== "Cluster",
      verbs: allVerbs,
      shortNames: (names.shortNames as string[] | undefined) ?? undefined,
      categories: (names.categories as string[] | undefined) ?? undefined,
      subresources: [...(v.subresources?.status ? ["status" as const] : []), ...(v.subresources?.scale ? ["scale" as const] : [])],
      storageKey: `${group}/${plural}`,
      storageVersion,
      scale: v.subresources?.scale,
    }));
}

/**
 * The apiextensions controllers in one: serve a CRD's resources once it is stored, mark it
 * NamesAccepted and Established, and on deletion remove its custom resources first
 * (the customresourcecleanup finalizer), then stop serving them.
 */
export class CrdRegistrar implements Controller {
  readonly name = "crd-registrar";
  private readonly queue: WorkQueue<string>;
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((name) => this.reconcile(name), (name, err) => ctx.log(`crd ${name}: ${String(err)}`));
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const crd of store.list(crdKey).items) this.register(crd);
    this.unsubscribe = store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    const name = event.object.metadata.name ?? "";
    if (event.storageKey === crdKey) {
      if (event.type === "DELETED") this.ctx.service.registry.removeCustomResources(name);
      else {
        // Served at once, as the real server does before Established turns true.
        if (!event.object.metadata.deletionTimestamp) this.register(event.object);
        this.queue.add(name);
      }
      return;
    }
    const crdName = event.storageKey.split("/").reverse().join(".");
    if (event.type === "DELETED" && this.ctx.service.store.get(crdKey, "", crdName)?.metadata.deletionTimestamp) this.queue.add(crdName);
  }

  private register(crd: KubeObject): void {
    this.ctx.service.registry.setCustomResources(crd.metadata.name ?? "", resourcesOfCrd(crd));
  }

  private reconcile(name: string): void {
    const { store, deleter } = this.ctx.service;
    const crd = store.get(crdKey, "", name);
    if (!crd) return;
    if (crd.metadata.deletionTimestamp) {
      const spec = crd.spec as JsonObject;
      const storageKey = `${String(spec.group)}/${String((spec.names as JsonObject).plural)}`;
      for (const obj of store.list(storageKey).items) if (!obj.metadata.deletionTimestamp) deleter.delete(storageKey, obj, {});
      if (store.count(storageKey) > 0) return;
      const finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== crdCleanupFinalizer);
      const written = store.update(crdKey, { ...crd, metadata: { ...crd.metadata, finalizers } });
      deleter.finalizeIfDone(crdKey, written);
      return;
    }
    const status = (crd.status as JsonObject | undefined) ?? {};
    const established = ((status.conditions as JsonObject[] | undefined) ?? []).some((c) => c.type === "Established" && c.status === "True");
    if (established) return;
    const spec = crd.spec as JsonObject;
    const at = now();
    const storageVersion = resourcesOfCrd(crd)[0]?.storageVersion;
    store.update(crdKey, {
      ...crd,
      status: {
        conditions: [
          { type: "NamesAccepted", status: "True", lastTransitionTime: at, reason: "NoConflicts", message: "no conflicts found" },
          { type: "Established", status: "True", lastTransitionTime: at, reason: "InitialNamesAccepted", message: "the initial names have been accepted" },
        ],
        acceptedNames: { ...(spec.names as JsonObject), listKind: (spec.names as JsonObject).listKind ?? `${String((spec.names as JsonObject).kind)}List` },
        storedVersions: storageVersion ? [storageVersion] : [],
      },
    });
  }
}
