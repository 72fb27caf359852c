// The parent of each volume's copy: the same claim's newest snapshot in any earlier backup of the
// same cluster in the repository, so unchanged files are recognised from metadata and never read.
import { getBackupManifest, listBackups, type Repository } from "@lifeboat/shared/repo";
import pLimit from "p-limit";
import { completedVolumes } from "../manifest-volumes.js";
import { volumeKeyOf } from "../plan/plan-volumes.js";

type ManifestStore = Repository["manifests"];

/** A snapshot to start from: its tree and size. */
export interface ParentSnapshot {
  tree: string;
  bytes: number;
  files: number;
}

/** The snapshot to start from, by volume key ("namespace/claim"). */
export type ParentSnapshots = ReadonlyMap<string, ParentSnapshot>;

/**
 * Reads the manifests of the cluster's backups (by its fingerprint) and returns each volume key's
 * newest completed snapshot tree. A manifest that cannot be read is passed over: a parent only
 * saves reading, never changes what is stored.
 */
export async function findParentSnapshots(manifests: ManifestStore, clusterFingerprint: string, keys: ReadonlySet<string>, excludeBackupId: string): Promise<ParentSnapshots> {
  const parents = new Map<string, ParentSnapshot & { completed: string }>();
  if (keys.size === 0 || !clusterFingerprint) return new Map();
  const ids = (await listBackups(manifests)).filter((id) => id !== excludeBackupId);
  const limit = pLimit(8);
  await Promise.all(
    ids.map((id) =>
      limit(async () => {
        const manifest = await getBackupManifest(manifests, id).catch(() => undefined);
        if (!manifest || manifest.clusterFingerprint !== clusterFingerprint) return;
        for (const volume of completedVolumes(manifest.volumeSnapshots)) {
          const key = volumeKeyOf(volume.namespace, volume.claim, volume.pod, volume.volume);
          if (!keys.has(key)) continue;
          const known = parents.get(key);
          if (!known || known.completed < manifest.completed) parents.set(key, { tree: volume.snapshotId, bytes: Number(volume.bytes), files: Number(volume.files), completed: manifest.completed });
        }
      }),
    ),
  );
  return new Map([...parents].map(([key, { completed: _completed, ...parent }]) => [key, parent]));
}
