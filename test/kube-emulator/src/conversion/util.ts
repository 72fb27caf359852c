import type { JsonObject, JsonValue, KubeObject } from "../api-types.js";

/** The JSON object at `value`, or undefined for anything else (arrays, null, scalars). */
export function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}

export function asArray(value: JsonValue | undefined): JsonValue[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** `obj[key]` as an object, created (and stored) when absent. */
export function child(obj: JsonObject, key: string): JsonObject {
  const existing = asObject(obj[key]);
  if (existing) return existing;
  const created: JsonObject = {};
  obj[key] = created;
  return created;
}

/** Sets `obj[key]` unless `value` is undefined, in which case the key is removed. */
export function setOrDelete(obj: JsonObject, key: string, value: JsonValue | undefined): void {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
}

/**
 * Replaces key `from` by key `to` at the same position, mapping its value; other keys keep
 * their order (so converted objects serialize the way the real server lays them out).
 * A mapped value of undefined drops the key.
 */
export function renameKey(obj: JsonObject, from: string, to: string, map: (v: JsonValue) => JsonValue | undefined = (v) => v): JsonObject {
  if (!(from in obj)) return obj;
  const entries = Object.entries(obj);
  for (const k of Object.keys(obj)) delete obj[k];
  for (const [k, v] of entries) {
    if (k === from) {
      const mapped = map(v);
      if (mapped !== undefined) obj[to] = mapped;
    } else if (k !== to) {
      obj[k] = v;
    }
  }
  return obj;
}

/** A new object with only the given keys, in the given order, skipping absent ones. */
export function pick(source: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const k of keys) {
    const v = source[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Structural equality of JSON values; object key order does not matter. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

export function annotations(obj: KubeObject): Record<string, string> | undefined {
  return obj.metadata.annotations;
}

export function getAnnotation(obj: KubeObject, key: string): string | undefined {
  return obj.metadata.annotations?.[key];
}

export function setAnnotation(obj: KubeObject, key: string, value: string): void {
  const meta = obj.metadata;
  meta.annotations = { ...(meta.annotations ?? {}), [key]: value };
}

/** Removes an annotation, and the annotations map with it once empty (as an empty Go map would be omitted). */
export function deleteAnnotation(obj: KubeObject, key: string): void {
  const current = obj.metadata.annotations;
  if (!current || !(key in current)) return;
  const { [key]: _removed, ...rest } = current;
  if (Object.keys(rest).length === 0) delete obj.metadata.annotations;
  else obj.metadata.annotations = rest;
}

/** Parses annotation JSON the way upstream does: a malformed value is ignored. */
export function parseJsonAnnotation(value: string | undefined): JsonValue | undefined {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as JsonValue;
  } catch {
    return undefined;
  }
}

/** Rewrites the first letter of every object key, recursively (Go field names <-> JSON names). */
export function recaseKeys(value: JsonValue, recase: (key: string) => string): JsonValue {
  if (Array.isArray(value)) return value.map((v) => recaseKeys(v, recase));
  const obj = asObject(value);
  if (!obj) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) out[recase(k)] = recaseKeys(v, recase);
  return out;
}

export const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
export const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
