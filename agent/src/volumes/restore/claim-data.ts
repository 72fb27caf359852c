// What the restore does for claims whose data the backup holds: their old volumes are skipped
// (they get new ones), their data goes in right after the tier that creates them, and a
// storage-class mapping onto a class the target lacks is refused before anything is applied.
import type { VolumeBackup } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import type { BackupItem } from "@lifeboat/shared/repo";
import type { ItemResult, PlannedItem } from "../../restore/types.js";
import { CORE, type KubeObjects } from "../kube-objects.js";
import type { VolumeRestorer } from "./restore-volumes.js";

const CLAIMS = "/persistentvolumeclaims";
const VOLUMES = "/persistentvolumes";

/** "namespace/claim" in the source for a claim item, "" for anything else. */
export function claimKeyOf(item: PlannedItem): string {
  return `${item.source.group}/${item.source.resource}` === CLAIMS ? `${item.source.namespace}/${item.source.name}` : "";
}

/** PersistentVolumes of claims whose data is restored: the claim gets a new volume instead. */
export function volumesReplacedByData(selected: readonly BackupItem[], withData: ReadonlyMap<string, VolumeBackup>): (item: BackupItem) => string | undefined {
  const replaced = new Map<string, VolumeBackup>();
  for (const item of selected) {
    const source = `${item.group}/${item.resource}` === CLAIMS ? withData.get(`${item.namespace}/${item.name}`) : undefined;
    if (source?.persistentVolume) replaced.set(source.persistentVolume, source);
  }
  return (item) => {
    const source = `${item.group}/${item.resource}` === VOLUMES ? replaced.get(item.name) : undefined;
    return source ? `claim ${source.namespace}/${source.claim} gets a newly provisioned volume and this volume's data from the backup (snapshot ${source.snapshotId.slice(0, 12)})` : undefined;
  };
}

/** After a tier: the data of the claims it created; claims it did not create keep what they have. */
export async function restoreClaimData(tierResults: readonly ItemResult[], withData: ReadonlyMap<string, VolumeBackup>, restorer: VolumeRestorer): Promise<void> {
  const claims = [];
  for (const result of tierResults) {
    const source = withData.get(claimKeyOf(result.item));
    if (!source) continue;
    const claim = { namespace: result.item.namespace, claim: result.item.name, source };
    if (result.outcome === "created") claims.push(claim);
    else if (result.outcome === "failed") restorer.notRestored(claim, "the claim was not restored");
    else restorer.notRestored(claim, `the claim existed in the target (${result.outcome}); its data was left as it is`);
  }
  await restorer.restore(claims);
}

/**
 * Refuses, before anything is applied, a storage-class mapping onto a class the target does not
 * have (and the restore does not bring): its claims would wait forever for a volume.
 */
export async function checkStorageClassMapping(mapping: ReadonlyMap<string, string>, selected: readonly BackupItem[], kube: KubeObjects, signal: AbortSignal): Promise<void> {
  if (mapping.size === 0) return;
  const restored = new Set(selected.filter((i) => i.group === "storage.k8s.io" && i.resource === "storageclasses").map((i) => i.name));
  const existing = new Set((await kube.list<{ metadata: { name: string } }>(CORE.storageClasses, "", undefined, signal)).map((c) => c.metadata.name));
  for (const [from, to] of mapping) {
    if (existing.has(to) || (restored.has(to) && !mapping.has(to))) continue;
    const field = "spec.storage_class_mapping";
    throw new LifeboatError(
      "INVALID_ARGUMENT",
      `${field} maps ${from} to ${to}, but the target cluster has no storage class ${to}; it has ${[...existing].sort().join(", ") || "none"}`,
      { field, value: `${from}:${to}` },
    );
  }
}
