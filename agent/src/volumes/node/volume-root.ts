// Where a pod's volume is on this node: the kubelet lays it out under
// <kubeletRoot>/pods/<pod-uid>/volumes/<plugin>/<dirName>, with the CSI plugin's data one level
// down in `mount`. The plugin is found by looking rather than derived from the PV, so the same
// lookup works for CSI, in-tree plugins and emptyDir on a real kubelet.
import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { LifeboatError } from "@lifeboat/shared";
import type { VolumeLocation } from "../contract.js";

const CSI_PLUGIN = "kubernetes.io~csi";

/**
 * The volume's data directory, symlinks in the path resolved (the mount point may be a link to
 * the volume's directory; links inside the tree are left alone by the copy). NOT_FOUND naming the
 * pod, volume and node when there is no such directory on this node.
 */
export async function resolveVolumeRoot(kubeletRoot: string, location: VolumeLocation): Promise<string> {
  const volumesDir = join(kubeletRoot, "pods", location.pod.uid, "volumes");
  const plugins = await readdir(volumesDir).catch(() => [] as string[]);
  // CSI first: a claim's directory is named for its PV, which no other plugin's directory is.
  plugins.sort((a, b) => Number(b === CSI_PLUGIN) - Number(a === CSI_PLUGIN));
  for (const plugin of plugins) {
    const candidate = join(volumesDir, plugin, location.dirName, ...(plugin === CSI_PLUGIN ? ["mount"] : []));
    const root = await realpath(candidate).catch(() => undefined);
    if (root && (await stat(root).catch(() => undefined))?.isDirectory()) return root;
  }
  throw new LifeboatError("NOT_FOUND", `volume directory for ${describeVolume(location)} not found on node ${location.node}: the pod may have moved or been deleted`, {
    field: "spec.pod.uid",
    value: location.pod.uid,
  });
}

/** "pod shop/db-0 volume data (pvc-…)", as messages name a volume. */
export function describeVolume(location: VolumeLocation): string {
  const dir = location.dirName && location.dirName !== location.volume ? ` (${location.dirName})` : "";
  return `pod ${location.pod.namespace}/${location.pod.name} volume ${location.volume}${dir}`;
}
