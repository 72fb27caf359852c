// The volume data a backup holds, as the restore needs it: each copied claim's tree by the claim's
// namespace and name in the source.
import type { VolumeBackup } from "@lifeboat/proto";
import { completedVolumes } from "../manifest-volumes.js";

/** The copied claims of a manifest's volumeSnapshots, by "namespace/claim" in the source. */
export function copiedClaims(volumeSnapshots: readonly unknown[]): Map<string, VolumeBackup> {
  return new Map(completedVolumes(volumeSnapshots).filter((v) => v.claim).map((v) => [`${v.namespace}/${v.claim}`, v]));
}
