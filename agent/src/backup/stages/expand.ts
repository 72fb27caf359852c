import type { ItemIndex } from "../item-index.js";
import type { KubeObject } from "../kube/api-reader.js";
import { dependenciesOf, type DependencyRef } from "../rules/dependency-rules.js";
import { resourceKey, type BackupResource, type ItemRef } from "../resources.js";

/** What expand needs: the served resources, the spec's limits, and a way to read one object. */
export interface ExpandContext {
  resources: readonly BackupResource[];
  /** Whether the spec lets this item in (it excludes neither its resource nor its namespace, nor cluster-scoped items). */
  allowsDependency(item: ItemRef): boolean;
  /** The object in its resource's preferred version; undefined when it does not exist. */
  read(resource: BackupResource, namespace: string, name: string): Promise<KubeObject | undefined>;
  signal?: AbortSignal;
}

/**
 * Adds to `index` what the selected items depend on (`pending`: the references collected while
 * selecting), then what those depend on in turn (PVC → PV → StorageClass), as far as the spec
 * allows. A reference to something that does not exist (an optional Secret, the "CRD" of an
 * aggregated API) adds nothing. Returns how many objects it added (one already indexed under
 * another group, with the same UID, is indexed under this one too but not counted).
 */
export async function expandDependencies(pending: Iterable<DependencyRef>, index: ItemIndex, context: ExpandContext): Promise<number> {
  const byKey = new Map(context.resources.map((r) => [resourceKey(r), r]));
  const byKind = new Map(context.resources.map((r) => [`${r.group}/${r.kind}`, r]));
  const queue = [...pending];
  const seen = new Set<string>();
  let added = 0;
  while (queue.length > 0) {
    context.signal?.throwIfAborted();
    const dep = queue.pop()!;
    const resource = dep.resource !== undefined ? byKey.get(resourceKey({ group: dep.group, resource: dep.resource })) : byKind.get(`${dep.group}/${dep.kind}`);
    if (!resource) continue;
    const item: ItemRef = { group: resource.group, resource: resource.resource, namespace: resource.namespaced ? dep.namespace : "", name: dep.name };
    const key = `${resourceKey(item)}/${item.namespace}/${item.name}`;
    if (seen.has(key) || index.has(item) || !context.allowsDependency(item)) continue;
    seen.add(key);
    const object = await context.read(resource, item.namespace, item.name);
    if (!object) continue;
    // Indexed even when another group's entry holds the same object, so that group is read too.
    if (!index.add(item, object.metadata?.uid)) continue;
    added++;
    queue.push(...dependenciesOf(resource, object));
  }
  return added;
}
