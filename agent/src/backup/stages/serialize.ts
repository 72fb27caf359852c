import type { BackupItem } from "@lifeboat/shared/repo";
import { stringify } from "safe-stable-stringify";
import type { BackupReport } from "../backup-report.js";
import { forEachConcurrently } from "../concurrency.js";
import type { ItemIndex } from "../item-index.js";
import type { ApiReader, KubeObject } from "../kube/api-reader.js";
import { endsBackup } from "../kube/list-errors.js";
import { rankByPreferredGroup } from "../preferred-group.js";
import { apiVersionOf, qualifiedName, resourceKey, type BackupResource, type ItemRef } from "../resources.js";
import { mergeAliases, type ServedItem } from "./merge-aliases.js";

type ContentId = BackupItem["content"];

/** Where item JSON goes: the repository's content store (deduplicated, encrypted). */
export interface ContentWriter {
  putContent(kind: "item", data: Uint8Array): Promise<ContentId>;
}

export interface SerializeContext {
  api: ApiReader;
  content: ContentWriter;
  resources: readonly BackupResource[];
  report: BackupReport;
  /** Resources serialized at once. */
  concurrency: number;
  signal?: AbortSignal;
  /** Told as items are stored: objects with a preferred version stored, and bytes of JSON so far. */
  onProgress?(itemsDone: number, bytes: number): void;
}

export interface SerializedItems {
  /**
   * The manifest's item index: every object once, with its JSON in each group and version that
   * serves it, the preferred first (see mergeAliases).
   */
  items: BackupItem[];
  /** Every stored version of every item, in all its groups. */
  itemVersions: number;
  bytes: number;
}

// Listing each namespace on its own is cheaper than a cluster-wide list when few namespaces hold the items.
const MAX_NAMESPACES_LISTED_ONE_BY_ONE = 20;

/**
 * Stores every item of `index` in every version its resource is served in: lists each version
 * in pages (only one page of JSON in memory per resource), writes each indexed item's JSON with
 * sorted keys (equal objects give equal bytes, so an unchanged item adds nothing) and keeps only
 * content ids. An object indexed under two resources (the same UID in two groups) becomes one
 * item, under the group the cluster prefers (rankByPreferredGroup). An item gone since it was
 * selected is a warning; a resource version that cannot be listed is an error (the backup ends
 * PartiallyFailed) unless the failure ends the backup.
 */
export async function serializeItems(index: ItemIndex, context: SerializeContext): Promise<SerializedItems> {
  const byKey = new Map(context.resources.map((r) => [resourceKey(r), r]));
  const stored = new Map<string, ServedItem>();
  // Objects with a stored item, by UID (or by resource and name when the UID is unknown).
  const storedObjects = new Set<string>();
  let itemsDone = 0;
  let itemVersions = 0;
  let bytes = 0;
  const unreadable = new Set<string>();
  await forEachConcurrently(index.resources(), context.concurrency, async (entry) => {
    const resource = byKey.get(resourceKey(entry));
    if (!resource) return;
    const scopes = resource.namespaced && entry.namespaces.size <= MAX_NAMESPACES_LISTED_ONE_BY_ONE ? [...entry.namespaces] : [undefined];
    for (const version of resource.versions) {
      const ref = { group: resource.group, version, resource: resource.resource };
      if (unreadable.has(resourceKey(resource))) break;
      try {
        for (const namespace of scopes) {
          for await (const page of context.api.listPages(ref, { namespace, signal: context.signal })) {
            for (const object of page.items) {
              const item: ItemRef = { group: resource.group, resource: resource.resource, namespace: resource.namespaced ? (object.metadata?.namespace ?? "") : "", name: object.metadata?.name ?? "" };
              if (!index.has(item)) continue;
              const isPreferred = version === resource.preferredVersion;
              const key = `${item.namespace}/${item.name}`;
              const existing = stored.get(`${resourceKey(item)}/${key}`);
              if (!isPreferred && !existing) continue; // gone from the preferred version's list: warned below
              const json = Buffer.from(stringify(withTypeMeta(object, apiVersionOf(ref), resource.kind)) ?? "", "utf8");
              const content = await context.content.putContent("item", json);
              itemVersions++;
              bytes += json.length;
              if (isPreferred) {
                const uid = object.metadata?.uid ?? "";
                stored.set(`${resourceKey(item)}/${key}`, { ...item, kind: resource.kind, version, content, versions: [{ version, content }], uid });
                const objectKey = uid || `${resourceKey(item)}/${key}`;
                if (!storedObjects.has(objectKey)) {
                  storedObjects.add(objectKey);
                  itemsDone++;
                }
              } else {
                existing!.versions!.push({ version, content });
              }
              context.onProgress?.(itemsDone, bytes);
            }
          }
        }
      } catch (err) {
        if (endsBackup(err, context.signal)) throw err;
        if (version === resource.preferredVersion) unreadable.add(resourceKey(resource));
        context.report.error(`cannot list ${qualifiedName(resource)} in ${apiVersionOf(ref)}: ${(err as Error).message}`, { resource: qualifiedName(resource) });
      }
    }
  });
  for (const item of index.items()) {
    if (unreadable.has(resourceKey(item))) continue; // its resource's error says why
    if (!storedObjects.has(item.uid) && !stored.has(`${resourceKey(item)}/${item.namespace}/${item.name}`)) {
      context.report.warn("the item was deleted while the backup ran; it is not in the backup", { resource: qualifiedName(item), namespace: item.namespace, name: item.name });
    }
  }
  return { items: mergeAliases(stored.values(), rankByPreferredGroup(context.resources)), itemVersions, bytes };
}

/** A listed item carries no apiVersion and kind (the list does); the stored JSON says what it is. */
function withTypeMeta(object: KubeObject, apiVersion: string, kind: string): KubeObject {
  return { ...object, apiVersion, kind };
}
