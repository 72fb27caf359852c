// Marking: every content id reachable from the live records, following trees to their files
// and subtrees, and item index pages to their items. Shared by garbage collection (what to keep) and checks (what must exist).
import { isLifeboatError } from "../../errors/index.js";
import type { ContentId, ContentKind, ContentStore } from "../content/index.js";
import type { ManifestStore } from "../manifest/index.js";
import { itemPageContents, ITEM_PAGE_KIND, referencedRoots } from "../manifest/index.js";
import { decodeTreeListing } from "../object/index.js";

export interface MarkResult {
  live: Set<ContentId>;
  /** Referenced content that could not be read or is not indexed, with the reason. */
  unreadable: Map<ContentId, string>;
}

export interface MarkOptions {
  /** Ids already marked (a second pass over new records adds to the same set). */
  into?: MarkResult;
  progress?: (records: number, total: number, contents: number) => void;
}

/** Marks from `records`; throws only when a record itself cannot be read (losing its roots would lose data). */
export async function markFrom(content: ContentStore, manifests: ManifestStore, records: readonly string[], options: MarkOptions = {}): Promise<MarkResult> {
  const result = options.into ?? { live: new Set<ContentId>(), unreadable: new Map<ContentId, string>() };
  let done = 0;
  for (const name of records) {
    const roots = referencedRoots(name, await manifests.get(name)) as ContentId[];
    await walk(content, roots, result);
    done++;
    options.progress?.(done, records.length, result.live.size);
  }
  return result;
}

async function walk(content: ContentStore, roots: readonly ContentId[], result: MarkResult): Promise<void> {
  const parents: ContentId[] = [];
  const mark = (id: ContentId): void => {
    if (result.live.has(id)) return;
    result.live.add(id);
    const location = content.locate(id);
    if (!location && !content.has(id)) result.unreadable.set(id, "not in the index");
    else if (location && childrenOf[location.kind]) parents.push(id);
  };
  roots.forEach(mark);
  // Depth-first with an explicit stack: memory is the set plus the listings on the stack.
  while (parents.length > 0) {
    const id = parents.pop()!;
    let children: ContentId[];
    try {
      children = childrenOf[content.locate(id)!.kind]!(await content.getContent(id), id);
    } catch (err) {
      if (!isLifeboatError(err)) throw err;
      result.unreadable.set(id, err.message);
      continue;
    }
    children.forEach(mark);
  }
}

// The kinds of content that name other content, and how to read the names.
const childrenOf: Partial<Record<ContentKind, (bytes: Uint8Array, id: ContentId) => ContentId[]>> = {
  tree: (bytes) => decodeTreeListing(bytes).entries.flatMap((entry) => [...(entry.subtree ? [entry.subtree] : []), ...(entry.content ?? [])] as ContentId[]),
  [ITEM_PAGE_KIND]: (bytes, id) => itemPageContents(bytes, `item index page ${id}`),
};

/** Which of `records` reference any of `ids` (for naming the backups a damaged pack affects). */
export async function recordsReferencing(content: ContentStore, manifests: ManifestStore, records: readonly string[], ids: ReadonlySet<ContentId>): Promise<string[]> {
  const affected: string[] = [];
  for (const name of records) {
    const marked = await markFrom(content, manifests, [name]);
    if ([...ids].some((id) => marked.live.has(id))) affected.push(name);
  }
  return affected;
}
