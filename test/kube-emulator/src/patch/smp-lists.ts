import type { JsonObject, JsonValue } from "../api-types.js";
import { errBadPatchType, errNoMergeKey, goFormat, plainError, rejectedPatch } from "./patch-errors.js";
import { isObject } from "./merge-patch.js";
import { elementPath, type ListStrategy } from "./patch-meta.js";
import { DIRECTIVE, fromPatch, mergeMap, type SmpContext } from "./strategic-merge-patch.js";

/**
 * List handling of strategic merge patch (strategicpatch.mergeSlice and the
 * ordering helpers of the "preserve order" design:
 * https://git.k8s.io/design-proposals-archive/cli/preserve-order-in-strategic-merge-patch.md).
 * Lists here are private copies; elements may be consumed.
 */

/** Identity of a list item for ordering: its merge key value, or the item itself for primitives. */
export type KeyOf = (item: JsonValue) => JsonValue | undefined;

export function mergeList(
  live: JsonValue[],
  patch: JsonValue[],
  path: string,
  strategy: ListStrategy | undefined,
  ctx: SmpContext,
): JsonValue[] {
  if (!strategy) return replaceList(patch, path, ctx);
  if (live.length === 0 && patch.length === 0) return live;
  if (elementKind(live, patch) === "scalar") return mergeScalars(live, patch);
  // Objects merging as a set have no identity to merge by; upstream errors, the emulator replaces.
  if (strategy.mergeKey === undefined) return replaceList(patch, path, ctx);
  return mergeObjects(live, patch as JsonObject[], strategy.mergeKey, path, ctx);
}

/** No strategy: the patch list is the new value, minus anything that is a directive. */
function replaceList(patch: JsonValue[], path: string, ctx: SmpContext): JsonValue[] {
  const out: JsonValue[] = [];
  for (const item of patch) {
    if (!isObject(item)) out.push(item);
    else if (!(DIRECTIVE in item)) out.push(mergeMap(undefined, item, elementPath(path), ctx));
  }
  return out;
}

/** A merged primitive list is an ordered set: live items, then new ones, deduplicated. */
function mergeScalars(live: JsonValue[], patch: JsonValue[]): JsonValue[] {
  const merged: JsonValue[] = [];
  for (const item of [...live, ...patch]) if (!merged.includes(item)) merged.push(item);
  const keyOf: KeyOf = (item) => item;
  const [patchItems, serverOnly] = partition(merged, patch, keyOf);
  return normalizeOrder(patchItems, serverOnly, patch, live, keyOf);
}

function mergeObjects(live: JsonValue[], patch: JsonObject[], key: string, path: string, ctx: SmpContext): JsonValue[] {
  let base = live;
  let replace = false;
  const items: JsonObject[] = [];
  for (const item of patch) {
    if (!(DIRECTIVE in item)) {
      items.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === "delete") {
      if (!(key in item)) throw errNoMergeKey(item, key);
      base = base.filter((x) => !(isObject(x) && key in x && x[key] === item[key]));
    } else if (directive === "replace") {
      replace = true; // the whole list becomes the patch's other items
    } else if (directive === "merge") {
      delete item[DIRECTIVE]; // the default, spelled out: merge the rest of the element, if any
      if (Object.keys(item).length > 0) items.push(item);
    } else {
      throw errBadPatchType(directive ?? null, item);
    }
  }
  const elemPath = elementPath(path);
  if (replace) return compact(items.map((item) => fromPatch(item, elemPath, ctx, undefined)));

  const merged = [...base];
  for (const item of items) {
    if (!(key in item)) throw errNoMergeKey(item, key);
    const at = merged.findIndex((x) => isObject(x) && key in x && x[key] === item[key]);
    if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, item, elemPath, ctx);
    else {
      const fresh = fromPatch(item, elemPath, ctx, undefined);
      if (fresh !== undefined) merged.push(fresh);
    }
  }
  const keyOf = keyFunction(key, merged);
  const [patchItems, serverOnly] = partition(merged, items, keyOf);
  return normalizeOrder(patchItems, serverOnly, items, base, keyOf);
}

function elementKind(live: JsonValue[], patch: JsonValue[]): "map" | "scalar" {
  let kind: "map" | "scalar" | undefined;
  for (const item of [...live, ...patch]) {
    if (Array.isArray(item)) throw rejectedPatch("lists of lists are not supported"); // ErrNoListOfLists: 422
    const k = isObject(item) ? "map" : "scalar";
    if (kind !== undefined && kind !== k) {
      throw plainError(`list element types are not identical: ${goFormat([live, patch])}`);
    }
    kind = k;
  }
  return kind ?? "scalar";
}

export function keyFunction(mergeKey: string | undefined, items: JsonValue[]): KeyOf {
  if (mergeKey === undefined || !items.some(isObject)) return (item) => item;
  return (item) => (isObject(item) ? item[mergeKey] : undefined);
}

/** Splits `items` into those `by` mentions (the patch's) and the rest (server-only). */
export function partition(items: JsonValue[], by: JsonValue[], keyOf: KeyOf): [JsonValue[], JsonValue[]] {
  const wanted = new Set(by.map(keyOf).filter((k) => k !== undefined));
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const item of items) {
    const k = keyOf(item);
    (k !== undefined && wanted.has(k) ? inPatch : serverOnly).push(item);
  }
  return [inPatch, serverOnly];
}

/**
 * strategicpatch.normalizeElementOrder: patch items in patch order, server-only
 * items in live order, then interleaved so that a server-only item stays in front
 * of the patch items that followed it in the live list. An item the live list
 * never had does not compare, so it goes before the remaining server-only items:
 * that is why a patch that adds an element puts it first.
 */
export function normalizeOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  keyOf: KeyOf,
): JsonValue[] {
  const left = sortBy(serverOnly, indexIn(serverOrder, keyOf));
  const right = sortBy(patchItems, indexIn(patchOrder, keyOf));
  const serverIndex = indexIn(serverOrder, keyOf);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++] as JsonValue);
    else if (j >= right.length) out.push(left[i++] as JsonValue);
    else {
      const li = serverIndex(left[i] as JsonValue);
      const ri = serverIndex(right[j] as JsonValue);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as JsonValue);
      else out.push(right[j++] as JsonValue);
    }
  }
  return out;
}

function indexIn(list: JsonValue[], keyOf: KeyOf): (item: JsonValue) => number {
  const positions = new Map<JsonValue, number>();
  list.forEach((item, i) => {
    const k = keyOf(item);
    if (k !== undefined && !positions.has(k)) positions.set(k, i);
  });
  return (item) => {
    const k = keyOf(item);
    return k === undefined ? -1 : (positions.get(k) ?? -1);
  };
}

/** Stable sort by position; items the order does not mention keep their relative order, last. */
function sortBy(items: JsonValue[], position: (item: JsonValue) => number): JsonValue[] {
  const known = items.filter((item) => position(item) >= 0).sort((a, b) => position(a) - position(b));
  return [...known, ...items.filter((item) => position(item) < 0)];
}

/**
 * strategicpatch.validatePatchWithSetOrderList: the patch list must follow the
 * `$setElementOrder` list (deletions aside).
 */
export function validateOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string | undefined): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = patchList.filter((item) => !(isObject(item) && DIRECTIVE in item));
  let p = 0;
  for (let o = 0; p < items.length && o < order.length; o++) {
    if (sameItem(items[p] as JsonValue, order[o] as JsonValue, mergeKey)) p++;
  }
  if (p < items.length) {
    throw plainError(
      `the order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(order)}`,
    );
  }
}

function sameItem(a: JsonValue, b: JsonValue, mergeKey: string | undefined): boolean {
  if (mergeKey === undefined) return a === b;
  if (!isObject(a) || !(mergeKey in a)) throw errNoMergeKey(a, mergeKey);
  if (!isObject(b) || !(mergeKey in b)) throw errNoMergeKey(b, mergeKey);
  return a[mergeKey] === b[mergeKey];
}

/**
 * The strategy a `$setElementOrder` list implies when the table has none: entries
 * that are single-key maps name the merge key; primitive entries mean a set.
 */
export function inferStrategy(order: JsonValue[]): ListStrategy | undefined {
  if (order.length === 0) return undefined;
  if (order.every((item) => !isObject(item) && !Array.isArray(item))) return {};
  const keys = new Set<string>();
  for (const item of order) {
    if (!isObject(item)) return undefined;
    const own = Object.keys(item);
    if (own.length !== 1) return undefined;
    keys.add(own[0] as string);
  }
  return keys.size === 1 ? { mergeKey: [...keys][0] as string } : undefined;
}

function compact(values: Array<JsonValue | undefined>): JsonValue[] {
  return values.filter((v): v is JsonValue => v !== undefined);
}
