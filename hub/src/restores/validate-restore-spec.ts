// The restore spec is checked by the same parser the agent runs it with, so the hub refuses what
// the agent would, before anything is recorded or queued.
import type { RestoreSpec } from "@lifeboat/proto";
import { parseRestoreOptions } from "@lifeboat/shared/restore";

/** Throws INVALID_ARGUMENT naming the field when `spec` cannot be run; returns nothing. */
export function validateRestoreSpec(spec: RestoreSpec): void {
  parseRestoreOptions(spec);
}
