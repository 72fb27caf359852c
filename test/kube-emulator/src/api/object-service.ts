import { formatGroupVersion, type JsonObject, type KubeObject, type ResourceInfo } from "../api-types.js";
import { alreadyExists, badRequest, conflict, forbidden, notFound, StatusError } from "../http/status-error.js";
import { applyPatch, applyServerSideApply } from "../patch/index.js";
import type { ResourceRegistry } from "../registry/index.js";
import { decodeContinue, encodeContinue, ListSnapshots, type ObjectStore } from "../store/index.js";
import { validateObject, validateUpdate } from "../validation/index.js";
import { Deleter, type DeleteOptions } from "./deleter.js";
import { expiredContinue, parseFilter, type ListOptions, type ObjectFilter } from "./list-query.js";
import { clone, generateNameSuffix, isJsonObject, newUid, now } from "./object-meta.js";
import { prepareForCreate } from "./strategies.js";
import { dropUndefinedMeta, mergeForUpdate } from "./update-merge.js";
import { applyDefaults, tracksGeneration } from "./defaults/index.js";
import { generateJobSelector } from "./defaults/job-selector.js";
import { admitStorageCreate } from "./defaults/default-storage-class.js";
import { allocateClusterIp, ClusterIpAllocator } from "./cluster-ip.js";
import { allocateNodePorts, NodePortAllocator, reallocateNodePorts } from "./node-port.js";
import { Versioning } from "./versioning.js";
import { Admission } from "./admission/index.js";

export interface WriteOptions {
  dryRun?: boolean;
  /** "status" writes only .status; undefined writes everything but .status when the resource has a status subresource. */
  subresource?: "status";
}

export interface ListPage {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/**
 * The API's semantics over the store, independent of HTTP: what create, update, patch,
 * delete and list mean for a Kubernetes object. Controllers use it too, so their writes
 * follow the same rules as a client's.
 */
export class ObjectService {
  readonly versioning: Versioning;
  readonly deleter: Deleter;
  readonly admission: Admission;
  private readonly snapshots = new ListSnapshots();
  private readonly clusterIps: ClusterIpAllocator;
  private readonly nodePorts: NodePortAllocator;

  constructor(
    readonly store: ObjectStore,
    readonly registry: ResourceRegistry,
    /** Minor version of the persona; some defaults depend on it. */
    readonly minor: number,
  ) {
    this.versioning = new Versioning(registry, minor);
    this.deleter = new Deleter(store);
    this.admission = new Admission(store, minor);
    this.clusterIps = new ClusterIpAllocator(store);
    this.nodePorts = new NodePortAllocator(store);
  }

  get(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject {
    const stored = this.store.get(info.storageKey, info.namespaced ? namespace ?? "" : "", name);
    if (!stored) throw notFound(info.group, info.resource, name);
    return this.versioning.fromStorage(stored, info);
  }

  list(info: ResourceInfo, namespace: string | undefined, options: ListOptions = {}): ListPage {
    const filter = this.filterFor(info, options.labelSelector, options.fieldSelector);
    const scope = info.namespaced ? namespace : undefined;
    let items: KubeObject[];
    let resourceVersion: number;
    let offset = 0;
    let snapshotId: string | undefined;
    if (options.continue) {
      const token = decodeContinue(options.continue);
      if (!token) throw badRequest(`continue key is not valid: the token "${options.continue}" was not issued by this server`);
      const snapshot = this.snapshots.read(token.snapshot);
      if (!snapshot) throw expiredContinue();
      ({ items, resourceVersion } = snapshot);
      offset = token.offset;
      snapshotId = token.snapshot;
    } else {
      ({ items, resourceVersion } = this.store.list(info.storageKey, scope));
    }
    const page: KubeObject[] = [];
    let next = offset;
    const limit = options.limit;
    for (; next < items.length && (limit === undefined || page.length < limit); next++) {
      const item = items[next]!;
      if (filter.matches(item)) page.push(this.versioning.fromStorage(item, info));
    }
    const result: ListPage = { items: page, resourceVersion: String(resourceVersion) };
    if (limit !== undefined && next < items.length) {
      snapshotId ??= this.snapshots.open(items, resourceVersion);
      result.continue = encodeContinue({ snapshot: snapshotId, offset: next, resourceVersion });
      if (!filter.labels && !filter.fields) result.remainingItemCount = items.length - next;
    } else if (snapshotId) {
      this.snapshots.close(snapshotId);
    }
    return result;
  }

  create(info: ResourceInfo, namespace: string | undefined, body: unknown, options: WriteOptions = {}): KubeObject {
    const incoming = this.checkBody(info, namespace, body);
    const meta = incoming.metadata;
    // The etcd3 store refuses a create that names a resourceVersion (one that is not a
    // number slips through, as upstream); restores must strip it.
    if (meta.resourceVersion && /^\d+$/.test(meta.resourceVersion)) {
      throw new StatusError(500, "", "resourceVersion should not be set on objects to be created");
    }
    // Admission errors name the object as sent: upstream generates names after admission.
    const requestedName = String(meta.name || meta.generateName || "Unknown");
    if (!meta.name && meta.generateName) meta.name = meta.generateName + generateNameSuffix();
    if (info.namespaced) this.checkNamespaceWritable(info, meta.namespace!, meta.name);
    let stored = this.versioning.toStorage(incoming, info);
    stored = applyDefaults(info.storageKey, prepareForCreate(info, stored, this.minor), this.minor);
    stored = admitStorageCreate(info.storageKey, stored, this.store, this.minor);
    stored = this.admission.admitCreate(info.storageKey, stored, requestedName);
    validateObject(info, stored);
    const ns = info.namespaced ? meta.namespace! : "";
    if (this.store.get(info.storageKey, ns, meta.name!)) throw alreadyExists(info.group, info.resource, meta.name!);
    stored = {
      ...stored,
      metadata: {
        ...stored.metadata,
        uid: newUid(),
        creationTimestamp: now(),
        generation: tracksGeneration(info.storageKey, this.isCustomResource(info)) ? 1 : undefined,
        resourceVersion: undefined,
        deletionTimestamp: undefined,
        deletionGracePeriodSeconds: undefined,
      } as KubeObject["metadata"],
    };
    stored = dropUndefinedMeta(stored);
    if (info.storageKey === "/services") stored = allocateClusterIp(this.clusterIps, stored, this.minor);
    if (info.storageKey === "batch/jobs") stored = generateJobSelector(stored, this.minor);
    if (info.storageKey === "/services") stored = allocateNodePorts(this.nodePorts, stored, this.minor);
    if (options.dryRun) return this.versioning.fromStorage(stored, info);
    return this.versioning.fromStorage(this.store.create(info.storageKey, stored), info);
  }

  update(info: ResourceInfo, namespace: string | undefined, name: string, body: unknown, options: WriteOptions = {}): KubeObject {
    const incoming = this.checkBody(info, namespace, body);
    if (incoming.metadata.name !== name) {
      throw badRequest(`the name of the object (${incoming.metadata.name ?? ""}) does not match the name on the URL (${name})`);
    }
    const ns = info.namespaced ? incoming.metadata.namespace! : "";
    const current = this.store.get(info.storageKey, ns, name);
    if (!current) throw notFound(info.group, info.resource, name);
    const rv = incoming.metadata.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) {
      throw conflict(info.group, info.resource, name, "the object has been modified; please apply your changes to the latest version and try again");
    }
    const next = mergeForUpdate(info, current, this.versioning.toStorage(incoming, info), options, this.minor);
    validateObject(info, next);
    validateUpdate(info, current, next);
    return this.commitUpdate(info, current, next, options);
  }

  patch(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    contentType: string,
    body: unknown,
    options: WriteOptions & { force?: boolean; fieldManager?: string } = {},
  ): KubeObject {
    if (contentType === "application/apply-patch+yaml" && !options.fieldManager) {
      throw new StatusError(422, "Invalid", `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch`, {
        group: "meta.k8s.io",
        kind: "PatchOptions",
        causes: [{ reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager" }],
      });
    }
    const ns = info.namespaced ? namespace ?? "" : "";
    const current = this.store.get(info.storageKey, ns, name);
    const target = { group: info.group, kind: info.kind, isCustomResource: this.isCustomResource(info) };
    if (!current) {
      // Server-side apply creates what does not exist yet; every other patch needs an object.
      if (contentType !== "application/apply-patch+yaml") throw notFound(info.group, info.resource, name);
      const applied = applyServerSideApply(undefined, asObject(body), target);
      return this.create(info, namespace, { ...applied, metadata: { ...(applied.metadata as JsonObject), name } }, options);
    }
    const versioned = this.versioning.fromStorage(current, info);
    const patched = (
      contentType === "application/apply-patch+yaml"
        ? applyServerSideApply(clone(versioned), asObject(body), target)
        : applyPatch(contentType, clone(versioned), body, target)
    ) as KubeObject;
    if (!isJsonObject(patched.metadata)) throw badRequest("the patch removed metadata, which every object must have");
    patched.apiVersion = versioned.apiVersion;
    patched.kind = versioned.kind;
    if (patched.metadata.name !== name) throw badRequest(`the patch changed metadata.name from "${name}" to "${String(patched.metadata.name)}", which is immutable`);
    const incoming = this.versioning.toStorage(patched, info);
    const next = mergeForUpdate(info, current, incoming, options, this.minor);
    validateObject(info, next);
    validateUpdate(info, current, next);
    return this.commitUpdate(info, current, next, options);
  }

  delete(info: ResourceInfo, namespace: string | undefined, name: string, options: DeleteOptions = {}): KubeObject {
    const ns = info.namespaced ? namespace ?? "" : "";
    const current = this.store.get(info.storageKey, ns, name);
    if (!current) throw notFound(info.group, info.resource, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw conflict(info.group, info.resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(info.group, info.resource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
    }
    const result = options.dryRun ? current : this.deleter.delete(info.storageKey, current, options);
    return this.versioning.fromStorage(result, info);
  }

  deleteCollection(info: ResourceInfo, namespace: string | undefined, listOptions: ListOptions, options: DeleteOptions = {}): KubeObject[] {
    const { items } = this.list(info, namespace, { labelSelector: listOptions.labelSelector, fieldSelector: listOptions.fieldSelector });
    return items.map((item) => this.delete(info, item.metadata.namespace, item.metadata.name!, options));
  }

  /** Parses list/watch selectors against the field labels this resource supports. */
  filterFor(info: ResourceInfo, labelSelector?: string, fieldSelector?: string): ObjectFilter {
    const custom = this.isCustomResource(info) ? { namespaced: info.namespaced } : undefined;
    return parseFilter(info, labelSelector, fieldSelector, custom);
  }

  /** Whether the resource comes from a CRD (strategic merge patch is refused for those). */
  isCustomResource(info: ResourceInfo): boolean {
    return !this.registry.isBuiltin(info);
  }

  private checkBody(info: ResourceInfo, namespace: string | undefined, body: unknown): KubeObject {
    const obj = clone(asObject(body)) as KubeObject;
    const expected = formatGroupVersion(info);
    if (obj.apiVersion === undefined || obj.apiVersion === "") obj.apiVersion = expected;
    if (obj.kind === undefined || obj.kind === "") obj.kind = info.kind;
    if (obj.apiVersion !== expected) {
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`);
    }
    if (obj.kind !== info.kind) {
      throw badRequest(`${String(obj.kind)} in version "${info.version}" cannot be handled as a ${info.kind}: no kind "${String(obj.kind)}" is registered for version "${expected}" in scheme "k8s.io/apiserver"`);
    }
    if (obj.metadata === undefined) obj.metadata = {};
    if (!isJsonObject(obj.metadata)) throw badRequest(`metadata must be an object, got ${JSON.stringify(obj.metadata)}`);
    delete obj.metadata.selfLink;
    if (info.namespaced) {
      const bodyNs = obj.metadata.namespace;
      if (bodyNs && namespace && bodyNs !== namespace) {
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      obj.metadata.namespace = bodyNs || namespace || "default";
    } else {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  private checkNamespaceWritable(info: ResourceInfo, namespace: string, name: string | undefined): void {
    const ns = this.store.get("/namespaces", "", namespace);
    if (!ns) throw notFound("", "namespaces", namespace);
    if (ns.metadata.deletionTimestamp) {
      const why = `unable to create new content in namespace ${namespace} because it is being terminated`;
      throw forbidden(info.group, info.resource, name, why, [{ reason: "NamespaceTerminating", message: why, field: "metadata.namespace" }]);
    }
  }

  private commitUpdate(info: ResourceInfo, current: KubeObject, next: KubeObject, options: WriteOptions): KubeObject {
    if (info.storageKey === "/services" && options.subresource !== "status") next = reallocateNodePorts(this.nodePorts, current, next, this.minor);
    if (options.dryRun) return this.versioning.fromStorage(next, info);
    const { resourceVersion: _a, ...currentMeta } = current.metadata;
    const { resourceVersion: _b, ...nextMeta } = next.metadata;
    // A write that changes nothing keeps the resourceVersion, as the real server does.
    if (JSON.stringify({ ...current, metadata: currentMeta }) === JSON.stringify({ ...next, metadata: nextMeta })) {
      return this.versioning.fromStorage(current, info);
    }
    const written = this.store.update(info.storageKey, next);
    const finalized = this.deleter.finalizeIfDone(info.storageKey, written);
    return this.versioning.fromStorage(finalized, info);
  }
}

function asObject(body: unknown): JsonObject {
  if (!isJsonObject(body)) {
    throw badRequest(`the request body must be a JSON or YAML object, got ${Array.isArray(body) ? "an array" : typeof body}`);
  }
  return body;
}

