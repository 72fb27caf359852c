import type { KubeObject, ResourceInfo } from "../api-types.js";
import { invalid, type StatusCause } from "../http/status-error.js";
import { kindRules } from "./kind-rules.js";
import { checkDns1123Subdomain, checkLabelValue, checkQualifiedName } from "./names.js";

/** Metadata rules every object follows (apimachinery/pkg/api/validation/objectmeta.go). */
function validateMetadata(obj: KubeObject, nameIsLabel: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const meta = obj.metadata;
  const name = meta.name ?? "";
  if (!name) {
    causes.push({ reason: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name" });
  } else if (!nameIsLabel) {
    // Namespaces check their name as a DNS label instead (kind-rules), not as a subdomain too.
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
  const causes = [...validateMetadata(stored, info.storageKey === "/namespaces"), ...(kindRules[info.storageKey]?.(stored) ?? [])];
  if (causes.length > 0) throw invalid(info.group, info.kind, stored.metadata.name ?? "", causes);
}

const immutableSelector = new Set(["apps/deployments", "apps/replicasets", "apps/statefulsets", "apps/daemonsets"]);

/** Rules that compare an update with the stored object: apps/v1 workload selectors never change. */
export function validateUpdate(info: ResourceInfo, current: KubeObject, next: KubeObject): void {
  if (!immutableSelector.has(info.storageKey)) return;
  const before = JSON.stringify((current.spec as Record<string, unknown> | undefined)?.selector ?? null);
  const after = JSON.stringify((next.spec as Record<string, unknown> | undefined)?.selector ?? null);
  if (before !== after) {
    throw invalid(info.group, info.kind, next.metadata.name ?? "", [
      { reason: "FieldValueInvalid", field: "spec.selector", message: `Invalid value: ${after}: field is immutable` },
    ]);
  }
}
