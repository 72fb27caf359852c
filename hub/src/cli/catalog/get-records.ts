// Reading one backup or restore for `describe`, `--wait` and `migrate`: the hub answers with the
// record or an error; an answer without the record is the hub's fault (INTERNAL), never a silent undefined.
import type { Backup, Restore } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared/errors";
import { unaryCall, type AdminClient } from "../admin-connection.js";

function required<R>(noun: string, id: string, record: R | undefined): R {
  if (!record) throw new LifeboatError("INTERNAL", `the hub returned no ${noun} for ${id}`, { field: "id", value: id });
  return record;
}

export function getBackup(client: AdminClient): (id: string) => Promise<Backup> {
  return async (id) => required("backup", id, (await client.getBackup({ id }, unaryCall())).backup);
}

export function getRestore(client: AdminClient): (id: string) => Promise<Restore> {
  return async (id) => required("restore", id, (await client.getRestore({ id }, unaryCall())).restore);
}
