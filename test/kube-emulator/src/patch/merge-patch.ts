import type { JsonObject, JsonValue } from "../api-types.js";
import { badRequest } from "../http/status-error.js";
import { patchResultNotObject } from "./patch-errors.js";

/**
 * JSON merge patch (RFC 7386): objects merge recursively, `null` deletes a key,
 * anything else (arrays included) replaces. Inputs are never mutated; the result
 * shares no structure with them.
 *
 * One refinement follows the library the apiserver uses (gopkg.in/evanphx/json-patch.v4,
 * mergeDocs/pruneNulls): a value that lands where nothing was merged into it has
 * its null members pruned, also inside objects held in arrays, so a patch can never
 * store an explicit `null` in an object.
 */
export function applyMergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return pruneNulls(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
      continue;
    }
    const current = result[key];
    result[key] = current === undefined ? pruneNulls(value) : applyMergePatch(current, value);
  }
  // Untouched members are still the caller's; copy them so the result is independent.
  for (const key of Object.keys(result)) if (!(key in patch)) result[key] = structuredClone(result[key] as JsonValue);
  return result;
}

/**
 * A merge patch as the PATCH verb applies it to a stored object. The apiserver
 * rejects a `null` or scalar body with evanphx's ErrBadJSONPatch ("Invalid JSON
 * Patch", a 400); an array body merges to an array, which then fails to decode
 * as an object (a 422).
 */
export function applyMergePatchToObject(original: JsonObject, body: unknown): JsonObject {
  if (body === null || body === undefined || typeof body !== "object") throw badRequest("Invalid JSON Patch");
  const result = applyMergePatch(original, body as JsonValue);
  if (!isObject(result)) throw patchResultNotObject(result);
  return result;
}

function pruneNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map((item) => (item === null ? null : pruneNulls(item)));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, member] of Object.entries(value)) if (member !== null) out[key] = pruneNulls(member);
  return out;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
