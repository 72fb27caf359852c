// A restore's log lives in the repository of its backup (restores/<id>/log), written by the agent
// when the restore run ends, in the shape of a backup's log: { entries: [...] }.
import { RestorePhase, RestorePhaseSchema } from "@lifeboat/proto";
import { LifeboatError, isLifeboatError } from "@lifeboat/shared";
import { restoreRecordName } from "@lifeboat/shared/repo";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import { withRepository } from "../repositories/with-repository.js";
import type { RestoreStore } from "./restore-store.js";

export interface RestoreLogDeps {
  store: RestoreStore;
  directory: Pick<RepositoryDirectory, "access">;
}

function phaseName(phase: RestorePhase): string {
  return RestorePhaseSchema.values.find((v) => v.number === phase)?.localName ?? String(phase);
}

/**
 * The log of restore `id`, one JSON object per line, oldest first. NOT_FOUND when the restore is
 * unknown or has no log yet (refused, failed early, or still running); CORRUPT when the record
 * is not a log.
 */
export async function readRestoreLog(deps: RestoreLogDeps, id: string): Promise<string[]> {
  const { restore } = await deps.store.require(id);
  const noLog = (cause?: unknown): LifeboatError =>
    new LifeboatError("NOT_FOUND", `restore ${id} has no log: it is ${phaseName(restore.phase)}, and a log is written when the restore run ends`, { field: "id", value: id, cause });
  if (restore.repository === "" || restore.phase === RestorePhase.FAILED_VALIDATION) throw noLog();
  const record = await withRepository(deps.directory, restore.repository, async (repo) => {
    try {
      return await repo.manifests.get(restoreRecordName(id, "log"));
    } catch (err) {
      if (isLifeboatError(err) && err.code === "NOT_FOUND") throw noLog(err);
      throw err;
    }
  });
  const entries = (record as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) {
    throw new LifeboatError("CORRUPT", `restore ${id}: record ${restoreRecordName(id, "log")} in repository "${restore.repository}" holds no log entries`, { field: "id", value: id });
  }
  return entries.map((entry) => JSON.stringify(entry));
}
