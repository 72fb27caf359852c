import type { JsonObject, KubeObject } from "../../../api-types.js";
import { requestedStorage } from "../claim-matching.js";
import { quantityBytes } from "../quantity.js";
import { snapshotContentsKey, snapshotGroup, snapshotsKey } from "./snapshot-names.js";

/**
 * Where a claim's initial data comes from when its dataSource (or dataSourceRef) names a
 * VolumeSnapshot: the external-provisioner's getSnapshotSource, worded as it words its
 * ProvisioningFailed events. Pure over a store lookup.
 */

export interface SnapshotLookup {
  get(storageKey: string, namespace: string, name: string): KubeObject | undefined;
}

export type RestoreSource =
  | { kind: "none" }
  /** The snapshot is not ready yet: the claim stays Pending and is tried again. */
  | { kind: "waiting"; message: string }
  | { kind: "failed"; message: string }
  | { kind: "snapshot"; name: string; snapshotHandle: string };

const asObject = (v: unknown): JsonObject => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {});

/** The name of the VolumeSnapshot a claim is to be restored from, if it names one (dataSourceRef first, as upstream). */
export function snapshotNameOf(claim: KubeObject): string | undefined {
  const spec = asObject(claim.spec);
  for (const ref of [asObject(spec.dataSourceRef), asObject(spec.dataSource)]) {
    if (ref.kind === "VolumeSnapshot" && ref.apiGroup === snapshotGroup && typeof ref.name === "string") return ref.name;
  }
  return undefined;
}

export function resolveRestoreSource(claim: KubeObject, lookup: SnapshotLookup): RestoreSource {
  const name = snapshotNameOf(claim);
  if (name === undefined) return { kind: "none" };
  const namespace = claim.metadata.namespace ?? "";
  const prefix = `error getting handle for DataSource Type VolumeSnapshot by Name ${name}`;
  const snapshot = lookup.get(snapshotsKey, namespace, name);
  if (!snapshot) {
    return { kind: "failed", message: `${prefix}: error getting snapshot ${name} from api server: volumesnapshots.${snapshotGroup} "${name}" not found` };
  }
  const status = asObject(snapshot.status);
  const contentName = typeof status.boundVolumeSnapshotContentName === "string" ? status.boundVolumeSnapshotContentName : "";
  if (status.readyToUse !== true || contentName === "") return { kind: "waiting", message: `${prefix}: snapshot ${name} is not Ready` };
  const content = lookup.get(snapshotContentsKey, "", contentName);
  const contentStatus = asObject(content?.status);
  if (!content || typeof contentStatus.snapshotHandle !== "string") {
    return { kind: "waiting", message: `${prefix}: snapshot ${name} is not Ready` };
  }
  const ref = asObject(asObject(content.spec).volumeSnapshotRef);
  if (ref.uid !== snapshot.metadata.uid) {
    return { kind: "failed", message: `${prefix}: snapshotcontent ${contentName} for snapshot ${namespace}/${name} is bound to a different snapshot` };
  }
  const restoreSize = typeof contentStatus.restoreSize === "number" ? BigInt(contentStatus.restoreSize) : 0n;
  const requested = quantityBytes(requestedStorage(claim) ?? "0") ?? 0n;
  if (requested < restoreSize) {
    return { kind: "failed", message: `requested volume size ${requested} is less than the size ${restoreSize} for the source snapshot ${name}` };
  }
  return { kind: "snapshot", name, snapshotHandle: contentStatus.snapshotHandle };
}
