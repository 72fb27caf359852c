import { BACKUP_LABEL, RESTORE_LABEL, type KubeObject } from "../types.js";

/** Labels the object with the restore and the backup it came from, so a retried restore recognises its own work. Changes `draft`. */
export function addRestoreLabels(draft: KubeObject, restoreId: string, backupId: string): void {
  draft.metadata.labels = { ...draft.metadata.labels, [RESTORE_LABEL]: restoreId, [BACKUP_LABEL]: backupId };
}
