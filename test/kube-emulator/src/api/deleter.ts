import type { JsonObject, KubeObject } from "../api-types.js";
import type { ObjectStore } from "../store/index.js";
import { now } from "./object-meta.js";

export type PropagationPolicy = "Orphan" | "Background" | "Foreground";

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** Finalizers the garbage collector acts on (apimachinery/pkg/apis/meta/v1/types.go). */
export const orphanFinalizer = "orphan";
export const foregroundFinalizer = "foregroundDeletion";

/**
 * Deletion as the generic registry does it: an object with finalizers is only marked
 * (deletionTimestamp) and goes once its last finalizer is removed; Orphan and Foreground
 * propagation are finalizers the garbage collector honours.
 */
export class Deleter {
  constructor(private readonly store: ObjectStore) {}

  delete(storageKey: string, current: KubeObject, options: DeleteOptions): KubeObject {
    const finalizers = [...(current.metadata.finalizers ?? [])];
    const policy = options.propagationPolicy;
    if (policy === "Orphan" && !finalizers.includes(orphanFinalizer)) finalizers.push(orphanFinalizer);
    if (policy === "Foreground" && !finalizers.includes(foregroundFinalizer)) finalizers.push(foregroundFinalizer);
    if (finalizers.length === 0 && !hasSpecFinalizers(current)) {
      return this.store.delete(storageKey, current.metadata.namespace ?? "", current.metadata.name ?? "")!;
    }
    if (current.metadata.deletionTimestamp && finalizers.length === (current.metadata.finalizers ?? []).length) return current;
    const marked: KubeObject = {
      ...current,
      metadata: {
        ...current.metadata,
        deletionTimestamp: current.metadata.deletionTimestamp ?? now(),
        deletionGracePeriodSeconds: 0,
        finalizers,
      },
    };
    if (storageKey === "/namespaces") marked.status = { ...((current.status as JsonObject) ?? {}), phase: "Terminating" };
    return this.store.update(storageKey, marked);
  }

  /** Removes an object being deleted once nothing holds it any more. */
  finalizeIfDone(storageKey: string, obj: KubeObject): KubeObject {
    if (!obj.metadata.deletionTimestamp) return obj;
    if ((obj.metadata.finalizers?.length ?? 0) > 0 || hasSpecFinalizers(obj)) return obj;
    return this.store.delete(storageKey, obj.metadata.namespace ?? "", obj.metadata.name ?? "") ?? obj;
  }
}

/** Namespaces are also held by spec.finalizers ("kubernetes") until their content is gone. */
function hasSpecFinalizers(obj: KubeObject): boolean {
  if (obj.kind !== "Namespace") return false;
  const spec = obj.spec as JsonObject | undefined;
  return Array.isArray(spec?.finalizers) && spec.finalizers.length > 0;
}
