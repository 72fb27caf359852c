// A backup's or restore's id is also its folder in the repository (backups/<id>/, restores/<id>/),
// so it has the repository's record id shape: 32 lowercase hex characters.
import { LifeboatError } from "@lifeboat/shared";

const RECORD_ID = /^[0-9a-f]{32}$/;

export function isRecordId(value: string): boolean {
  return RECORD_ID.test(value);
}

/** Checks the id of a `noun` ("backup") that came from outside; INVALID_ARGUMENT naming `field`. */
export function parseRecordId(noun: string, value: string, field: string): string {
  if (value === "") throw new LifeboatError("INVALID_ARGUMENT", `${field} is required: a ${noun} id`, { field });
  if (!RECORD_ID.test(value)) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(value)} is not a ${noun} id: expected 32 lowercase hex characters`, { field, value });
  }
  return value;
}
