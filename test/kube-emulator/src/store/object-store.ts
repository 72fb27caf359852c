import type { KubeObject } from "../api-types.js";
import { WatchHistory, type StoredEvent, type WatchEventType } from "./watch-history.js";

export type StoreListener = (event: StoredEvent) => void;

/** Objects of one storage key, by namespace ("" for cluster-scoped) then name. */
type Bucket = Map<string, Map<string, Stored>>;

/** A stored object: live, or as its JSON bytes for the kinds kept as bytes. */
type Stored = KubeObject | Buffer;

/**
 * Storage keys whose objects are kept as JSON bytes and parsed when read, as kube-apiserver
 * serves Events straight from etcd with no watch cache (kubernetes/kubernetes#96052). Events
 * are most of a busy cluster's objects and are rarely read; as live objects they would double
 * the heap every garbage collection walks.
 */
const storedAsBytes = new Set(["/events"]);

function live(stored: Stored): KubeObject {
  return Buffer.isBuffer(stored) ? (JSON.parse(stored.toString("utf8")) as KubeObject) : stored;
}

/** A change to a kind kept as bytes, as the watch history holds it: parsed when read. */
class StoredBytesEvent implements StoredEvent {
  constructor(
    readonly type: WatchEventType,
    private readonly bytes: Buffer,
    private readonly previousBytes: Buffer | undefined,
    readonly resourceVersion: number,
    readonly storageKey: string,
    readonly namespace: string,
  ) {}

  get object(): KubeObject {
    return live(this.bytes);
  }

  get previous(): KubeObject | undefined {
    return this.previousBytes && live(this.previousBytes);
  }
}

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
    const stored = this.buckets.get(storageKey)?.get(namespace)?.get(name);
    return stored === undefined ? undefined : live(stored);
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
        for (const name of this.sortedNamesOf(storageKey, ns, objects)) items.push(live(objects.get(name)!));
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
    const previousStored = this.buckets.get(storageKey)?.get(namespace)?.get(name);
    const previous = previousStored === undefined ? undefined : live(previousStored);
    this.rv++;
    const stamped: KubeObject = { ...object, metadata: { ...object.metadata, resourceVersion: String(this.rv) } };
    const bytes = storedAsBytes.has(storageKey) ? Buffer.from(JSON.stringify(stamped)) : undefined;
    const stored: Stored = bytes ?? stamped;
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
      objects.set(name, stored);
    }
    const event: StoredEvent = { type, object: stamped, previous, resourceVersion: this.rv, storageKey, namespace };
    // What a kind kept as bytes retains is bytes, in the history too.
    this.history.push(bytes ? new StoredBytesEvent(type, bytes, previousStored as Buffer | undefined, this.rv, storageKey, namespace) : event);
    for (const listener of this.listeners) listener(event);
    return stamped;
  }

  private sortedNamesOf(storageKey: string, namespace: string, objects: Map<string, Stored>): string[] {
    const key = `${storageKey}\n${namespace}`;
    let names = this.sortedNames.get(key);
    if (!names) {
      names = [...objects.keys()].sort();
      this.sortedNames.set(key, names);
    }
    return names;
  }
}
