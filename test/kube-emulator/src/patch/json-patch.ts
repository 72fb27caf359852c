import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import type { JsonObject, JsonValue } from "../api-types.js";
import { StatusError, badRequest } from "../http/status-error.js";
import { goJsonType, patchResultNotObject, rejectedPatch } from "./patch-errors.js";
import { isObject } from "./merge-patch.js";

/** maxJSONPatchOperations in staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go. */
const MAX_OPERATIONS = 10000;

const RFC6902_OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/**
 * JSON patch (RFC 6902) as the apiserver applies it (jsonPatcher.applyJSPatch):
 *
 * - the body must decode as a JSON array of objects, else 400 BadRequest with
 *   encoding/json's message (`jsonpatch.DecodePatch`);
 * - more than 10000 operations is 413 RequestEntityTooLarge;
 * - any operation that does not apply (failed `test`, missing path, unknown op)
 *   is 422 Invalid with the fixed message of NewGenericServerResponse. The real
 *   server drops the underlying error; the emulator keeps it, naming the
 *   operation and its path, in `details.causes`.
 *
 * Releases before 1.12 answered 500 for a failed operation; the emulator
 * follows current servers. Inputs are never mutated.
 */
export function applyJsonPatch(target: JsonObject, operations: unknown): JsonObject {
  // encoding/json decodes `null` into an empty slice: a no-op patch.
  if (operations === null || operations === undefined) return structuredClone(target);
  if (!Array.isArray(operations)) {
    throw badRequest(`json: cannot unmarshal ${goJsonType(operations)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of operations) {
    if (op !== null && !isObject(op)) {
      throw badRequest(`json: cannot unmarshal ${goJsonType(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (operations.length > MAX_OPERATIONS) {
    throw new StatusError(
      413,
      "RequestEntityTooLarge",
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${operations.length}`,
    );
  }

  // Values from the patch are inserted by reference; clone so the result never aliases the body.
  const ops = structuredClone(operations) as Array<JsonObject | null>;
  let doc: JsonValue = structuredClone(target);
  ops.forEach((op, index) => {
    doc = applyOne(doc, op, index);
  });
  if (!isObject(doc)) throw patchResultNotObject(doc);
  return doc;
}

function applyOne(doc: JsonValue, op: JsonObject | null, index: number): JsonValue {
  const kind = op === null ? "unknown" : String(op.op ?? "unknown");
  const path = typeof op?.path === "string" ? op.path : undefined;
  const fail = (detail: string): StatusError => rejectedPatch(`operation ${index} (${kind} ${path ?? "<no path>"}): ${detail}`, path);

  // evanphx/json-patch's wording for the failures it detects before touching the document.
  if (op === null || !RFC6902_OPS.has(kind)) throw fail(`Unexpected kind: ${kind}`);
  if (path === undefined) throw fail("operation missing path field");
  if ((kind === "move" || kind === "copy") && typeof op.from !== "string") throw fail("operation missing from field");
  if ((kind === "add" || kind === "replace" || kind === "test") && !("value" in op)) {
    throw fail("operation missing value field");
  }

  try {
    return jsonpatch.applyOperation(doc, op as unknown as Operation, true, true, true, index).newDocument as JsonValue;
  } catch (err) {
    if (err instanceof jsonpatch.JsonPatchError) throw fail(describe(err.name, kind, path, op.from));
    if (err instanceof TypeError) throw fail(err.message); // __proto__ and friends
    throw err;
  }
}

/** evanphx/json-patch v4's messages for the same failures, so logs read like the real server's. */
function describe(name: string, kind: string, path: string, from: JsonValue | undefined): string {
  switch (name) {
    case "TEST_OPERATION_FAILED":
      return `testing value ${path} failed: test failed`;
    case "OPERATION_PATH_UNRESOLVABLE":
    case "OPERATION_PATH_CANNOT_ADD":
      return kind === "replace"
        ? `replace operation does not apply: doc is missing key: ${path}: missing value`
        : `${kind} operation does not apply: doc is missing path: "${path}": missing value`;
    case "OPERATION_FROM_UNRESOLVABLE":
      return `${kind} operation does not apply: doc is missing from path: ${String(from)}: missing value`;
    case "OPERATION_PATH_ILLEGAL_ARRAY_INDEX":
    case "OPERATION_VALUE_OUT_OF_BOUNDS":
      return `Unable to access invalid index: ${path.slice(path.lastIndexOf("/") + 1)}: invalid index referenced`;
    case "OPERATION_PATH_INVALID":
      return `${kind} operation does not apply: invalid path: ${path}`;
    default:
      return `${kind} operation does not apply: ${name}`;
  }
}
