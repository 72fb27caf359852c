import { join } from "node:path";
import type { JsonObject, KubeObject } from "../api-types.js";

/**
 * Where volume data lives under the emulator's data directory. Provisioned and static
 * PersistentVolumes keep their data in <dataDir>/volumes/<pv>, CSI snapshots theirs in
 * <dataDir>/snapshots/<snapshot handle>; each node has a kubelet
 * root <dataDir>/nodes/<node> laid out as the real kubelet's /var/lib/kubelet, so a
 * node-level agent finds a pod's volumes at the paths it would on a real node:
 *   nodes/<node>/pods/<pod-uid>/volumes/kubernetes.io~csi/<pv>/mount
 *   nodes/<node>/pods/<pod-uid>/volumes/kubernetes.io~aws-ebs/<pv>     (also ~gce-pd, ~local-volume)
 *   nodes/<node>/pods/<pod-uid>/volumes/kubernetes.io~empty-dir/<volume>
 *   nodes/<node>/pods/<pod-uid>/volumes/kubernetes.io~configmap/<volume>
 *   nodes/<node>/pods/<pod-uid>/volumes/kubernetes.io~secret/<volume>
 */

export function persistentVolumeDir(dataDir: string, pvName: string): string {
  return join(dataDir, "volumes", pvName);
}

/** A CSI snapshot's data: the point-in-time copy of its volume, named by the snapshot handle. */
export function snapshotDir(dataDir: string, snapshotHandle: string): string {
  return join(dataDir, "snapshots", snapshotHandle);
}

export function kubeletRoot(dataDir: string, nodeName: string): string {
  return join(dataDir, "nodes", nodeName);
}

export function podDir(dataDir: string, nodeName: string, podUid: string): string {
  return join(kubeletRoot(dataDir, nodeName), "pods", podUid);
}

/** The volume plugin directory name kubelet uses for a pod volume (a PVC's depends on its PV). */
export function pluginDirName(volume: JsonObject, pv?: KubeObject): string | undefined {
  if (volume.persistentVolumeClaim) {
    const spec = (pv?.spec as JsonObject | undefined) ?? {};
    if (spec.csi) return "kubernetes.io~csi";
    if (spec.awsElasticBlockStore) return "kubernetes.io~aws-ebs";
    if (spec.gcePersistentDisk) return "kubernetes.io~gce-pd";
    return "kubernetes.io~local-volume";
  }
  if (volume.emptyDir) return "kubernetes.io~empty-dir";
  if (volume.configMap) return "kubernetes.io~configmap";
  if (volume.secret) return "kubernetes.io~secret";
  if (volume.projected) return "kubernetes.io~projected";
  if (volume.downwardAPI) return "kubernetes.io~downward-api";
  return undefined;
}

/**
 * Where one pod volume appears on its node: for a PVC the directory named for its PV (with
 * the CSI plugin's trailing /mount; the in-tree plugins mount at the PV's directory
 * itself), otherwise the directory named for the volume.
 */
export function podVolumeDir(dataDir: string, nodeName: string, podUid: string, volume: JsonObject, pv?: KubeObject): string | undefined {
  const plugin = pluginDirName(volume, pv);
  if (!plugin) return undefined;
  const base = join(podDir(dataDir, nodeName, podUid), "volumes", plugin);
  if (volume.persistentVolumeClaim) {
    if (!pv?.metadata.name) return undefined;
    return plugin === "kubernetes.io~csi" ? join(base, pv.metadata.name, "mount") : join(base, pv.metadata.name);
  }
  return join(base, String(volume.name));
}

export interface ContainerMount {
  mountPath: string;
  /** The directory on the emulator's host that backs the mount. */
  hostPath: string;
  readOnly: boolean;
  subPath?: string;
}

/**
 * The mounts of one container of a scheduled pod, resolved to host directories.
 * `pvOfClaim` names the PV bound to a claim in the pod's namespace, if any; volumes with
 * no directory (hostPath, unbound claims, unknown plugins) are left out.
 */
export function containerMounts(
  dataDir: string,
  pod: KubeObject,
  containerName: string,
  pvOfClaim: (claimName: string) => KubeObject | undefined,
): ContainerMount[] {
  const spec = (pod.spec as JsonObject | undefined) ?? {};
  const nodeName = typeof spec.nodeName === "string" ? spec.nodeName : undefined;
  const uid = pod.metadata.uid;
  if (!nodeName || !uid) return [];
  const containers = [...asObjects(spec.containers), ...asObjects(spec.initContainers), ...asObjects(spec.ephemeralContainers)];
  const container = containers.find((c) => c.name === containerName);
  if (!container) return [];
  const volumes = new Map(asObjects(spec.volumes).map((v) => [String(v.name), v]));
  const mounts: ContainerMount[] = [];
  for (const m of asObjects(container.volumeMounts)) {
    const volume = volumes.get(String(m.name));
    if (!volume) continue;
    const claim = (volume.persistentVolumeClaim as JsonObject | undefined)?.claimName;
    const pv = typeof claim === "string" ? pvOfClaim(claim) : undefined;
    const dir = podVolumeDir(dataDir, nodeName, uid, volume, pv);
    if (!dir) continue;
    const subPath = typeof m.subPath === "string" && m.subPath !== "" ? m.subPath : undefined;
    mounts.push({ mountPath: String(m.mountPath), hostPath: subPath ? join(dir, subPath) : dir, readOnly: m.readOnly === true, ...(subPath ? { subPath } : {}) });
  }
  return mounts;
}

function asObjects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter((v): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v)) : [];
}
