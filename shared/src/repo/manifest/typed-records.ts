// Typed access to snapshot records and backup manifests on a ManifestStore. Records are checked
// on the way in (INVALID_ARGUMENT, nothing written) and on the way out (CORRUPT).
import { LifeboatError } from "../../errors/index.js";
import type { ManifestStore } from "./manifest-store.js";
import { RecordChecker } from "./record-checks.js";
import { backupRecordName, checkRecordId, snapshotName } from "./record-names.js";
import { checkBackupManifest, checkSnapshotRecord, type BackupManifest, type SnapshotRecord } from "./records.js";

const SNAPSHOT_NAME = /^snapshots\/([0-9a-f]{32})$/;
const BACKUP_MANIFEST_NAME = /^backups\/([0-9a-f]{32})\/manifest$/;

export async function putSnapshot(store: ManifestStore, snapshot: SnapshotRecord): Promise<void> {
  checkRecordId(snapshot?.id, "snapshot.id");
  const record = checkSnapshotRecord(snapshot, new RecordChecker("INVALID_ARGUMENT", `snapshot ${snapshot.id}`));
  await store.put(snapshotName(record.id), record);
}

/** Throws NOT_FOUND for an unknown snapshot, CORRUPT for one that fails authentication or its checks. */
export async function getSnapshot(store: ManifestStore, id: string): Promise<SnapshotRecord> {
  const name = snapshotName(id);
  const record = checkSnapshotRecord(await store.get(name), readChecker(store, name));
  checkStoredId(store, name, record.id, id);
  return record;
}

/** Ids of every snapshot, sorted. */
export async function listSnapshots(store: ManifestStore): Promise<string[]> {
  return idsOf(await store.list("snapshots/"), SNAPSHOT_NAME);
}

/** Writes a backup's manifest. Call it last: the backup exists for everyone from this moment. */
export async function putBackupManifest(store: ManifestStore, manifest: BackupManifest): Promise<void> {
  checkRecordId(manifest?.id, "manifest.id");
  const record = checkBackupManifest(manifest, new RecordChecker("INVALID_ARGUMENT", `backup ${manifest.id} manifest`));
  await store.put(backupRecordName(record.id, "manifest"), record);
}

export async function getBackupManifest(store: ManifestStore, id: string): Promise<BackupManifest> {
  const name = backupRecordName(id, "manifest");
  const record = checkBackupManifest(await store.get(name), readChecker(store, name));
  checkStoredId(store, name, record.id, id);
  return record;
}

/** Ids of the backups that have a manifest, sorted; a backup still being written is not listed. */
export async function listBackups(store: ManifestStore): Promise<string[]> {
  return idsOf(await store.list("backups/"), BACKUP_MANIFEST_NAME);
}

function readChecker(store: ManifestStore, name: string): RecordChecker {
  return new RecordChecker("CORRUPT", `record ${name} in repository ${store.description}`);
}

// The name is authenticated as AAD, so a mismatch here is a writer bug, not tampering; still refuse it.
function checkStoredId(store: ManifestStore, name: string, stored: string, expected: string): void {
  if (stored !== expected) {
    throw new LifeboatError("CORRUPT", `record ${name} in repository ${store.description} holds id ${stored}, not ${expected}`, {
      field: "id",
      value: stored,
    });
  }
}

function idsOf(names: string[], pattern: RegExp): string[] {
  return names.flatMap((name) => pattern.exec(name)?.[1] ?? []).sort();
}
