// Record names are blob names: the kind first, then a random id, then (for backups and restores)
// the part. The name is also the AAD of the sealed record, so a record is bound to where it lies.
import { randomBytes } from "node:crypto";
import { LifeboatError } from "../../errors/index.js";

/** The top-level folders that hold records; listing never looks anywhere else (packs, index). */
export const RECORD_FOLDERS = ["snapshots/", "backups/", "restores/"] as const;
export const BACKUP_PARTS = ["manifest", "log", "results"] as const;
export type BackupPart = (typeof BACKUP_PARTS)[number];

const RECORD_ID = /^[0-9a-f]{32}$/;
const PART = /^[a-z0-9][a-z0-9-]{0,63}$/;
const RECORD_NAME = /^(?:snapshots\/[0-9a-f]{32}|backups\/[0-9a-f]{32}\/(?:manifest|log|results)|restores\/[0-9a-f]{32}\/[a-z0-9][a-z0-9-]{0,63})$/;

/** A fresh random record id: 32 lowercase hex characters. */
export function newRecordId(): string {
  return randomBytes(16).toString("hex");
}

export function isRecordId(value: unknown): value is string {
  return typeof value === "string" && RECORD_ID.test(value);
}

/** Throws INVALID_ARGUMENT unless `id` is 32 lowercase hex characters. */
export function checkRecordId(id: unknown, field = "id"): asserts id is string {
  if (!isRecordId(id)) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(id)} is not a record id: expected 32 lowercase hex characters`, {
      field,
      value: String(id),
    });
  }
}

export function isRecordName(name: string): boolean {
  return RECORD_NAME.test(name);
}

/** Throws INVALID_ARGUMENT unless `name` is snapshots/<id>, backups/<id>/{manifest,log,results} or restores/<id>/<part>. */
export function checkRecordName(name: string): void {
  if (typeof name !== "string" || !isRecordName(name)) {
    throw new LifeboatError(
      "INVALID_ARGUMENT",
      `record name ${JSON.stringify(name)} is not valid: expected snapshots/<id>, backups/<id>/manifest|log|results or restores/<id>/<part>, with a 32-hex id`,
      { field: "name", value: String(name) },
    );
  }
}

export function snapshotName(id: string): string {
  checkRecordId(id);
  return `snapshots/${id}`;
}

export function backupRecordName(id: string, part: BackupPart): string {
  checkRecordId(id);
  return `backups/${id}/${part}`;
}

export function restoreRecordName(id: string, part: string): string {
  checkRecordId(id);
  if (!PART.test(part)) {
    throw new LifeboatError("INVALID_ARGUMENT", `restore record part ${JSON.stringify(part)} is not valid: expected lowercase letters, digits and '-'`, {
      field: "part",
      value: part,
    });
  }
  return `restores/${id}/${part}`;
}
