import { chmod, mkdir, symlink } from "node:fs/promises";
import { dirname } from "node:path";
import type { JsonObject, KubeObject } from "../api-types.js";
import { writeAtomically } from "./atomic-writer.js";
import { contentsDigest, volumeContents, type VolumeFile } from "./volume-contents.js";
import { persistentVolumeDir, podVolumeDir } from "./volume-layout.js";

/**
 * The kubelet's volume manager for one pod: what each volume needs before the containers
 * can start (a source object, a bound claim), and laying the volumes out under the node's
 * kubelet root at the paths volume-layout.ts names.
 */

export type VolumeLayout =
  | { kind: "empty-dir"; path: string }
  | { kind: "files"; volume: string; path: string; files: VolumeFile[]; digest: string }
  /** A claim's volume: the pod's mount point links to the PersistentVolume's directory. */
  | { kind: "claim"; path: string; target: string };

export interface VolumePlan {
  layouts: VolumeLayout[];
  /** FailedMount messages: a required source or key is missing. */
  errors: string[];
  /** A claim is missing or not Bound yet; the kubelet waits without an event. */
  waiting: boolean;
  /** Objects the pod's volumes read, as "<storageKey>|<name>" in its namespace: a change to one is worth another look. */
  sources: string[];
}

export interface PlanLookup {
  get(storageKey: string, namespace: string, name: string): KubeObject | undefined;
}

const asObject = (v: unknown): JsonObject => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {});
const asObjects = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.map(asObject) : []);

/** The ConfigMaps and Secrets a volume reads, directly or through a projection. */
function sourcesOf(volume: JsonObject): string[] {
  const out: string[] = [];
  const add = (cm: unknown, secret: unknown) => {
    if (cm) out.push(`/configmaps|${String(asObject(cm).name ?? "")}`);
    if (secret) out.push(`/secrets|${String(asObject(secret).secretName ?? asObject(secret).name ?? "")}`);
  };
  add(volume.configMap, volume.secret);
  for (const s of asObjects(asObject(volume.projected).sources)) add(s.configMap, s.secret);
  return out;
}

export function planVolumes(dataDir: string, pod: KubeObject, lookup: PlanLookup): VolumePlan {
  const spec = asObject(pod.spec);
  const nodeName = String(spec.nodeName ?? "");
  const uid = pod.metadata.uid ?? "";
  const namespace = pod.metadata.namespace ?? "";
  const plan: VolumePlan = { layouts: [], errors: [], waiting: false, sources: [] };
  const sourceLookup = {
    configMap: (name: string) => lookup.get("/configmaps", namespace, name),
    secret: (name: string) => lookup.get("/secrets", namespace, name),
  };
  for (const volume of asObjects(spec.volumes)) {
    const name = String(volume.name ?? "");
    const claimName = volume.persistentVolumeClaim
      ? String(asObject(volume.persistentVolumeClaim).claimName ?? "")
      : volume.ephemeral
        ? `${pod.metadata.name ?? ""}-${name}`
        : undefined;
    if (claimName !== undefined) {
      plan.sources.push(`/persistentvolumeclaims|${claimName}`);
      const claim = lookup.get("/persistentvolumeclaims", namespace, claimName);
      const volumeName = String(asObject(claim?.spec).volumeName ?? "");
      const pv = claim && asObject(claim.status).phase === "Bound" && volumeName ? lookup.get("/persistentvolumes", "", volumeName) : undefined;
      if (!pv) {
        plan.waiting = true;
        continue;
      }
      const path = podVolumeDir(dataDir, nodeName, uid, { name, persistentVolumeClaim: { claimName } }, pv);
      if (path) plan.layouts.push({ kind: "claim", path, target: persistentVolumeDir(dataDir, volumeName) });
      continue;
    }
    plan.sources.push(...sourcesOf(volume));
    if (volume.emptyDir) {
      const path = podVolumeDir(dataDir, nodeName, uid, volume);
      if (path) plan.layouts.push({ kind: "empty-dir", path });
      continue;
    }
    const contents = volumeContents(volume, pod, sourceLookup);
    if (!contents) continue;
    if ("error" in contents) {
      plan.errors.push(`MountVolume.SetUp failed for volume "${name}" : ${contents.error}`);
      continue;
    }
    const path = podVolumeDir(dataDir, nodeName, uid, volume);
    if (path) plan.layouts.push({ kind: "files", volume: name, path, files: contents.files, digest: contentsDigest(contents.files) });
  }
  return plan;
}

/** Lays out one volume; a claim's PersistentVolume directory is made if the provisioner has not. */
export async function layOut(layout: VolumeLayout): Promise<void> {
  switch (layout.kind) {
    case "empty-dir":
      await mkdir(layout.path, { recursive: true });
      // emptyDir volumes are world-writable (pkg/volume/emptydir: perm 0777).
      await chmod(layout.path, 0o777);
      return;
    case "files":
      await writeAtomically(layout.path, layout.files);
      return;
    case "claim":
      await mkdir(layout.target, { recursive: true });
      await mkdir(dirname(layout.path), { recursive: true });
      await symlink(layout.target, layout.path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "EEXIST") throw err;
      });
      return;
  }
}
