import type { BackupItem } from "@lifeboat/shared/repo";
import { stringify } from "safe-stable-stringify";
import type { BackupReport } from "../backup-report.js";
import { forEachConcurrently } from "../concurrency.js";
import type { ItemIndex, ListedEntry } from "../item-index.js";
import type { ApiReader, KubeObject } from "../kube/api-reader.js";
import { endsBackup } from "../kube/list-errors.js";
import { rankByPreferredGroup, type ResourceRank } from "../preferred-group.js";
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
   * The manifest's items, in the index's stable order: every object once, with its JSON in each
   * group and version that serves it, the preferred first (see mergeAliases). Read from the index
   * each time it is called, so the items are never all in memory.
   */
  items(): Iterable<BackupItem>;
  /** Every stored version of every item, in all its groups. */
  itemVersions: number;
  bytes: number;
}

// Listing each namespace on its own is cheaper than a cluster-wide list when few namespaces hold the items.
const MAX_NAMESPACES_LISTED_ONE_BY_ONE = 20;

/**
 * Stores every item of `index` in every version its resource is served in: lists each version
 * in pages (only one page of JSON in memory per resource), writes each indexed item's JSON with
 * sorted keys (equal objects give equal bytes, so an unchanged item adds nothing) and records
 * only its content id, in the index. An object indexed under two resources (the same UID in two
 * groups) becomes one item, under the group the cluster prefers (rankByPreferredGroup). An item
 * gone since it was selected is a warning; a resource version that cannot be listed is an error
 * (the backup ends PartiallyFailed) unless the failure ends the backup.
 */
export async function serializeItems(index: ItemIndex, context: SerializeContext): Promise<SerializedItems> {
  const byKey = new Map(context.resources.map((r) => [resourceKey(r), r]));
  let itemsDone = 0;
  let itemVersions = 0;
  let bytes = 0;
  const unreadable = new Set<string>();
  await forEachConcurrently(index.resources(), context.concurrency, async (entry) => {
    const resource = byKey.get(resourceKey(entry));
    if (!resource) return;
    const scopes = resource.namespaced && entry.namespaces.size <= MAX_NAMESPACES_LISTED_ONE_BY_ONE ? [...entry.namespaces] : [undefined];
    // Versions are served preferred first: an entry's contents follow the same order.
    for (const [versionIndex, version] of resource.versions.entries()) {
      const ref = { group: resource.group, version, resource: resource.resource };
      if (unreadable.has(resourceKey(resource))) break;
      try {
        for (const namespace of scopes) {
          for await (const page of context.api.listPages(ref, { namespace, signal: context.signal })) {
            for (const object of page.items) {
              const item: ItemRef = { group: resource.group, resource: resource.resource, namespace: resource.namespaced ? (object.metadata?.namespace ?? "") : "", name: object.metadata?.name ?? "" };
              const indexed = index.get(item);
              if (!indexed) continue;
              if (versionIndex > 0 && indexed.contents?.[0] === undefined) continue; // gone from the preferred version's list: warned below
              const json = Buffer.from(stringify(withTypeMeta(object, apiVersionOf(ref), resource.kind)) ?? "", "utf8");
              const content = await context.content.putContent("item", json);
              itemVersions++;
              bytes += json.length;
              (indexed.contents ??= [])[versionIndex] = content;
              if (versionIndex === 0 && index.isPreferred(item, indexed)) itemsDone++;
              context.onProgress?.(itemsDone, bytes);
            }
          }
        }
      } catch (err) {
        if (endsBackup(err, context.signal)) throw err;
        if (versionIndex === 0) unreadable.add(resourceKey(resource));
        context.report.error(`cannot list ${qualifiedName(resource)} in ${apiVersionOf(ref)}: ${(err as Error).message}`, { resource: qualifiedName(resource) });
      }
    }
  });
  warnAboutDeleted(index, unreadable, context.report);
  const rank = rankByPreferredGroup(context.resources);
  return { items: () => storedItems(index, byKey, rank), itemVersions, bytes };
}

/** Warns about each object none of whose entries was stored, unless its resource could not be listed (its error says why). */
function warnAboutDeleted(index: ItemIndex, unreadable: ReadonlySet<string>, report: BackupReport): void {
  // An object whose preferred resource lost it may still be stored under another group.
  const storedElsewhere = new Set<string>();
  for (const entry of index.entries({ sorted: false })) if (!entry.isPreferred && entry.contents?.[0] !== undefined) storedElsewhere.add(entry.uid);
  // In the index's order, so the warnings read the same in every run.
  for (const entry of index.entries()) {
    if (!entry.isPreferred || unreadable.has(resourceKey(entry))) continue;
    if (entry.contents?.[0] === undefined && !storedElsewhere.has(entry.uid)) {
      report.warn("the item was deleted while the backup ran; it is not in the backup", { resource: qualifiedName(entry), namespace: entry.namespace, name: entry.name });
    }
  }
}

/**
 * The stored items in the index's order. Objects several resources hold (the same UID) are
 * merged first, in memory: they are few (Ingresses on 1.14-1.21, Events). Each merged item is
 * given at the place of the entry it is shown under.
 */
function* storedItems(index: ItemIndex, resources: ReadonlyMap<string, BackupResource>, rank: ResourceRank): Iterable<BackupItem> {
  const aliased = new Map<string, ServedItem[]>();
  for (const entry of index.entries({ sorted: false })) if (!entry.isPreferred) aliased.set(entry.uid, []);
  if (aliased.size > 0) {
    for (const entry of index.entries({ sorted: false })) {
      const served = aliased.has(entry.uid) ? servedItem(entry, resources) : undefined;
      if (served) aliased.get(entry.uid)!.push(served);
    }
  }
  const merged = new Map<string, BackupItem>();
  for (const [uid, served] of aliased) if (served.length > 0) merged.set(uid, mergeAliases(served, rank)[0]!);
  for (const entry of index.entries()) {
    const item = entry.uid === "" ? undefined : merged.get(entry.uid);
    if (item) {
      if (item.group === entry.group && item.resource === entry.resource) yield item;
      continue;
    }
    const served = servedItem(entry, resources);
    if (served) yield mergeAliases([served], rank)[0]!;
  }
}

/** The item of one entry as serialize stored it, or undefined when its preferred version was not stored. */
function servedItem(entry: ListedEntry, resources: ReadonlyMap<string, BackupResource>): ServedItem | undefined {
  const resource = resources.get(resourceKey(entry));
  const own = entry.contents?.[0];
  if (!resource || own === undefined) return undefined;
  const versions = entry.contents!.flatMap((content, i) => (content === undefined ? [] : [{ version: resource.versions[i]!, content }]));
  const { group, namespace, name, uid } = entry;
  return { group, version: resource.versions[0]!, resource: resource.resource, kind: resource.kind, namespace, name, content: own, versions, uid };
}

/** A listed item carries no apiVersion and kind (the list does); the stored JSON says what it is. */
function withTypeMeta(object: KubeObject, apiVersion: string, kind: string): KubeObject {
  return { ...object, apiVersion, kind };
}
