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
    return this.service.create(this.info(storageKey), obj.metadata.namespace, obj);
  }

  /** Replaces spec and metadata (not status); throws 409 when obj's resourceVersion is stale. */
  update(storageKey: string, obj: KubeObject): KubeObject {
    return this.service.update(this.info(storageKey), obj.metadata.namespace, obj.metadata.name ?? "", obj);
  }

  /** Writes .status only, as controllers do through the status subresource. */
  updateStatus(storageKey: string, obj: KubeObject): KubeObject {
    const info = this.info(storageKey);
    const subresource = info.subresources.includes("status") ? ("status" as const) : undefined;
    return this.service.update(info, obj.metadata.namespace, obj.metadata.name ?? "", obj, { subresource });
  }

  delete(storageKey: string, obj: KubeObject, options: DeleteOptions = {}): KubeObject {
    return this.service.delete(this.info(storageKey), obj.metadata.namespace, obj.metadata.name ?? "", options);
  }

  /** The catalog entry of the version a storage key is stored in. */
  info(storageKey: string): ResourceInfo {
    let info = this.infos.get(storageKey);
    if (!info) {
      const gvk = this.service.registry.storageVersionOf(storageKey);
      const resource = storageKey.slice(storageKey.indexOf("/") + 1);
      info = gvk ? this.service.registry.lookup(gvk.group, gvk.version, resource) : undefined;
      if (!info) throw new Error(`no served resource is stored under ${storageKey}`);
      this.infos.set(storageKey, info);
    }
    return info;
  }
}
