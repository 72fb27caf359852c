import type { JsonObject } from "../api-types.js";
import { StatusError, badRequest } from "../http/status-error.js";
import { applyServerSideApply } from "./apply-patch.js";
import { applyJsonPatch } from "./json-patch.js";
import { applyMergePatchToObject, isObject } from "./merge-patch.js";
import { goJsonType } from "./patch-errors.js";
import { applyStrategicMergePatch } from "./strategic-merge-patch.js";

export { applyMergePatch, applyMergePatchToObject } from "./merge-patch.js";
export { applyJsonPatch } from "./json-patch.js";
export { applyStrategicMergePatch } from "./strategic-merge-patch.js";
export { applyServerSideApply } from "./apply-patch.js";
export { patchMetaFor, type ListStrategy, type PatchMeta } from "./patch-meta.js";

/** The patch Content-Type values (k8s.io/apimachinery/pkg/types/patch.go). */
export const JSON_PATCH = "application/json-patch+json";
export const MERGE_PATCH = "application/merge-patch+json";
export const STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
export const APPLY_PATCH = "application/apply-patch+yaml";

export interface PatchTarget {
  group: string;
  kind: string;
  /** Custom resources have no Go types, so the server offers no strategic merge patch for them. */
  isCustomResource?: boolean;
}

/**
 * The patch types a resource accepts, in the order the apiserver lists them in
 * its 415 message: the installer's supportedTypes for built-ins, the CRD
 * handler's (which leaves out strategic merge) for custom resources.
 */
export function supportedPatchTypes(isCustomResource = false): string[] {
  return isCustomResource
    ? [JSON_PATCH, MERGE_PATCH, APPLY_PATCH]
    : [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH];
}

/**
 * Applies a PATCH body to `original` according to its Content-Type. The header
 * may carry parameters (`; charset=utf-8`), which the apiserver ignores. For
 * apply patches the caller has already parsed the YAML or JSON text into `body`.
 * Inputs are never mutated.
 */
export function applyPatch(contentType: string, original: JsonObject, body: unknown, target: PatchTarget): JsonObject {
  const semicolon = contentType.indexOf(";");
  const mediaType = semicolon > 0 ? contentType.slice(0, semicolon) : contentType;
  const accepted = supportedPatchTypes(target.isCustomResource ?? false);
  if (!accepted.includes(mediaType)) throw unsupportedPatchType(accepted);

  switch (mediaType) {
    case JSON_PATCH:
      return applyJsonPatch(original, body);
    case MERGE_PATCH:
      return applyMergePatchToObject(original, body);
    case STRATEGIC_MERGE_PATCH:
      // The apiserver decodes the body into a map; `null` decodes to an empty one.
      if (body === null || body === undefined) return structuredClone(original);
      if (!isObject(body)) {
        throw badRequest(`json: cannot unmarshal ${goJsonType(body)} into Go value of type map[string]interface {}`);
      }
      return applyStrategicMergePatch(original, body, target);
    default:
      return applyServerSideApply(original, body, target);
  }
}

/** negotiation.NewUnsupportedMediaTypeError, as PatchResource answers an unsupported Content-Type. */
export function unsupportedPatchType(accepted: string[]): StatusError {
  return new StatusError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
  );
}
