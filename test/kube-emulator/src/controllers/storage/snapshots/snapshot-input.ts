import type { JsonObject, KubeObject } from "../../../api-types.js";
import { volumeCapacity } from "../claim-matching.js";
import { quantityBytes } from "../quantity.js";
import { claimsKey, volumesKey } from "../storage-names.js";
import { annDefaultSnapshotClass, snapshotClassesKey, snapshotGroup } from "./snapshot-names.js";

/**
 * What taking a dynamic snapshot needs (the snapshot-controller's getCreateSnapshotInput and
 * SetDefaultSnapshotClass): the claim's bound CSI volume and the class to use, or the error
 * the controller reports, worded as it words status.error and its Warning events. Pure over
 * a store lookup.
 */

export interface InputLookup {
  get(storageKey: string, namespace: string, name: string): KubeObject | undefined;
  list(storageKey: string): KubeObject[];
}

export interface SnapshotInput {
  volume: KubeObject;
  driver: string;
  volumeHandle: string;
  snapshotClass: KubeObject;
  /** Set when the snapshot named no class and the driver's default was chosen. */
  defaultedClass: boolean;
  /** The volume's capacity in bytes: what a restore needs at least. */
  restoreBytes: bigint;
}

export type InputResult = { ok: true; input: SnapshotInput } | { ok: false; reason: string; message: string };

const asObject = (v: unknown): JsonObject => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {});
/** Go's %q, for the ASCII messages quoted here. */
const goQuote = (text: string): string => JSON.stringify(text);

export function snapshotInput(snapshot: KubeObject, lookup: InputLookup): InputResult {
  const name = snapshot.metadata.name ?? "";
  const namespace = snapshot.metadata.namespace ?? "";
  const spec = asObject(snapshot.spec);
  const contentFailure = (err: string): InputResult => ({
    ok: false,
    reason: "SnapshotContentCreationFailed",
    message: `Failed to create snapshot content with error failed to get input parameters to create snapshot ${name}: ${goQuote(err)}`,
  });

  const claimName = asObject(spec.source).persistentVolumeClaimName;
  if (typeof claimName !== "string" || claimName === "") {
    return { ok: false, reason: "SnapshotValidationError", message: "Exactly one of PersistentVolumeClaimName and VolumeSnapshotContentName should be specified" };
  }
  const claim = lookup.get(claimsKey, namespace, claimName);
  if (!claim) return contentFailure(`failed to retrieve PVC ${claimName} from the lister: ${goQuote(`persistentvolumeclaim "${claimName}" not found`)}`);
  const volumeName = asObject(claim.spec).volumeName;
  if (asObject(claim.status).phase !== "Bound" || typeof volumeName !== "string" || volumeName === "") {
    return contentFailure(`the PVC ${claimName} is not yet bound to a PV, will not attempt to take a snapshot`);
  }
  const volume = lookup.get(volumesKey, "", volumeName);
  if (!volume) return contentFailure(`failed to retrieve PV ${volumeName} from the API server: ${goQuote(`persistentvolumes "${volumeName}" not found`)}`);
  const csi = asObject(asObject(volume.spec).csi);
  if (typeof csi.driver !== "string") return contentFailure(`snapshotting non-CSI volumes is not supported, snapshot:${namespace}/${name}`);
  const driver = csi.driver;

  let snapshotClass: KubeObject | undefined;
  const className = spec.volumeSnapshotClassName;
  if (typeof className === "string" && className !== "") {
    snapshotClass = lookup.get(snapshotClassesKey, "", className);
    if (!snapshotClass) return contentFailure(`volumesnapshotclass.${snapshotGroup} "${className}" not found`);
    if (snapshotClass.driver !== driver) return contentFailure(`volumesnapshotclass ${className} is of driver ${String(snapshotClass.driver)}, the volume's driver is ${driver}`);
  } else {
    const defaults = lookup.list(snapshotClassesKey).filter((c) => c.driver === driver && c.metadata.annotations?.[annDefaultSnapshotClass] === "true");
    if (defaults.length !== 1) {
      const err = defaults.length === 0 ? "cannot find default snapshot class" : `${defaults.length} default snapshot classes were found`;
      return { ok: false, reason: "SetDefaultSnapshotClassFailed", message: `Failed to set default snapshot class with error ${err}` };
    }
    snapshotClass = defaults[0]!;
  }
  return {
    ok: true,
    input: {
      volume,
      driver,
      volumeHandle: typeof csi.volumeHandle === "string" ? csi.volumeHandle : "",
      snapshotClass,
      defaultedClass: !(typeof className === "string" && className !== ""),
      restoreBytes: quantityBytes(volumeCapacity(volume) ?? "0") ?? 0n,
    },
  };
}
