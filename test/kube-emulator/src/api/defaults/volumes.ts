import type { JsonObject, JsonValue } from "../../api-types.js";

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
/** 0644: the file mode secret, configMap, downwardAPI and projected volumes default to. */
const defaultMode = 0o644;

/** SetDefaults_ObjectFieldSelector: a fieldRef names apiVersion v1 unless told otherwise. */
export function defaultFieldRef(holder: JsonObject): JsonObject {
  return isObject(holder.fieldRef) ? { ...holder, fieldRef: { apiVersion: "v1", ...holder.fieldRef } } : holder;
}

const withItems = (source: JsonObject): JsonObject =>
  Array.isArray(source.items) ? { ...source, items: source.items.map((i) => (isObject(i) ? defaultFieldRef(i) : i)) } : source;

/**
 * The volume source defaults of pkg/apis/core/v1/defaults.go: defaultMode 0644 on secret,
 * configMap, downwardAPI and projected volumes, a service account token projection of an
 * hour, fieldRef apiVersion v1, and hostPath type "" (HostPathUnset).
 */
export function defaultVolume(value: JsonValue): JsonValue {
  if (!isObject(value)) return value;
  const out: JsonObject = { ...value };
  for (const kind of ["secret", "configMap"]) if (isObject(out[kind])) out[kind] = { defaultMode, ...out[kind] };
  if (isObject(out.downwardAPI)) out.downwardAPI = withItems({ defaultMode, ...out.downwardAPI });
  if (isObject(out.hostPath)) out.hostPath = { type: "", ...out.hostPath };
  if (isObject(out.projected)) {
    const projected: JsonObject = { defaultMode, ...out.projected };
    if (Array.isArray(projected.sources)) {
      projected.sources = projected.sources.map((s) => {
        if (!isObject(s)) return s;
        if (isObject(s.downwardAPI)) return { ...s, downwardAPI: withItems(s.downwardAPI) };
        if (isObject(s.serviceAccountToken)) return { ...s, serviceAccountToken: { expirationSeconds: 3600, ...s.serviceAccountToken } };
        return s;
      });
    }
    out.projected = projected;
  }
  return out;
}
