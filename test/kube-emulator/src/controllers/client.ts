import type { KubeObject, ResourceInfo } from "../api-types.js";
import type { DeleteOptions } from "../api/deleter.js";
import type { ObjectService } from "../api/object-service.js";

/**
 * What a controller writes with: objects addressed by storage key ("/pods", "apps/deployments")
 * in their storage version, written through ObjectService so defaults, validation,
 * generation and resourceVersion conflicts apply to controllers as they do to clients.
 * Reads go straight to the store (a controller's informer cache).
 */
export class ControllerClient {
  private readonly infos = new Map<string, ResourceInfo>();

  constructor(private readonly service: ObjectService) {}

  get(storageKey: string, namespace: string, name: string): KubeObject | undefined {
    return this.service.store.get(storageKey, namespace, name);
  }

  list(storageKey: string, namespace?: string): KubeObject[] {
    return this.service.store.list(storageKey, namespace).items;
  }

  create(storageKey: string, obj: KubeObject): KubeObject {
    const info = this.info(storageKey);
    return this.stored(info, this.service.create(info, obj.metadata.namespace, this.served(info, obj)));
  }

  /** Replaces spec and metadata (not status); throws 409 when obj's resourceVersion is stale. */
  update(storageKey: string, obj: KubeObject): KubeObject {
    const info = this.info(storageKey);
    return this.stored(info, this.service.update(info, obj.metadata.namespace, obj.metadata.name ?? "", this.served(info, obj)));
  }

  /** Writes .status only, as controllers do through the status subresource. */
  updateStatus(storageKey: string, obj: KubeObject): KubeObject {
    const info = this.info(storageKey);
    const subresource = info.subresources.includes("status") ? ("status" as const) : undefined;
    return this.stored(info, this.service.update(info, obj.metadata.namespace, obj.metadata.name ?? "", this.served(info, obj), { subresource }));
  }

  delete(storageKey: string, obj: KubeObject, options: DeleteOptions = {}): KubeObject {
    const info = this.info(storageKey);
    return this.stored(info, this.service.delete(info, obj.metadata.namespace, obj.metadata.name ?? "", options));
  }

  /**
   * The catalog entry writes to a storage key go through: its storage version, or, where the
   * persona does not serve that (CronJobs are kept as batch/v1, which 1.16–1.20 do not
   * serve; PodDisruptionBudgets as policy/v1 before 1.21), the preferred served version of
   * the key, which ObjectService converts from and to.
   */
  info(storageKey: string): ResourceInfo {
    let info = this.infos.get(storageKey);
    if (!info) {
      const { registry } = this.service;
      const gvk = registry.storageVersionOf(storageKey);
      const resource = storageKey.slice(storageKey.indexOf("/") + 1);
      info = gvk ? registry.lookup(gvk.group, gvk.version, resource) : undefined;
      if (!info) {
        const served = registry.allResources().filter((r) => r.storageKey === storageKey);
        const preferred = served.find((r) => registry.servedGroup(r.group)?.preferredVersion === r.version);
        info = preferred ?? served[0];
      }
      if (!info) throw new Error(`no served resource is stored under ${storageKey}`);
      this.infos.set(storageKey, info);
    }
    return info;
  }

  private isStorageVersion(info: ResourceInfo): boolean {
    return info.version === info.storageVersion && info.storageKey === `${info.group}/${info.resource}`;
  }

  /** obj (in storage version) as the version written through. */
  private served(info: ResourceInfo, obj: KubeObject): KubeObject {
    return this.isStorageVersion(info) ? obj : this.service.versioning.fromStorage(obj, info);
  }

  /** What a write answered, back in storage version: the stored object, or (once gone) the answer converted. */
  private stored(info: ResourceInfo, written: KubeObject): KubeObject {
    if (this.isStorageVersion(info)) return written;
    const current = this.service.store.get(info.storageKey, written.metadata.namespace ?? "", written.metadata.name ?? "");
    if (current && current.metadata.uid === written.metadata.uid) return current;
    const { selfLink: _dropped, ...metadata } = written.metadata as KubeObject["metadata"] & { selfLink?: string };
    return this.service.versioning.toStorage({ ...written, metadata }, info);
  }
}
