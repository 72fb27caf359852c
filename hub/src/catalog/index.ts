// What backups and restores share: records driven by their tasks, followed through the event log.
export { taskChangeOf, taskChangeOfTask, type TaskChange } from "./task-change.js";
export { RecordTracker, type RecordTrackerOptions, type TrackedRecords, type TrackedRecord, type TrackedVersion } from "./record-tracker.js";
export { RecordStore, type RecordLayout, type RecordChange, type StoredRecord, type StorableRecord } from "./record-store.js";
export { indexMember, indexBound, createMs } from "./index-member.js";
export { taskPhaseApplier, changedRecord, progressCounter, type TaskPhaseRules, type TaskDrivenRecord, type RecordFields } from "./task-phase.js";
export { listRecordPage, listAllRecords, checkFilterId, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type RecordQuery, type RecordPage, type ListableStore } from "./list-records.js";
export { isRecordId, parseRecordId } from "./record-id.js";
export { readRunLog, type LoggedRun } from "./read-run-log.js";
export { deleteRecord, type DeletableKind, type DeletableRecord, type DeleteRecordDeps } from "./delete-record.js";
