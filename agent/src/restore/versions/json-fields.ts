// Reading a Kubernetes object's JSON without trusting its shape: a field that is not what a
// conversion expects is left as it is for the API server to judge.

export type JsonRecord = Record<string, unknown>;

/** `value` when it is a JSON object (not null, not an array). */
export function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

/** `value` when it is an array. */
export function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** `parent[key]` as an object, created empty when absent. */
export function childRecord(parent: JsonRecord, key: string): JsonRecord {
  const existing = asRecord(parent[key]);
  if (existing) return existing;
  const created: JsonRecord = {};
  parent[key] = created;
  return created;
}

export function defaultField(parent: JsonRecord, key: string, value: unknown): void {
  if (parent[key] === undefined || parent[key] === null) parent[key] = value;
}
