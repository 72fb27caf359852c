import { randomBytes, randomUUID } from "node:crypto";
import type { JsonObject, KubeObject } from "../api-types.js";

/** RFC 3339 at second precision, as metav1.Time marshals. */
export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function newUid(): string {
  return randomUUID();
}

// The alphabet and length of apiserver's SimpleNameGenerator (storage/names/generate.go):
// no vowels, so generated names never spell words.
const nameAlphabet = "bcdfghjklmnpqrstvwxz2456789";
export function generateNameSuffix(): string {
  const bytes = randomBytes(5);
  return [...bytes].map((b) => nameAlphabet[b % nameAlphabet.length]).join("");
}

export function nameOf(obj: KubeObject): string {
  return obj.metadata.name ?? "";
}

export function namespaceOf(obj: KubeObject): string {
  return obj.metadata.namespace ?? "";
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Everything but metadata and status: a change here bumps metadata.generation. */
export function specPart(obj: JsonObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
