// A backup's item index, stored as content rather than inside its manifest: pages of items, each
// page cut where an item's own content id says. The same items in the same order give the same
// pages, so a second backup of an unchanged cluster stores no page anew and its manifest stays a
// few kilobytes; a changed item changes its own page (and at most the next), not the index.
import type { ContentId, ContentReader, ContentWriter } from "../object/content-access.js";
import { RecordChecker } from "./record-checks.js";
import type { BackupItem, BackupItemVersion } from "./records.js";

/** The content kind of an item index page; maintenance follows it to the items' contents. */
export const ITEM_PAGE_KIND = "items";

/** Where a manifest's items are: `pages` in order, `count` items in all. */
export interface ItemIndexRef {
  count: number;
  pages: ContentId[];
}

export interface ItemPaging {
  /** Items a page holds before a cut is considered, at most, and on average (a power of two). */
  minItems: number;
  maxItems: number;
  averageItems: number;
}

// About 256 items a page: 20-40 KiB of JSON before compression. Small enough that one changed
// item rewrites little, large enough that 100,000 items are a few hundred blobs.
export const DEFAULT_ITEM_PAGING: ItemPaging = { minItems: 32, maxItems: 2048, averageItems: 256 };

/**
 * Stores `items` (in the order given: callers sort them, so equal backups give equal pages) as
 * pages of content and returns where they are. A page ends after an item whose first content id,
 * read as a number, is a multiple of the average: content ids are uniform, so the cuts fall
 * evenly, and they move with the items, not with their positions.
 */
export async function writeItemIndex(content: ContentWriter, items: Iterable<BackupItem>, paging: ItemPaging = DEFAULT_ITEM_PAGING): Promise<ItemIndexRef> {
  const pages: ContentId[] = [];
  let page: string[] = [];
  let count = 0;
  const mask = paging.averageItems - 1;
  const flush = async (): Promise<void> => {
    if (page.length === 0) return;
    pages.push(await content.putContent(ITEM_PAGE_KIND, Buffer.from(`[${page.join(",")}]`, "utf8")));
    page = [];
  };
  for (const item of items) {
    page.push(JSON.stringify(encodeItem(item)));
    count++;
    const cut = (Number.parseInt(item.content.slice(0, 8), 16) & mask) === mask;
    if ((cut && page.length >= paging.minItems) || page.length >= paging.maxItems) await flush();
  }
  await flush();
  return { count, pages };
}

/** Every item of the index, page by page: one page in memory at a time. */
export async function* readItemIndex(content: ContentReader, ref: ItemIndexRef): AsyncGenerator<BackupItem> {
  for (const [i, id] of ref.pages.entries()) {
    yield* decodeItemPage(await content.getContent(id), `item index page ${i} (${id})`);
  }
}

/** Every item at once: for tools and tests that look at a whole backup; a restore reads page by page. */
export async function readAllItems(content: ContentReader, ref: ItemIndexRef): Promise<BackupItem[]> {
  const items: BackupItem[] = [];
  for await (const item of readItemIndex(content, ref)) items.push(item);
  return items;
}

/** The content ids the items of a page name, each once. */
export function itemPageContents(bytes: Uint8Array, where: string): ContentId[] {
  const ids = new Set<ContentId>();
  for (const item of decodeItemPage(bytes, where)) for (const id of itemContents(item)) ids.add(id);
  return [...ids];
}

/** Every content an item names: its own version's and every other served version's. */
export function itemContents(item: BackupItem): ContentId[] {
  return [item.content, ...(item.versions ?? []).map((v) => v.content)];
}

// A page is a JSON array of tuples, [group, resource, namespace, name, kind, versions], each
// version [version, content] or [version, content, group, resource] when another group serves it.
// The item's own version is the first; it is not written twice.
type EncodedVersion = [string, string] | [string, string, string, string];
type EncodedItem = [string, string, string, string, string, EncodedVersion[]];

function encodeItem(item: BackupItem): EncodedItem {
  const versions = item.versions?.length ? item.versions : [{ version: item.version, content: item.content }];
  return [
    item.group,
    item.resource,
    item.namespace,
    item.name,
    item.kind ?? "",
    versions.map((v): EncodedVersion => (v.group === undefined && v.resource === undefined ? [v.version, v.content] : [v.version, v.content, v.group ?? item.group, v.resource ?? item.resource])),
  ];
}

/** The items of one page; CORRUPT when the page is not one. */
export function decodeItemPage(bytes: Uint8Array, where: string): BackupItem[] {
  const check = new RecordChecker("CORRUPT", where);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8"));
  } catch {
    check.fail("(page)", undefined, "a JSON array of items");
  }
  return check.array(parsed, "(page)").map((value, i) => decodeItem(value, `[${i}]`, check));
}

function decodeItem(value: unknown, at: string, check: RecordChecker): BackupItem {
  const tuple = check.array(value, at);
  if (tuple.length !== 6) check.fail(at, value, "[group, resource, namespace, name, kind, versions]");
  const group = check.string(tuple[0], `${at}.group`, { empty: true });
  const resource = check.string(tuple[1], `${at}.resource`);
  const versions = check.array(tuple[5], `${at}.versions`).map((v, i) => decodeVersion(v, `${at}.versions[${i}]`, group, resource, check));
  const own = versions[0];
  if (!own || own.group !== undefined) check.fail(`${at}.versions`, tuple[5], "the item's own version first");
  const kind = check.string(tuple[4], `${at}.kind`, { empty: true });
  return {
    group,
    version: own.version,
    resource,
    namespace: check.string(tuple[2], `${at}.namespace`, { empty: true }),
    name: check.string(tuple[3], `${at}.name`),
    content: own.content,
    ...(kind ? { kind } : {}),
    versions,
  };
}

function decodeVersion(value: unknown, at: string, itemGroup: string, itemResource: string, check: RecordChecker): BackupItemVersion {
  const tuple = check.array(value, at);
  if (tuple.length !== 2 && tuple.length !== 4) check.fail(at, value, "[version, content] or [version, content, group, resource]");
  const version: BackupItemVersion = { version: check.string(tuple[0], `${at}.version`), content: check.contentId(tuple[1], `${at}.content`) };
  if (tuple.length === 4) {
    const group = check.string(tuple[2], `${at}.group`, { empty: true });
    const resource = check.string(tuple[3], `${at}.resource`);
    if (group !== itemGroup) version.group = group;
    if (resource !== itemResource) version.resource = resource;
    // [version, content, group, resource] naming the item's own resource says nothing the short form does not.
    if (version.group === undefined && version.resource === undefined) check.fail(at, value, "another group or resource than the item's");
  }
  return version;
}
