// A backup's log lives in the repository (backups/<id>/log), written by the agent beside the manifest.
import { BackupPhase, BackupPhaseSchema } from "@lifeboat/proto";
import { backupRecordName } from "@lifeboat/shared/repo";
import { readRunLog } from "../catalog/index.js";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import type { BackupStore } from "./backup-store.js";

export interface LogDeps {
  store: BackupStore;
  directory: RepositoryDirectory;
}

function phaseName(phase: BackupPhase): string {
  return BackupPhaseSchema.values.find((v) => v.number === phase)?.localName ?? String(phase);
}

/**
 * The log of backup `id`, one JSON object per line, oldest first. NOT_FOUND when the backup is
 * unknown or wrote no log (refused, failed early, or still running); CORRUPT when the record is
 * not a log.
 */
export async function readBackupLog(deps: LogDeps, id: string): Promise<string[]> {
  const { backup } = await deps.store.require(id);
  return readRunLog(deps.directory, {
    noun: "backup",
    id,
    phase: phaseName(backup.phase),
    repository: backup.spec?.repository ?? "",
    refused: backup.phase === BackupPhase.FAILED_VALIDATION,
    recordName: backupRecordName(id, "log"),
  });
}
