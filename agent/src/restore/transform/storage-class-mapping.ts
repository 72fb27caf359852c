import type { KubeObject } from "../types.js";

// The storage class annotation that predates spec.storageClassName; still honoured by the PV controller.
const BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";

interface ClaimLike {
  metadata?: { annotations?: Record<string, string> };
  spec?: { storageClassName?: string | null };
}

/**
 * Whether a StorageClass named `name` is mapped away: the pipeline skips restoring such a class
 * when the target has its own, since the restored items now name the target's class.
 */
export function isMappedStorageClass(name: string, mapping: ReadonlyMap<string, string>): boolean {
  return mapping.has(name);
}

/**
 * Renames mapped storage classes in PVs and PVCs (spec.storageClassName and the beta annotation)
 * and in a StatefulSet's volume claim templates. An empty class ("" = no dynamic provisioning)
 * is left alone unless "" itself is mapped. Changes `draft`.
 */
export function mapStorageClasses(draft: KubeObject, mapping: ReadonlyMap<string, string>): void {
  if (mapping.size === 0) return;
  switch (draft.kind) {
    case "PersistentVolume":
    case "PersistentVolumeClaim":
      mapClaim(draft as ClaimLike, mapping);
      break;
    case "StatefulSet":
      for (const template of ((draft.spec as { volumeClaimTemplates?: ClaimLike[] } | undefined)?.volumeClaimTemplates ?? [])) mapClaim(template, mapping);
      break;
  }
}

function mapClaim(claim: ClaimLike, mapping: ReadonlyMap<string, string>): void {
  const current = claim.spec?.storageClassName;
  if (claim.spec && typeof current === "string" && mapping.has(current)) claim.spec.storageClassName = mapping.get(current)!;
  const annotations = claim.metadata?.annotations;
  const annotated = annotations?.[BETA_STORAGE_CLASS];
  if (annotations && annotated !== undefined && mapping.has(annotated)) annotations[BETA_STORAGE_CLASS] = mapping.get(annotated)!;
}
