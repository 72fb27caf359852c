// Restore records follow their tasks: the shared record tracker (catalog/record-tracker.ts), told
// how restores are stored, which task kind drives them and what a task change makes of one.
import { RestorePhase, type Restore } from "@lifeboat/proto";
import { RecordTracker, type RecordTrackerOptions } from "../catalog/index.js";
import { RESTORE_TASK_KIND } from "./create-restore.js";
import { listAllRestores } from "./list-restores.js";
import { isRestoreId } from "./restore-id.js";
import type { RestoreStore } from "./restore-store.js";
import { applyRestoreTaskChange } from "./track-restore-task.js";

export interface RestoreTrackerOptions extends RecordTrackerOptions {
  store: RestoreStore;
}

export class RestoreTracker extends RecordTracker<Restore> {
  constructor(options: RestoreTrackerOptions) {
    const { store } = options;
    super(
      {
        noun: "restore",
        taskKind: RESTORE_TASK_KIND,
        isId: isRestoreId,
        cursorKey: store.keys.trackerCursor,
        read: (id) => store.readRecord(id),
        update: (id, change) => store.updateRecord(id, change),
        listOpen: async () => [...(await listAllRestores(store, { phase: RestorePhase.NEW })), ...(await listAllRestores(store, { phase: RestorePhase.IN_PROGRESS }))],
        applyChange: applyRestoreTaskChange,
        isNew: (restore) => restore.phase === RestorePhase.NEW,
        orphanReason: "its task was never queued: the hub stopped while creating it; create the restore again",
      },
      options,
    );
  }
}
