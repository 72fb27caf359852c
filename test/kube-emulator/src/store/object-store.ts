import type { KubeObject } from "../api-types.js";
import { WatchHistory, type StoredEvent, type WatchEventType } from "./watch-history.js";

export type StoreListener = (event: StoredEvent) => void;

/** Objects of one storage key, by namespace ("" for cluster-scoped) then name. */
type Bucket = Map<string, Map<string, KubeObject>>;

export interface ListResult {
  items: KubeObject[];
  resourceVersion: number;
}

/**
 * The emulator's etcd: objects by storage key, one global resourceVersion counter, a
 * window of history for watches, and synchronous listeners so controllers see every
 * change in order. Stored objects are never mutated in place: writers pass new objects.
 */
export class ObjectStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly sortedNames = new Map<string, string[]>();
  private readonly history: WatchHistory;
  private readonly listeners = new Set<StoreListener>();
  private rv = 1000;

  constructor(options: { historySize?: number } = {}) {
    this.history = new WatchHistory(options.historySize ?? 100_000);
  }

  get resourceVersion(): number {
    return this.rv;
  }

  oldestWatchableVersion(): number | undefined {
    return this.history.oldest();
  }

  /** True once the history window has dropped events, so old resourceVersions are gone. */
  historyWrapped(): boolean {
    return this.history.wrapped;
  }

  get(storageKey: string, namespace: string, name: string): KubeObject | undefined {
    return this.buckets.get(storageKey)?.get(namespace)?.get(name);
  }

  /** Items sorted by namespace then name, as etcd's key order returns them. */
  list(storageKey: string, namespace?: string): ListResult {
    const bucket = this.buckets.get(storageKey);
    const items: KubeObject[] = [];
    if (bucket) {
      const namespaces = namespace !== undefined ? [namespace] : [...bucket.keys()].sort();
      for (const ns of namespaces) {
        const objects = bucket.get(ns);
        if (!objects) continue;
        for (const name of this.sortedNamesOf(storageKey, ns, objects)) items.push(objects.get(name)!);
      }
    }
    return { items, resourceVersion: this.rv };
  }

  count(storageKey: string, namespace?: string): number {
    const bucket = this.buckets.get(storageKey);
    if (!bucket) return 0;
    if (namespace !== undefined) return bucket.get(namespace)?.size ?? 0;
    let n = 0;
    for (const m of bucket.values()) n += m.size;
    return n;
  }

  /** Stores a new object, stamping its resourceVersion. The caller checked it does not exist. */
  create(storageKey: string, object: KubeObject): KubeObject {
    return this.commit("ADDED", storageKey, object);
  }

  update(storageKey: string, object: KubeObject): KubeObject {
    return this.commit("MODIFIED", storageKey, object);
  }

  /** Removes an object; returns it stamped with the deleting resourceVersion. */
  delete(storageKey: string, namespace: string, name: string): KubeObject | undefined {
    const existing = this.get(storageKey, namespace, name);
    if (!existing) return undefined;
    return this.commit("DELETED", storageKey, existing);
  }

  historySince(after: number): StoredEvent[] {
    return this.history.since(after);
  }

  /** Listeners run synchronously after each commit, in commit order. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  storageKeys(): string[] {
    return [...this.buckets.keys()];
  }

  private commit(type: WatchEventType, storageKey: string, object: KubeObject): KubeObject {
    const namespace = object.metadata.namespace ?? "";
    const name = object.metadata.name ?? "";
    const previous = this.get(storageKey, namespace, name);
    this.rv++;
    const stamped: KubeObject = { ...object, metadata: { ...object.metadata, resourceVersion: String(this.rv) } };
    let bucket = this.buckets.get(storageKey);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(storageKey, bucket);
    }
    let objects = bucket.get(namespace);
    if (type === "DELETED") {
      objects?.delete(name);
      if (objects && objects.size === 0) bucket.delete(namespace);
      this.sortedNames.delete(`${storageKey}\n${namespace}`);
    } else {
      if (!objects) {
        objects = new Map();
        bucket.set(namespace, objects);
      }
      if (!objects.has(name)) this.sortedNames.delete(`${storageKey}\n${namespace}`);
      objects.set(name, stamped);
    }
    const event: StoredEvent = { type, object: stamped, previous, resourceVersion: this.rv, storageKey, namespace };
    this.history.push(event);
    for (const listener of this.listeners) listener(event);
    return stamped;
  }

  private sortedNamesOf(storageKey: string, namespace: string, objects: Map<string, KubeObject>): string[] {
    const key = `${storageKey}\n${namespace}`;
    let names = this.sortedNames.get(key);
    if (!names) {
      names = [...objects.keys()].sort();
      this.sortedNames.set(key, names);
    }
    return names;
  }
}
