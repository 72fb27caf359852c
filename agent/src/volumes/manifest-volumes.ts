// The volumes a backup manifest lists (VolumeBackup as proto JSON), as the next backup (parents)
// and restores (claims' data) read them back.
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { VolumeBackupPhase, VolumeBackupSchema, type VolumeBackup } from "@lifeboat/proto";

/** The copied volumes of a manifest's volumeSnapshots; entries that do not parse are passed over. */
export function completedVolumes(volumeSnapshots: readonly unknown[]): VolumeBackup[] {
  const volumes: VolumeBackup[] = [];
  for (const entry of volumeSnapshots) {
    let volume: VolumeBackup;
    try {
      volume = fromJson(VolumeBackupSchema, entry as JsonValue, { ignoreUnknownFields: true });
    } catch {
      continue;
    }
    if (volume.phase === VolumeBackupPhase.COMPLETED && volume.snapshotId) volumes.push(volume);
  }
  return volumes;
}
