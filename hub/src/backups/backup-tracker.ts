// Backup records follow their tasks: the shared record tracker (catalog/record-tracker.ts), told
// how backups are stored, which task kind drives them and what a task change makes of one.
import { BackupPhase, type Backup } from "@lifeboat/proto";
import { RecordTracker, type RecordTrackerOptions } from "../catalog/index.js";
import { isBackupId } from "./backup-id.js";
import type { BackupStore } from "./backup-store.js";
import { BACKUP_TASK_KIND } from "./launch-backups.js";
import { listAllBackups } from "./list-backups.js";
import { applyTaskChange } from "./track-task.js";

export interface BackupTrackerOptions extends RecordTrackerOptions {
  store: BackupStore;
}

export class BackupTracker extends RecordTracker<Backup> {
  constructor(options: BackupTrackerOptions) {
    const { store } = options;
    super(
      {
        noun: "backup",
        taskKind: BACKUP_TASK_KIND,
        isId: isBackupId,
        cursorKey: store.keys.trackerCursor,
        read: (id) => store.readRecord(id),
        update: (id, change) => store.updateRecord(id, change),
        listOpen: async () => [...(await listAllBackups(store, { phase: BackupPhase.NEW })), ...(await listAllBackups(store, { phase: BackupPhase.IN_PROGRESS }))],
        applyChange: applyTaskChange,
        isNew: (backup) => backup.phase === BackupPhase.NEW,
        orphanReason: "its task was never queued: the hub stopped while launching it; launch the backup again",
      },
      options,
    );
  }
}
