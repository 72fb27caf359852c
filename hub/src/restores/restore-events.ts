// Restore changes go into the hub's event log beside backup changes, as RestoreChange events.
import type { EventLog } from "../queue/index.js";

export type RestoreEventType = "restore.created" | "restore.updated" | "restore.deleted";

/** Which records a restore change is about: the target cluster, the source backup, the restore. */
export interface RestoreEventIds {
  clusterId: string;
  backupId: string;
  restoreId: string;
}

/** Where the restore store tells of its changes; the event log, or a fake in unit tests. */
export interface RestoreEvents {
  appendRecord(type: RestoreEventType, fields: Record<string, string>, ids: RestoreEventIds): Promise<void>;
}

/** The event log as RestoreEvents. */
export function restoreEventsOf(events: Pick<EventLog, "appendRecord">): RestoreEvents {
  return { appendRecord: (type, fields, ids) => events.appendRecord(type, fields, { ...ids }) };
}
