// Backup ids: the repository's record id shape (catalog/record-id.ts).
import { newRecordId } from "@lifeboat/shared/repo";
import { isRecordId, parseRecordId } from "../catalog/index.js";

export const isBackupId: (value: string) => boolean = isRecordId;
export const newBackupId: () => string = newRecordId;

/** Checks a backup id that came from outside; INVALID_ARGUMENT naming `field`. */
export function parseBackupId(value: string, field = "id"): string {
  return parseRecordId("backup", value, field);
}
