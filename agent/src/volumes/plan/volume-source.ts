// What kind of volume a pod volume is, and what that means for its data, as a user of Velero's
// file-system backup expects: claims are copied, emptyDirs only when the pod opts them in, and
// volumes whose data comes from API objects or belongs to the node are skipped with the reason.

type Json = Record<string, unknown>;

export type VolumeSourceKind =
  | { kind: "claim"; claimName: string }
  | { kind: "emptyDir" }
  | { kind: "skip"; reason: string };

const FROM_API_OBJECTS: Record<string, string> = {
  configMap: "configMap volume: its data is the ConfigMap, which the backup holds as an API object",
  secret: "secret volume: its data is the Secret, which the backup holds as an API object",
  projected: "projected volume: its data is made from API objects and tokens the target cluster makes again",
  downwardAPI: "downwardAPI volume: its data is the pod's own fields",
};

export function volumeSourceOf(volume: Json): VolumeSourceKind {
  const claim = volume.persistentVolumeClaim as Json | undefined;
  if (claim && typeof claim.claimName === "string") return { kind: "claim", claimName: claim.claimName };
  if (volume.emptyDir) return { kind: "emptyDir" };
  if (volume.hostPath) return { kind: "skip", reason: "hostPath volume: its data belongs to the node, not the pod" };
  for (const [key, reason] of Object.entries(FROM_API_OBJECTS)) if (volume[key]) return { kind: "skip", reason };
  const type = Object.keys(volume).find((key) => key !== "name") ?? "unknown";
  return { kind: "skip", reason: `${type} volume: not backed up (only claims and opted-in emptyDirs are copied)` };
}

/** In-tree PV sources and the plugin (kubelet's directory name with "~" for "/") that serves them. */
const IN_TREE_PLUGINS: Record<string, string> = {
  awsElasticBlockStore: "kubernetes.io/aws-ebs",
  gcePersistentDisk: "kubernetes.io/gce-pd",
  azureDisk: "kubernetes.io/azure-disk",
  azureFile: "kubernetes.io/azure-file",
  cinder: "kubernetes.io/cinder",
  nfs: "kubernetes.io/nfs",
  local: "kubernetes.io/local-volume",
  hostPath: "kubernetes.io/host-path",
};

/** The CSI driver or in-tree plugin of a PersistentVolume ("" when unknown). */
export function driverOf(pv: Json | undefined): { driver: string; csi: boolean } {
  const spec = (pv?.spec as Json | undefined) ?? {};
  const csi = spec.csi as Json | undefined;
  if (csi && typeof csi.driver === "string") return { driver: csi.driver, csi: true };
  for (const [key, plugin] of Object.entries(IN_TREE_PLUGINS)) if (spec[key]) return { driver: plugin, csi: false };
  return { driver: "", csi: false };
}
