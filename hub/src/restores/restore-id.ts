// Restore ids: the repository's record id shape (catalog/record-id.ts).
import { newRecordId } from "@lifeboat/shared/repo";
import { isRecordId, parseRecordId } from "../catalog/index.js";

export const isRestoreId: (value: string) => boolean = isRecordId;
export const newRestoreId: () => string = newRecordId;

/** Checks a restore id that came from outside; INVALID_ARGUMENT naming `field`. */
export function parseRestoreId(value: string, field = "id"): string {
  return parseRecordId("restore", value, field);
}
