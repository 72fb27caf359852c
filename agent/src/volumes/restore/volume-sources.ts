// The volume data a backup holds, as the restore needs it: each copied claim's tree by the claim's
// namespace and name in the source.
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { VolumeBackupPhase, VolumeBackupSchema, type VolumeBackup } from "@lifeboat/proto";

/** The copied claims of a manifest's volumeSnapshots, by "namespace/claim" in the source. */
export function copiedClaims(volumeSnapshots: readonly unknown[]): Map<string, VolumeBackup> {
  const claims = new Map<string, VolumeBackup>();
  for (const entry of volumeSnapshots) {
    let volume: VolumeBackup;
    try {
      volume = fromJson(VolumeBackupSchema, entry as JsonValue, { ignoreUnknownFields: true });
    } catch {
      continue;
    }
    if (volume.phase === VolumeBackupPhase.COMPLETED && volume.claim && volume.snapshotId) claims.set(`${volume.namespace}/${volume.claim}`, volume);
  }
  return claims;
}
