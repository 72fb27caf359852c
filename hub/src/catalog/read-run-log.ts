// A backup's or restore's log lives in the repository (backups/<id>/log, restores/<id>/log),
// written by the agent when the run ends, as { entries: [...] }.
import { LifeboatError, isLifeboatError } from "@lifeboat/shared";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import { withRepository } from "../repositories/with-repository.js";

/** The run whose log to read, as its record tells it. */
export interface LoggedRun {
  /** "backup" or "restore", for messages. */
  noun: string;
  id: string;
  /** The record's phase name, for the message when there is no log. */
  phase: string;
  /** The repository the log is in ("" when the record names none). */
  repository: string;
  /** Refused before it ran (FAILED_VALIDATION): no agent wrote a log. */
  refused: boolean;
  /** The log's record name in the repository. */
  recordName: string;
}

/**
 * The run's log, one JSON object per line, oldest first. NOT_FOUND when it wrote no log
 * (refused, failed early, or still running); CORRUPT when the record is not a log.
 */
export async function readRunLog(directory: Pick<RepositoryDirectory, "access">, run: LoggedRun): Promise<string[]> {
  const { noun, id } = run;
  const noLog = (cause?: unknown): LifeboatError =>
    new LifeboatError("NOT_FOUND", `${noun} ${id} has no log: it is ${run.phase}, and a log is written when the ${noun} run ends`, { field: "id", value: id, cause });
  if (run.repository === "" || run.refused) throw noLog();
  const record = await withRepository(directory, run.repository, async (repo) => {
    try {
      return await repo.manifests.get(run.recordName);
    } catch (err) {
      if (isLifeboatError(err) && err.code === "NOT_FOUND") throw noLog(err);
      throw err;
    }
  });
  const entries = (record as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) {
    throw new LifeboatError("CORRUPT", `${noun} ${id}: record ${run.recordName} in repository "${run.repository}" holds no log entries`, { field: "id", value: id });
  }
  return entries.map((entry) => JSON.stringify(entry));
}
