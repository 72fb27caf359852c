// A backup's id is also its folder in the repository (backups/<id>/), so it has the repository's
// record id shape: 32 lowercase hex characters.
import { LifeboatError } from "@lifeboat/shared";
import { newRecordId } from "@lifeboat/shared/repo";

const BACKUP_ID = /^[0-9a-f]{32}$/;

export function isBackupId(value: string): boolean {
  return BACKUP_ID.test(value);
}

export function newBackupId(): string {
  return newRecordId();
}

/** Checks a backup id that came from outside; INVALID_ARGUMENT naming `field`. */
export function parseBackupId(value: string, field = "id"): string {
  if (value === "") throw new LifeboatError("INVALID_ARGUMENT", `${field} is required: a backup id`, { field });
  if (!BACKUP_ID.test(value)) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(value)} is not a backup id: expected 32 lowercase hex characters`, { field, value });
  }
  return value;
}
