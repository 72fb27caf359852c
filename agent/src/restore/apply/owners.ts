import type { KubeObject, PlannedItem } from "../types.js";

type OwnerReference = NonNullable<KubeObject["metadata"]["ownerReferences"]>[number];

/**
 * The objects this restore has put in the target, by kind, namespace and name, with the uid and
 * apiVersion they have there. ownerReferences name their owner by uid, and the uids in a backup
 * are the source cluster's; by the time an item is applied its JSON has been sanitized and has
 * lost its own uid, so owners are matched by what survives a restore: kind, namespace and name.
 * The group is left out on purpose: an owner converted to another group (extensions → apps) is
 * still the owner.
 */
export class RestoredOwners {
  private readonly owners = new Map<string, { uid: string; apiVersion: string }>();

  /** Records where `item` now is in the target. */
  add(item: PlannedItem, uid: string): void {
    const apiVersion = item.to.group === "" ? item.to.version : `${item.to.group}/${item.to.version}`;
    this.owners.set(key(item.to.kind, item.namespace, item.name), { uid, apiVersion });
  }

  /**
   * `object` with each ownerReference pointing at the owner this restore made (its target uid and
   * apiVersion). A reference to an owner not restored (yet) is dropped: its uid names nothing in
   * the target, and the garbage collector deletes an object whose owners are all gone. That is how
   * a pod applied before its ReplicaSet survives: the ReplicaSet, applied in a later tier, adopts
   * it. Owners are namespaced like their dependents or cluster-scoped; both are looked up.
   */
  rewrite(object: KubeObject, namespace: string): KubeObject {
    const refs = object.metadata.ownerReferences;
    if (!refs || refs.length === 0) return object;
    const kept: OwnerReference[] = [];
    for (const ref of refs) {
      const owner = this.owners.get(key(ref.kind, namespace, ref.name)) ?? this.owners.get(key(ref.kind, "", ref.name));
      if (owner) kept.push({ ...ref, uid: owner.uid, apiVersion: owner.apiVersion });
    }
    const metadata = { ...object.metadata };
    if (kept.length > 0) metadata.ownerReferences = kept;
    else delete metadata.ownerReferences;
    return { ...object, metadata };
  }
}

function key(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}
