import type { JsonObject, JsonValue } from "../api-types.js";
import { badRequest } from "../http/status-error.js";
import { goJsonType } from "./patch-errors.js";
import { isObject } from "./merge-patch.js";
import { applyStrategicMergePatch } from "./strategic-merge-patch.js";

/**
 * Server-side apply (`application/apply-patch+yaml`), simplified.
 *
 * Real server-side apply tracks which field manager owns every field
 * (metadata.managedFields), removes fields a manager stops applying, and reports
 * conflicts when two managers set the same field (409, unless force=true). None
 * of that is modelled: field ownership, managedFields and conflicts do not exist
 * here. What remains is the visible effect of a first apply, or of an apply by
 * the only manager that touches those fields:
 *
 * - no live object: the applied configuration is the object;
 * - otherwise the applied configuration is merged onto the live object the way a
 *   strategic merge patch would merge it (maps recursively, keyed lists by key),
 *   so every field it sets wins and nothing it omits is removed.
 *
 * `null` values and patch directives in the applied configuration are ignored:
 * apply has no deletion syntax, and "nothing is removed" must hold.
 * Inputs are never mutated.
 */
export function applyServerSideApply(
  live: JsonObject | undefined,
  applied: unknown,
  target: { group: string; kind: string },
): JsonObject {
  if (!isObject(applied)) {
    // applyPatcher decodes the body into a map before anything else.
    throw badRequest(
      `error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${goJsonType(applied)} into Go value of type map[string]interface {}`,
    );
  }
  const config = sanitize(applied) as JsonObject;
  if (live === undefined) return config;
  return applyStrategicMergePatch(live, config, target);
}

const DIRECTIVE_KEYS = /^\$(patch|retainKeys)$|^\$(setElementOrder|deleteFromPrimitiveList)\//;

/** A copy without nulls and without strategic-merge directives. */
function sanitize(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(sanitize);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== null && !DIRECTIVE_KEYS.test(key)) out[key] = sanitize(member);
  }
  return out;
}
