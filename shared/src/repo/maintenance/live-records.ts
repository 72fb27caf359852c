// The records that keep content alive: every snapshot and every committed backup manifest.
import type { ManifestStore } from "../manifest/index.js";
import { listBackups, listSnapshots, snapshotName, backupRecordName } from "../manifest/index.js";

export async function listLiveRecords(manifests: ManifestStore): Promise<string[]> {
  const [snapshots, backups] = await Promise.all([listSnapshots(manifests), listBackups(manifests)]);
  return [...snapshots.map((id) => snapshotName(id)), ...backups.map((id) => backupRecordName(id, "manifest"))];
}
