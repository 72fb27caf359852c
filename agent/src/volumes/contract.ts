// The contract between the cluster agent and the node agents: custom resources in the API server.
// The cluster agent plans the volume work and writes one VolumeBackup or VolumeRestore per volume,
// labelled with the node it must run on; the node agent of that node (a DaemonSet pod in a real
// cluster) picks it up, copies the data between the pod's volume directory and the repository,
// and reports progress and the result in the object's status. Node agents never talk to the hub:
// the API server is already the one thing both can reach, its RBAC authenticates them, and an
// object outlives a node agent's restart, so a half-done copy is seen and retried.

/** The API group of the data mover's objects; never backed up or restored. */
export const VOLUME_GROUP = "data.lifeboat.io";
export const VOLUME_VERSION = "v1alpha1";
/** Where the agents keep their objects (VolumeBackups, VolumeRestores, the repository Secret) by default. */
export const DEFAULT_AGENT_NAMESPACE = "lifeboat-system";

/** Labels on the data mover's objects. */
export const NODE_LABEL = "data.lifeboat.io/node";
export const BACKUP_ID_LABEL = "data.lifeboat.io/backup";
export const RESTORE_ID_LABEL = "data.lifeboat.io/restore";

/** The Secret key holding the task's RepositoryAccess as proto JSON (toJsonString(RepositoryAccessSchema, …)). */
export const REPOSITORY_SECRET_KEY = "repository";

export type VolumeTaskPhase = "" | "InProgress" | "Completed" | "Failed";

/** The pod whose volume directory holds (or receives) the data. */
export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

/** Where the data is on the node: <kubeletRoot>/pods/<pod.uid>/volumes/<plugin>/<dirName>[/mount for kubernetes.io~csi]. */
export interface VolumeLocation {
  node: string;
  pod: PodRef;
  /** The pod's volume name (spec.volumes[].name). */
  volume: string;
  /** The directory name under the plugin directory: the PV's name for a claim, else the volume's name. */
  dirName: string;
}

export interface VolumeBackupSpec extends VolumeLocation {
  backupId: string;
  /** The Secret (in the object's namespace) whose REPOSITORY_SECRET_KEY holds the repository access. */
  repositorySecret: string;
  /** The parent snapshot's tree: unchanged files reuse its content ids and are not read. */
  parentTree?: string;
  /** The parent's size: progress totals from it spare the node agent a walk that sizes the tree. */
  expected?: { bytes: number; files: number };
}

export interface VolumeRestoreSpec extends VolumeLocation {
  restoreId: string;
  repositorySecret: string;
  /** The tree to write into the volume. */
  tree: string;
}

export interface VolumeProgress {
  /** Known once the node agent has sized the tree (an lstat walk beside the copy). */
  bytesTotal?: number;
  filesTotal?: number;
  bytesDone: number;
  filesDone: number;
  /** ISO times. */
  startTime: string;
  updateTime: string;
}

export interface VolumeBackupResult {
  /** The root listing's content id. */
  tree: string;
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  /** Bytes read and chunked (changed files); the rest came from the parent unread. */
  readBytes: number;
  reusedFiles: number;
  reusedBytes: number;
}

export interface VolumeRestoreResult {
  files: number;
  bytes: number;
}

export interface VolumeTaskStatus<Result> {
  phase?: VolumeTaskPhase;
  /** The node agent process working on it; another one finding it InProgress takes it over. */
  nodeAgent?: string;
  attempt?: number;
  /** Failed: why. */
  message?: string;
  progress?: VolumeProgress;
  result?: Result;
}

export interface VolumeObject<Spec, Result> {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string>; uid?: string; resourceVersion?: string; creationTimestamp?: string };
  spec: Spec;
  status?: VolumeTaskStatus<Result>;
}

export type VolumeBackupObject = VolumeObject<VolumeBackupSpec, VolumeBackupResult>;
export type VolumeRestoreObject = VolumeObject<VolumeRestoreSpec, VolumeRestoreResult>;

/** How many times a node agent starts one copy before it marks it Failed. */
export const MAX_ATTEMPTS = 3;

export const VOLUME_RESOURCES = {
  backups: { group: VOLUME_GROUP, version: VOLUME_VERSION, resource: "volumebackups", kind: "VolumeBackup" },
  restores: { group: VOLUME_GROUP, version: VOLUME_VERSION, resource: "volumerestores", kind: "VolumeRestore" },
} as const;

/** The CRDs, created by the cluster agent when missing (a Helm chart installs them in a real cluster). */
export function volumeCrds(): Array<Record<string, unknown>> {
  return Object.values(VOLUME_RESOURCES).map(({ group, version, resource, kind }) => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${resource}.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names: { plural: resource, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      ],
    },
  }));
}
