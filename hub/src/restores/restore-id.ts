// A restore's id is also its folder in the repository (restores/<id>/), so it has the repository's
// record id shape: 32 lowercase hex characters.
import { LifeboatError } from "@lifeboat/shared";
import { newRecordId } from "@lifeboat/shared/repo";

const RESTORE_ID = /^[0-9a-f]{32}$/;

export function isRestoreId(value: string): boolean {
  return RESTORE_ID.test(value);
}

export function newRestoreId(): string {
  return newRecordId();
}

/** Checks a restore id that came from outside; INVALID_ARGUMENT naming `field`. */
export function parseRestoreId(value: string, field = "id"): string {
  if (value === "") throw new LifeboatError("INVALID_ARGUMENT", `${field} is required: a restore id`, { field });
  if (!RESTORE_ID.test(value)) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(value)} is not a restore id: expected 32 lowercase hex characters`, { field, value });
  }
  return value;
}
