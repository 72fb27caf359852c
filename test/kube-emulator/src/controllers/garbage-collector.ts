import type { KubeObject } from "../api-types.js";
import { foregroundFinalizer, orphanFinalizer } from "../api/deleter.js";
import type { StoredEvent } from "../store/index.js";
import type { Controller, ControllerContext } from "./controller.js";
import { WorkQueue } from "./work-queue.js";

interface Location {
  storageKey: string;
  namespace: string;
  name: string;
}

/**
 * The garbage collector (pkg/controller/garbagecollector): deletes dependents whose
 * owners are all gone, strips owner references for Orphan deletions, and finishes
 * Foreground deletions once the dependents have gone.
 */
export class GarbageCollector implements Controller {
  readonly name = "garbage-collector";
  private readonly byUid = new Map<string, Location>();
  /** owner uid -> uids of objects that list it in ownerReferences. */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly queue: WorkQueue<string>;
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((uid) => this.process(uid), (uid, err) => ctx.log(`garbage collector: owner ${uid}: ${String(err)}`));
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const key of store.storageKeys()) for (const obj of store.list(key).items) this.index(key, obj);
    this.unsubscribe = store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    const uid = event.object.metadata.uid;
    if (!uid) return;
    if (event.previous) this.unindexOwners(event.previous);
    if (event.type === "DELETED") {
      this.byUid.delete(uid);
      this.queue.add(uid);
      for (const owner of event.object.metadata.ownerReferences ?? []) this.queue.add(owner.uid);
      return;
    }
    this.index(event.storageKey, event.object);
    const finalizers = event.object.metadata.finalizers ?? [];
    if (event.object.metadata.deletionTimestamp && (finalizers.includes(orphanFinalizer) || finalizers.includes(foregroundFinalizer))) {
      this.queue.add(uid);
    }
  }

  private index(storageKey: string, obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    this.byUid.set(uid, { storageKey, namespace: obj.metadata.namespace ?? "", name: obj.metadata.name ?? "" });
    for (const owner of obj.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(owner.uid);
      if (!set) this.dependents.set(owner.uid, (set = new Set()));
      set.add(uid);
    }
  }

  private unindexOwners(obj: KubeObject): void {
    for (const owner of obj.metadata.ownerReferences ?? []) this.dependents.get(owner.uid)?.delete(obj.metadata.uid ?? "");
  }

  private lookup(uid: string): KubeObject | undefined {
    const at = this.byUid.get(uid);
    return at ? this.ctx.service.store.get(at.storageKey, at.namespace, at.name) : undefined;
  }

  private process(ownerUid: string): void {
    const owner = this.lookup(ownerUid);
    const dependentUids = [...(this.dependents.get(ownerUid) ?? [])];
    if (!owner) {
      for (const uid of dependentUids) this.collect(uid, ownerUid);
      if (dependentUids.length === 0) this.dependents.delete(ownerUid);
      return;
    }
    const finalizers = owner.metadata.finalizers ?? [];
    if (!owner.metadata.deletionTimestamp) return;
    if (finalizers.includes(orphanFinalizer)) {
      for (const uid of dependentUids) this.stripOwner(uid, ownerUid);
      this.removeFinalizer(owner, orphanFinalizer);
    } else if (finalizers.includes(foregroundFinalizer)) {
      // A dependent with another owner that is not going away only loses this reference.
      for (const uid of dependentUids) {
        const dependent = this.lookup(uid);
        if (!dependent) continue;
        const solidOwners = (dependent.metadata.ownerReferences ?? []).filter((o) => o.uid !== ownerUid && this.isSolid(o.uid));
        if (solidOwners.length > 0) this.stripOwner(uid, ownerUid);
        else this.deleteObject(uid, "Foreground");
      }
      const remaining = [...(this.dependents.get(ownerUid) ?? [])].filter((uid) => this.lookup(uid));
      if (remaining.length === 0) this.removeFinalizer(owner, foregroundFinalizer);
    }
  }

  /** An owner that exists and is not itself being deleted. */
  private isSolid(uid: string): boolean {
    const owner = this.lookup(uid);
    return !!owner && !owner.metadata.deletionTimestamp;
  }

  /** A dependent goes when none of its owners exist any more; otherwise only the dangling reference goes. */
  private collect(uid: string, goneOwner: string): void {
    const obj = this.lookup(uid);
    if (!obj) return;
    const others = (obj.metadata.ownerReferences ?? []).filter((o) => o.uid !== goneOwner && this.lookup(o.uid));
    if (others.length > 0) this.stripOwner(uid, goneOwner);
    else this.deleteObject(uid, "Background");
  }

  private deleteObject(uid: string, policy: "Background" | "Foreground"): void {
    const at = this.byUid.get(uid);
    const obj = this.lookup(uid);
    if (!at || !obj) return;
    this.ctx.service.deleter.delete(at.storageKey, obj, { propagationPolicy: policy === "Foreground" ? "Foreground" : undefined });
  }

  private stripOwner(uid: string, ownerUid: string): void {
    const at = this.byUid.get(uid);
    const obj = this.lookup(uid);
    if (!at || !obj) return;
    const refs = (obj.metadata.ownerReferences ?? []).filter((o) => o.uid !== ownerUid);
    const metadata = { ...obj.metadata, ownerReferences: refs };
    if (refs.length === 0) delete (metadata as Partial<typeof metadata>).ownerReferences;
    this.ctx.service.store.update(at.storageKey, { ...obj, metadata });
  }

  private removeFinalizer(obj: KubeObject, finalizer: string): void {
    const at = this.byUid.get(obj.metadata.uid ?? "");
    if (!at) return;
    const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    const written = this.ctx.service.store.update(at.storageKey, { ...obj, metadata: { ...obj.metadata, finalizers } });
    this.ctx.service.deleter.finalizeIfDone(at.storageKey, written);
  }
}
