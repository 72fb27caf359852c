import type { JsonValue } from "../api-types.js";
import { StatusError, badRequest, invalid } from "../http/status-error.js";

/**
 * Errors of strategic merge patch, worded as k8s.io/apimachinery/pkg/util/mergepatch
 * words them and classified as the apiserver's interpretStrategicMergePatchError does
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go): the "bad patch
 * format" family is a 400; anything else reaches the client as a plain error, which
 * the apiserver turns into a 500 carrying the raw message.
 */

export const errBadPatchFormatForPrimitiveList = (): StatusError =>
  badRequest("invalid patch format of primitive list");
export const errBadPatchFormatForRetainKeys = (): StatusError => badRequest("invalid patch format of retainKeys");
export const errBadPatchFormatForSetElementOrderList = (): StatusError =>
  badRequest("invalid patch format of setElementOrder list");

/** A non-status error as the apiserver reports it: 500 and the bare message. */
export function plainError(message: string): StatusError {
  return new StatusError(500, "InternalError", message);
}

export const errNoMergeKey = (m: JsonValue, key: string): StatusError =>
  plainError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);

export const errBadPatchType = (directive: JsonValue, m: JsonValue): StatusError =>
  plainError(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(m)}`);

/**
 * Go's `%v` rendering of decoded JSON, so messages that embed the offending map
 * read as the real server's do: `map[name:nginx $patch:bogus]` with sorted keys.
 */
export function goFormat(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goFormat).join(" ")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(value[k])}`).join(" ")}]`;
  }
  return String(value);
}

/**
 * The apiserver's answer when a patch cannot be applied (a JSON patch op fails, a
 * strategic patch nests lists): NewGenericServerResponse(422, ...), whose message is
 * fixed and drops the underlying error. The detail goes into a cause so the
 * emulator's callers and logs can still see what went wrong.
 */
export function rejectedPatch(detail: string, field?: string): StatusError {
  return new StatusError(422, "Invalid", "the server rejected our request due to an error in our request", {
    causes: [{ message: detail, ...(field === undefined ? {} : { field }) }],
  });
}

/**
 * A patch whose result is not an object cannot be decoded back into one: the
 * apiserver reports field "patch" Invalid with an empty kind and name.
 */
export function patchResultNotObject(result: JsonValue): StatusError {
  const detail = `json: cannot unmarshal ${goJsonType(result)} into Go value of type map[string]interface {}`;
  return invalid("", "", "", [
    { reason: "FieldValueInvalid", field: "patch", message: `Invalid value: ${JSON.stringify(JSON.stringify(result))}: ${detail}` },
  ]);
}

/** The JSON type name encoding/json uses in "cannot unmarshal X into ..." messages. */
export function goJsonType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "object") return "object";
  if (typeof value === "boolean") return "bool";
  return typeof value === "number" ? "number" : "string";
}
