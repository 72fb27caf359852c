import { resourceKey, type ItemRef } from "./resources.js";

/**
 * The items a backup takes, by resource: the only state that grows with the cluster. It holds
 * names, never item JSON.
 */
export class ItemIndex {
  readonly #byResource = new Map<string, { group: string; resource: string; names: Set<string> }>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Adds `item`; false when it was already there. */
  add(item: ItemRef): boolean {
    const key = resourceKey(item);
    let entry = this.#byResource.get(key);
    if (!entry) this.#byResource.set(key, (entry = { group: item.group, resource: item.resource, names: new Set() }));
    const name = nameKey(item.namespace, item.name);
    if (entry.names.has(name)) return false;
    entry.names.add(name);
    this.#size++;
    return true;
  }

  has(item: ItemRef): boolean {
    return this.#byResource.get(resourceKey(item))?.names.has(nameKey(item.namespace, item.name)) ?? false;
  }

  /** The resources that have items, each with its items' namespaces ("" for cluster-scoped). */
  resources(): Array<{ group: string; resource: string; count: number; namespaces: Set<string> }> {
    return [...this.#byResource.values()].map((entry) => ({
      group: entry.group,
      resource: entry.resource,
      count: entry.names.size,
      namespaces: new Set([...entry.names].map((key) => splitKey(key)[0])),
    }));
  }

  /** Every item, resource by resource. */
  *items(): Iterable<ItemRef> {
    for (const entry of this.#byResource.values()) {
      for (const key of entry.names) {
        const [namespace, name] = splitKey(key);
        yield { group: entry.group, resource: entry.resource, namespace, name };
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
