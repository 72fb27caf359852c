/**
 * The PersistentVolume sources `pv_source_mapping` may translate to CSI: the in-tree volume
 * plugins that have CSI replacements (CSI migration, KEP-625), FlexVolume, and NFS (served by
 * the csi-driver-nfs driver). hostPath and local are not listed: they name a node's disk, which no
 * CSI driver in another cluster can reach.
 */
export const TRANSLATABLE_PV_SOURCES = [
  "awsElasticBlockStore",
  "gcePersistentDisk",
  "azureDisk",
  "azureFile",
  "cinder",
  "vsphereVolume",
  "flexVolume",
  "nfs",
] as const;

export type TranslatablePvSource = (typeof TRANSLATABLE_PV_SOURCES)[number];

export function isTranslatablePvSource(name: string): name is TranslatablePvSource {
  return (TRANSLATABLE_PV_SOURCES as readonly string[]).includes(name);
}
