// Loading one planned item when its turn to be applied comes: its stored JSON, converted to the
// version it is applied in, sanitized and transformed. Nothing of it is kept after it is applied.
import type { Repository } from "@lifeboat/shared/repo";
import type { RestoreOptions } from "@lifeboat/shared/restore";
import { sanitizeInPlace, skipReason } from "../sanitize/index.js";
import { transformInPlace } from "../transform/index.js";
import { SkipItem, type KubeObject, type PlannedItem } from "../types.js";
import { convertObject } from "../versions/index.js";

export interface LoaderContext {
  content: Pick<Repository["content"], "getContent">;
  options: RestoreOptions;
  preserveNodePorts: boolean;
  restoreId: string;
  backupId: string;
  /** Every item the restore applies: owner references to anything else are dropped. */
  planned: readonly PlannedItem[];
}

/** The apply stage's `load`: throws SkipItem for an item its JSON shows is not restored. */
export function createItemLoader(context: LoaderContext): (item: PlannedItem) => Promise<KubeObject> {
  // An owner reference names its owner by kind and name (and uid, which the target will not
  // share); the owner is restored when an item of that kind and name is planned in its namespace.
  const planned = new Set(context.planned.map((p) => ownerKey(p.source.kind ?? "", p.source.namespace, p.source.name)));
  const transformOptions = { ...context.options, restoreId: context.restoreId, backupId: context.backupId };
  return async (item) => {
    const object = JSON.parse(Buffer.from(await context.content.getContent(item.from.content)).toString("utf8")) as KubeObject;
    const skip = skipReason(item.source, object);
    if (skip) throw new SkipItem(skip);
    const converted = item.conversion ? convertObject(object, item.to) : object;
    const owners = new Map((object.metadata.ownerReferences ?? []).map((ref) => [ref.uid, ref]));
    // The parsed object is this load's own: sanitized and transformed in place, not copied twice.
    const sanitized = sanitizeInPlace(converted, {
      preserveNodePorts: context.preserveNodePorts,
      isRestored: (uid) => {
        const owner = owners.get(uid);
        return owner !== undefined && planned.has(ownerKey(owner.kind, item.source.namespace, owner.name));
      },
    });
    return transformInPlace(sanitized, item, transformOptions);
  };
}

function ownerKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}
