import type { KubeObject, ResourceInfo } from "../api-types.js";
import { invalid, type StatusCause } from "../http/status-error.js";
import { kindRules } from "./kind-rules.js";
import { checkDns1123Subdomain, checkLabelValue, checkQualifiedName } from "./names.js";

/** Metadata rules every object follows (apimachinery/pkg/api/validation/objectmeta.go). */
function validateMetadata(obj: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const meta = obj.metadata;
  const name = meta.name ?? "";
  if (!name) {
    causes.push({ reason: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name" });
  } else {
    const bad = checkDns1123Subdomain(name);
    if (bad) causes.push({ reason: "FieldValueInvalid", message: `Invalid value: "${name}": ${bad}`, field: "metadata.name" });
  }
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    const badKey = checkQualifiedName(key);
    if (badKey) causes.push({ reason: "FieldValueInvalid", message: `Invalid value: "${key}": ${badKey}`, field: "metadata.labels" });
    const badValue = typeof value === "string" ? checkLabelValue(value) : "must be a string";
    if (badValue) causes.push({ reason: "FieldValueInvalid", message: `Invalid value: "${String(value)}": ${badValue}`, field: "metadata.labels" });
  }
  for (const key of Object.keys(meta.annotations ?? {})) {
    const badKey = checkQualifiedName(key.toLowerCase());
    if (badKey) causes.push({ reason: "FieldValueInvalid", message: `Invalid value: "${key}": ${badKey}`, field: "metadata.annotations" });
  }
  return causes;
}

/**
 * Throws 422 Invalid naming every bad field, before anything is stored. `versioned` is
 * the object as the client sent it (its kind names the error), `stored` the storage form.
 */
export function validateObject(info: ResourceInfo, stored: KubeObject): void {
  const causes = [...validateMetadata(stored), ...(kindRules[info.storageKey]?.(stored) ?? [])];
  if (causes.length > 0) throw invalid(info.group, info.kind, stored.metadata.name ?? "", causes);
}
