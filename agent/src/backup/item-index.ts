import type { BackupItem } from "@lifeboat/shared/repo";
import type { ResourceRank } from "./preferred-group.js";
import { resourceKey, type ItemRef } from "./resources.js";

type ContentId = BackupItem["content"];

/** An object of the index, under the resource it is backed up as; `uid` is "" when unknown. */
export interface IndexedItem extends ItemRef {
  uid: string;
}

/**
 * One entry: its object's UID ("" when unknown) and, once serialize stored it, the content of its
 * JSON in each version of its resource, by the version's place in the resource's served versions
 * (the preferred first).
 */
export interface IndexEntry {
  readonly uid: string;
  contents?: Array<ContentId | undefined>;
}

/** An entry with where it is, as entries() lists them. */
export interface ListedEntry extends IndexedItem {
  contents: ReadonlyArray<ContentId | undefined> | undefined;
  /** Whether the object is shown under this entry's resource (see add). */
  isPreferred: boolean;
}

/**
 * The items a backup takes, by resource: the only state that grows with the cluster. It holds
 * names, UIDs and the content ids serialize stored, never item JSON.
 *
 * An object served by two groups (an Ingress on 1.16 in extensions and networking.k8s.io) is
 * indexed under each resource it was found in, so serialize reads every group, but counts as
 * one object: two entries with the same `metadata.uid` are the same object, shown under the
 * resource `rank` prefers.
 */
interface ResourceEntry {
  group: string;
  resource: string;
  /** Each entry, by "namespace/name". */
  entries: Map<string, IndexEntry>;
}

export class ItemIndex {
  readonly #byResource = new Map<string, ResourceEntry>();
  /** The resource each object is shown under, by UID (the entry itself, so no copy per object). */
  readonly #preferred = new Map<string, ResourceEntry>();
  #size = 0;

  constructor(private readonly rank: ResourceRank = () => 0) {}

  /** How many objects: entries with the same UID count once. */
  get size(): number {
    return this.#size;
  }

  /**
   * Adds `item` (with its object's `uid`, when known). True when it is a new object; false when
   * the entry was already there or another resource's entry holds the same object (the entry is
   * still added, so that resource is read too).
   */
  add(item: ItemRef, uid = ""): boolean {
    const key = resourceKey(item);
    let entry = this.#byResource.get(key);
    if (!entry) this.#byResource.set(key, (entry = { group: item.group, resource: item.resource, entries: new Map() }));
    const name = nameKey(item.namespace, item.name);
    const known = entry.entries.get(name)?.uid;
    if (known !== undefined && (known !== "" || uid === "")) return false;
    entry.entries.set(name, { uid });
    // An entry first added without its UID (a Namespace of the selection) was counted already.
    const isNewEntry = known === undefined;
    if (uid === "") {
      this.#size++;
      return true;
    }
    const preferred = this.#preferred.get(uid);
    if (!preferred) {
      this.#preferred.set(uid, entry);
      if (isNewEntry) this.#size++;
      return isNewEntry;
    }
    if (this.#isPreferredOver(entry, preferred)) this.#preferred.set(uid, entry);
    if (!isNewEntry) this.#size--; // counted alone before its UID told it is an object already indexed
    return false;
  }

  // Ties (resources discovery did not rank) go by name, so the choice never depends on list order.
  #isPreferredOver(a: ResourceEntry, b: ResourceEntry): boolean {
    const [ra, rb] = [this.rank(a), this.rank(b)];
    return ra !== rb ? ra < rb : resourceKey(a) < resourceKey(b);
  }

  has(item: ItemRef): boolean {
    return this.get(item) !== undefined;
  }

  /** The entry of `item`, for serialize to record its contents in. */
  get(item: ItemRef): IndexEntry | undefined {
    return this.#byResource.get(resourceKey(item))?.entries.get(nameKey(item.namespace, item.name));
  }

  /** Whether `item`'s object is shown under its resource: true unless another resource's entry holds it. */
  isPreferred(item: ItemRef, entry: IndexEntry): boolean {
    return this.#isShownUnder(entry.uid, this.#byResource.get(resourceKey(item)));
  }

  #isShownUnder(uid: string, resource: ResourceEntry | undefined): boolean {
    return uid === "" || this.#preferred.get(uid) === resource;
  }

  /** The resources that have entries, each with its entries' namespaces ("" for cluster-scoped). */
  resources(): Array<{ group: string; resource: string; count: number; namespaces: Set<string> }> {
    return [...this.#byResource.values()].map((entry) => ({
      group: entry.group,
      resource: entry.resource,
      count: entry.entries.size,
      namespaces: new Set([...entry.entries.keys()].map((key) => splitKey(key)[0])),
    }));
  }

  /** Every object once, under its preferred resource, resource by resource. */
  *items(): Iterable<IndexedItem> {
    for (const listed of this.entries()) if (listed.isPreferred) yield listed;
  }

  /**
   * Every entry, in a stable order: resources by group and name, then entries by namespace and
   * name, so equal selections list alike whatever order the lists answered in. Passes that only
   * look entries up pass `sorted: false` and skip the sorting.
   */
  *entries({ sorted = true }: { sorted?: boolean } = {}): Iterable<ListedEntry> {
    const order = (keys: Iterable<string>): Iterable<string> => (sorted ? [...keys].sort() : keys);
    for (const key of order(this.#byResource.keys())) {
      const resource = this.#byResource.get(key)!;
      for (const name of order(resource.entries.keys())) {
        const { uid, contents } = resource.entries.get(name)!;
        const [namespace, itemName] = splitKey(name);
        yield { group: resource.group, resource: resource.resource, namespace, name: itemName, uid, contents, isPreferred: this.#isShownUnder(uid, resource) };
      }
    }
  }
}

// Names and namespaces cannot hold "/", so it separates them unambiguously.
function nameKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}
