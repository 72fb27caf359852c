import type { JsonObject, JsonValue } from "../api-types.js";
import {
  errBadPatchFormatForPrimitiveList,
  errBadPatchFormatForRetainKeys,
  errBadPatchFormatForSetElementOrderList,
  errBadPatchType,
} from "./patch-errors.js";
import { isObject } from "./merge-patch.js";
import { childPath, patchMetaFor, type ListStrategy, type PatchMeta } from "./patch-meta.js";
import { inferStrategy, keyFunction, mergeList, normalizeOrder, partition, validateOrder } from "./smp-lists.js";

/**
 * Kubernetes strategic merge patch, the apply half of
 * k8s.io/apimachinery/pkg/util/strategicpatch (StrategicMergeMapPatch with
 * MergeParallelList and IgnoreUnmatchedNulls, as the apiserver calls it).
 *
 * Maps merge recursively and `null` deletes. Lists follow patch-meta.ts: merge by
 * key, merge as a set, or (the default) replace. Directives:
 *
 * - `$patch: replace` on a map replaces it; on a list element, replaces the list;
 * - `$patch: delete` on a map empties it (upstream returns `{}`, it does not drop the
 *   field); on a list element, deletes the live element with that merge key;
 * - `$patch: merge` is the default made explicit (upstream rejects it; accepted here);
 * - `$retainKeys: [...]` drops live keys that are not listed;
 * - `$deleteFromPrimitiveList/<field>: [...]` removes values from a primitive list;
 * - `$setElementOrder/<field>: [...]` fixes the order of a merged list (kubectl apply).
 *
 * Directives are consumed, never stored. Inputs are never mutated.
 */
export function applyStrategicMergePatch(
  original: JsonObject,
  patch: JsonObject,
  target: { group: string; kind: string },
): JsonObject {
  const ctx: SmpContext = { meta: patchMetaFor(target.group, target.kind) };
  return mergeMap(structuredClone(original), structuredClone(patch), "", ctx);
}

export interface SmpContext {
  meta: PatchMeta;
}

export const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER = "$setElementOrder";

/** Merges `patch` into `original`; both are private copies and may be consumed. */
export function mergeMap(original: JsonObject | undefined, patch: JsonObject, path: string, ctx: SmpContext): JsonObject {
  if (DIRECTIVE in patch) {
    const directive = patch[DIRECTIVE];
    delete patch[DIRECTIVE];
    if (directive === "delete") return {};
    // Replace: the patch is the new value; merging it into nothing still resolves its nested directives.
    if (directive === "replace") return mergeMap(undefined, patch, path, ctx);
    if (directive !== "merge") throw errBadPatchType(directive ?? null, { ...patch, [DIRECTIVE]: directive ?? null });
  }
  const out = original ?? {};
  applyRetainKeys(out, patch);
  applyElementOrders(out, patch, path, ctx);
  // Deletion lists run last so that they see the merged list, whatever order the patch's keys came in.
  const deletions: Array<[string, JsonValue]> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) deletions.push([key, value]);
    else mergeField(out, key, value, path, ctx);
  }
  for (const [key, value] of deletions) deleteFromPrimitiveList(out, key, value);
  return out;
}

function mergeField(out: JsonObject, key: string, value: JsonValue, path: string, ctx: SmpContext): void {
  const fieldPath = childPath(path, key);
  if (value === null) {
    delete out[key];
    return;
  }
  const current = out[key];
  if (isObject(current) && isObject(value)) out[key] = mergeMap(current, value, fieldPath, ctx);
  else if (Array.isArray(current) && Array.isArray(value)) {
    out[key] = mergeList(current, value, fieldPath, ctx.meta.list(fieldPath), ctx);
  } else {
    // A new field, or one whose type changed: the patch value wins, with its directives resolved.
    const fresh = fromPatch(value, fieldPath, ctx, ctx.meta.list(fieldPath));
    if (fresh === undefined) delete out[key];
    else out[key] = fresh;
  }
}

/**
 * A patch value with nothing live to merge into. Upstream (removeDirectives and
 * discardNullValuesFromPatch) drops maps carrying `$patch` and discards nulls;
 * merging into nothing does the same, except that `$patch: replace` keeps the
 * map's content, which is what the directive asks for.
 */
export function fromPatch(
  value: JsonValue,
  path: string,
  ctx: SmpContext,
  strategy: ListStrategy | undefined,
): JsonValue | undefined {
  if (isObject(value)) {
    const directive = value[DIRECTIVE];
    if (directive !== undefined && directive !== "replace" && directive !== "merge") return undefined;
    return mergeMap(undefined, value, path, ctx);
  }
  if (Array.isArray(value)) return mergeList([], value, path, strategy, ctx);
  return value;
}

/** `$retainKeys` (strategicpatch.applyRetainKeysDirective). */
function applyRetainKeys(out: JsonObject, patch: JsonObject): void {
  if (!(RETAIN_KEYS in patch)) return;
  const keys = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(keys)) throw errBadPatchFormatForRetainKeys();
  const retained = new Set(keys.filter((k): k is string => typeof k === "string"));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!retained.has(key)) throw errBadPatchFormatForRetainKeys();
  }
  for (const key of Object.keys(out)) if (!retained.has(key)) delete out[key];
}

/**
 * `$setElementOrder/<field>` (strategicpatch.mergePatchIntoOriginal): merge the
 * list, then order it by the directive, interleaving live-only items where they
 * were. kubectl sends it only for lists the server merges, so for a list the
 * table does not know, the directive's own shape tells the merge key.
 */
function applyElementOrders(out: JsonObject, patch: JsonObject, path: string, ctx: SmpContext): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    const field = fieldOfDirective(key, SET_ELEMENT_ORDER);
    if (!Array.isArray(order)) throw errBadPatchFormatForSetElementOrderList();
    const fieldPath = childPath(path, field);
    const strategy = ctx.meta.list(fieldPath) ?? inferStrategy(order);
    const live = out[field];
    const patched = patch[field];
    if (!strategy || patched === null || (live !== undefined && !Array.isArray(live))) continue;
    if (patched !== undefined && !Array.isArray(patched)) continue; // a type change: mergeField replaces it
    if (patched !== undefined) validateOrder(patched, order, strategy.mergeKey);

    const liveList = live ?? [];
    let merged: JsonValue[];
    if (patched !== undefined) merged = mergeList(liveList, patched, fieldPath, strategy, ctx);
    else if (live !== undefined) merged = liveList;
    else continue;
    const keyOf = keyFunction(strategy.mergeKey, merged);
    const [patchItems, serverOnly] = partition(merged, order, keyOf);
    out[field] = normalizeOrder(patchItems, serverOnly, order, liveList, keyOf);
    delete patch[field];
  }
}

/** `$deleteFromPrimitiveList/<field>`: drop the listed values from the live list. */
function deleteFromPrimitiveList(out: JsonObject, key: string, values: JsonValue): void {
  const field = fieldOfDirective(key, DELETE_FROM_PRIMITIVE_LIST);
  if (values === null) {
    delete out[field];
    return;
  }
  const live = out[field];
  if (!Array.isArray(live) || !Array.isArray(values)) return;
  out[field] = live.filter((item) => !values.includes(item));
}

/** "$setElementOrder/containers" → "containers" (strategicpatch.extractKey). */
function fieldOfDirective(key: string, prefix: string): string {
  const slash = key.indexOf("/");
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === SET_ELEMENT_ORDER ? errBadPatchFormatForSetElementOrderList() : errBadPatchFormatForPrimitiveList();
  }
  return key.slice(slash + 1);
}
