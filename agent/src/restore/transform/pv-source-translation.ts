import type { TranslatablePvSource } from "@lifeboat/shared/restore";
import type { KubeObject } from "../types.js";

/** A PV's spec.csi. */
export interface CsiSource {
  driver: string;
  volumeHandle: string;
  fsType?: string;
  readOnly?: boolean;
  volumeAttributes?: Record<string, string>;
  nodePublishSecretRef?: { name: string; namespace: string };
}

type Source = Record<string, any>;

// Zone labels a PV of a zonal disk carries (the GA one since 1.17, the beta one before).
const ZONE_LABELS = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];
const PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";

// How each source names its volume, following the in-tree-to-CSI translations of CSI migration
// (k8s.io/csi-translation-lib) where they exist.
const HANDLES: Record<TranslatablePvSource, (source: Source, pv: KubeObject) => Omit<CsiSource, "driver">> = {
  // "aws://us-east-1a/vol-0abc" -> "vol-0abc": the EBS CSI driver takes the bare volume id.
  awsElasticBlockStore: (s) => ({ volumeHandle: String(s.volumeID ?? "").replace(/^aws:\/\/[^/]*\//, ""), ...common(s) }),
  // The PD CSI driver takes "projects/<p>/zones/<z>/disks/<name>"; the project is not in the PV.
  gcePersistentDisk: (s, pv) => ({ volumeHandle: `projects/UNSPECIFIED/zones/${zoneOf(pv)}/disks/${s.pdName ?? ""}`, ...common(s) }),
  azureDisk: (s) => ({ volumeHandle: String(s.diskURI ?? ""), ...common(s) }),
  azureFile: (s, pv) => ({
    volumeHandle: String(s.shareName ?? ""),
    readOnly: s.readOnly,
    volumeAttributes: { shareName: String(s.shareName ?? "") },
    ...(s.secretName ? { nodePublishSecretRef: { name: String(s.secretName), namespace: String(s.secretNamespace ?? claimNamespaceOf(pv)) } } : {}),
  }),
  cinder: (s) => ({ volumeHandle: String(s.volumeID ?? ""), ...common(s) }),
  vsphereVolume: (s) => ({ volumeHandle: String(s.volumePath ?? ""), ...common(s) }),
  // FlexVolume drivers name the volume in their options; the PV name is the fallback handle.
  flexVolume: (s, pv) => ({
    volumeHandle: String(s.options?.volumeID ?? s.options?.volumeId ?? s.options?.volumeName ?? pv.metadata.name ?? ""),
    ...common(s),
    ...(s.options ? { volumeAttributes: Object.fromEntries(Object.entries(s.options as Record<string, unknown>).map(([k, v]) => [k, String(v)])) } : {}),
  }),
  // csi-driver-nfs: handle "<server>#<share>", attributes server and share.
  nfs: (s) => ({ volumeHandle: `${s.server ?? ""}#${s.path ?? ""}`, readOnly: s.readOnly, volumeAttributes: { server: String(s.server ?? ""), share: String(s.path ?? "") } }),
};

/**
 * Turns a PersistentVolume whose source is in `mapping` into a CSI PV of the mapped driver:
 * spec.csi takes the volume's id, fsType and readOnly, the in-tree field is removed, and a
 * provisioned-by annotation names the CSI driver so the target deletes the volume through it.
 * Other objects and unmapped sources are left alone. Changes `draft`.
 */
export function translatePvSource(draft: KubeObject, mapping: ReadonlyMap<string, string>): void {
  if (draft.kind !== "PersistentVolume" || mapping.size === 0) return;
  const spec = draft.spec as Record<string, unknown> | undefined;
  if (!spec) return;
  for (const [field, driver] of mapping) {
    const source = spec[field];
    if (typeof source !== "object" || source === null) continue;
    const csi = { driver, ...HANDLES[field as TranslatablePvSource]((source as Source), draft) };
    delete spec[field];
    spec.csi = withoutUndefined(csi);
    if (draft.metadata.annotations?.[PROVISIONED_BY] !== undefined) draft.metadata.annotations[PROVISIONED_BY] = driver;
    return;
  }
}

function common(s: Source): { fsType?: string; readOnly?: boolean } {
  return { fsType: s.fsType, readOnly: s.readOnly };
}

function zoneOf(pv: KubeObject): string {
  for (const label of ZONE_LABELS) {
    const zone = pv.metadata.labels?.[label];
    if (zone) return zone;
  }
  return "UNSPECIFIED";
}

function claimNamespaceOf(pv: KubeObject): string {
  return ((pv.spec as { claimRef?: { namespace?: string } } | undefined)?.claimRef?.namespace) || "default";
}

function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}
