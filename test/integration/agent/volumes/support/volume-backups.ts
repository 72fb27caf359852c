// The backup runner's helpers, with a fresh backup id, for the volume suites.
import { newRecordId } from "@lifeboat/shared/repo";

export { initRepository, readRepository, runBackupTask } from "../../backup/support/backup-runner.js";

export function newBackupId(): string {
  return newRecordId();
}
