import type { KubeObject } from "../types.js";

export interface SanitizeOptions {
  /** Keep Services' node ports as they were (--preserve-node-ports); else only those the user set. */
  preserveNodePorts: boolean;
  /** Whether the object with this uid in the source cluster is restored too (so a reference to it can be kept). */
  isRestored(sourceUid: string): boolean;
}

/** One sanitize rule: what it removes from which objects, so a source cluster's state does not leak into the target. */
export interface SanitizeRule {
  /** What the rule does, as the results and tests name it. */
  name: string;
  /** Edits `object` in place; sanitizeObject hands every rule its own copy of the stored object. */
  apply(object: KubeObject, options: SanitizeOptions): void;
}

/** Whether `object` is the core-group kind `kind` (not a custom resource of the same name). */
export function isCore(object: KubeObject, kind: string): boolean {
  return object.kind === kind && !object.apiVersion.includes("/");
}

/** `value` when it is a JSON object (not null, not an array). */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Deletes `keys` from the object's annotations, and the annotations when none are left. */
export function deleteAnnotations(object: KubeObject, keys: readonly string[]): void {
  const annotations = object.metadata.annotations;
  if (!annotations) return;
  for (const key of keys) delete annotations[key];
  if (Object.keys(annotations).length === 0) delete object.metadata.annotations;
}
