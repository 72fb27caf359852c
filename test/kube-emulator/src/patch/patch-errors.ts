import type { JsonValue } from "../api-types.js";
import { StatusError, badRequest } from "../http/status-error.js";

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
