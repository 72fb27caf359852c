// A restore's log lives in the repository of its backup (restores/<id>/log), written by the agent
// when the restore run ends, in the shape of a backup's log: { entries: [...] }.
import { RestorePhase, RestorePhaseSchema } from "@lifeboat/proto";
import { restoreRecordName } from "@lifeboat/shared/repo";
import { readRunLog } from "../catalog/index.js";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
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
  return readRunLog(deps.directory, {
    noun: "restore",
    id,
    phase: phaseName(restore.phase),
    repository: restore.repository,
    refused: restore.phase === RestorePhase.FAILED_VALIDATION,
    recordName: restoreRecordName(id, "log"),
  });
}
