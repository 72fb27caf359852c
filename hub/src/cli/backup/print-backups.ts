// What `backup create` and `policy run` print: the backups they made, followed to their end with --wait.
import { BackupPhase, BackupSchema, type Backup } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared/errors";
import { renderFields, renderTable, writeOutput, type OutputFormat } from "../output.js";
import { messageJson } from "../message-output.js";
import { startProgressDisplay, waitForBackups, waitOutcome, type ProgressStream } from "./backup-progress.js";
import { backupFields, renderBackupDescription } from "./describe-backup.js";
import { BACKUP_COLUMNS } from "./record-output.js";

export interface PrintBackupsOptions {
  output: OutputFormat;
  /** One record rather than a list: the command named one cluster. */
  single: boolean;
  wait: boolean;
  /** Reads a backup's current state, for --wait. */
  get: (id: string) => Promise<Backup>;
  stderr?: ProgressStream;
}

/**
 * Prints `made`, or with `wait` follows them to their end (progress on stderr) and prints them as
 * they ended. Throws INVALID_ARGUMENT when the hub refused the spec (FAILED_VALIDATION), and FAILED_PRECONDITION (exit 1) naming each backup that did not COMPLETE, after
 * printing: a PARTIALLY_FAILED backup exists but missed something.
 */
export async function printBackups(made: readonly Backup[], options: PrintBackupsOptions): Promise<void> {
  const stderr = options.stderr ?? process.stderr;
  let backups = made;
  if (made.length === 0) stderr.write("no backups were made: no cluster is selected\n");
  if (options.wait && made.length > 0) {
    stderr.write(`waiting for ${made.length === 1 ? `backup ${made[0]!.id}` : `${made.length} backups`} to end (Ctrl-C stops waiting, not the backup)\n`);
    backups = await waitForBackups(
      made.map((b) => b.id),
      options.get,
      startProgressDisplay(stderr),
    );
  }
  const single = options.single && backups.length === 1;
  writeOutput(options.output, single ? messageJson(BackupSchema, backups[0]!) : backups.map((b) => messageJson(BackupSchema, b)), () =>
    single ? (options.wait ? renderBackupDescription(backups[0]!) : renderFields(backupFields(backups[0]!))) : renderTable(backups, BACKUP_COLUMNS),
  );
  // A refused spec is the caller's mistake, whether or not they waited: exit 2, naming the fields.
  const refused = backups.find((b) => b.phase === BackupPhase.FAILED_VALIDATION);
  if (refused) throw new LifeboatError("INVALID_ARGUMENT", `the backup spec was refused: ${refused.validationErrors.join("; ")}`, { field: "spec" });
  const outcome = options.wait ? waitOutcome(backups) : undefined;
  if (outcome !== undefined) throw new LifeboatError("FAILED_PRECONDITION", outcome, { field: "phase" });
}
