// A backup's log lives in the repository (backups/<id>/log), written by the agent beside the manifest.
import { LifeboatError, isLifeboatError } from "@lifeboat/shared";
import { backupRecordName } from "@lifeboat/shared/repo";
import { BackupPhase, BackupPhaseSchema } from "@lifeboat/proto";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import type { BackupStore } from "./backup-store.js";
import { withRepository } from "../repositories/with-repository.js";

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
  const noLog = (cause?: unknown): LifeboatError =>
    new LifeboatError("NOT_FOUND", `backup ${id} has no log: it is ${phaseName(backup.phase)}, and a log is written when the backup run ends`, { field: "id", value: id, cause });
  const name = backup.spec?.repository ?? "";
  if (name === "" || backup.phase === BackupPhase.FAILED_VALIDATION) throw noLog();
  const record = await withRepository(deps.directory, name, async (repo) => {
    try {
      return await repo.manifests.get(backupRecordName(id, "log"));
    } catch (err) {
      if (isLifeboatError(err) && err.code === "NOT_FOUND") throw noLog(err);
      throw err;
    }
  });
  const entries = (record as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) {
    throw new LifeboatError("CORRUPT", `backup ${id}: record ${backupRecordName(id, "log")} in repository "${name}" holds no log entries`, { field: "id", value: id });
  }
  return entries.map((entry) => JSON.stringify(entry));
}
