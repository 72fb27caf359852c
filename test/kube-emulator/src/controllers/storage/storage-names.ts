/**
 * The names the storage machinery shares with upstream: annotations and finalizers from
 * k8s.io/component-helpers/storage/volume and pkg/volume/util, the storage keys it reads,
 * and the CSI driver the emulator's default StorageClasses provision with.
 */

/** The emulator's CSI driver: provisioned volumes are CSI volumes of this driver. */
export const hostpathDriver = "hostpath.csi.lifeboat.dev";

/**
 * The CSI drivers whose external provisioner the emulator plays: its own and the cloud ones
 * sample apps written for EKS, GKE or AKS name in their StorageClasses. All keep their data
 * the same way, in <dataDir>/volumes/<pv>.
 */
export const csiDrivers: ReadonlySet<string> = new Set([hostpathDriver, "ebs.csi.aws.com", "pd.csi.storage.gke.io", "disk.csi.azure.com"]);

/** The in-tree volume plugins that provision (those a 1.16 cluster on AWS or GCE has). */
export const awsEbsPlugin = "kubernetes.io/aws-ebs";
export const gcePdPlugin = "kubernetes.io/gce-pd";
export const inTreeProvisioners: ReadonlySet<string> = new Set([awsEbsPlugin, gcePdPlugin]);

export const annBindCompleted = "pv.kubernetes.io/bind-completed";
export const annBoundByController = "pv.kubernetes.io/bound-by-controller";
export const annDynamicallyProvisioned = "pv.kubernetes.io/provisioned-by";
export const annSelectedNode = "volume.kubernetes.io/selected-node";
export const annStorageProvisioner = "volume.kubernetes.io/storage-provisioner";
export const annBetaStorageProvisioner = "volume.beta.kubernetes.io/storage-provisioner";
/** The pre-1.6 way to name a class, still honoured ahead of spec.storageClassName. */
export const annBetaStorageClass = "volume.beta.kubernetes.io/storage-class";
export const annDefaultClass = "storageclass.kubernetes.io/is-default-class";
export const annBetaDefaultClass = "storageclass.beta.kubernetes.io/is-default-class";

export const pvcProtectionFinalizer = "kubernetes.io/pvc-protection";
export const pvProtectionFinalizer = "kubernetes.io/pv-protection";

/** A provisioner name that means "no dynamic provisioning" (local volumes). */
export const notSupportedProvisioner = "kubernetes.io/no-provisioner";

export const claimsKey = "/persistentvolumeclaims";
export const volumesKey = "/persistentvolumes";
export const classesKey = "storage.k8s.io/storageclasses";
export const csiDriversKey = "storage.k8s.io/csidrivers";
export const podsKey = "/pods";
export const nodesKey = "/nodes";
