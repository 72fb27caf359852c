import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { BackupChangeType, BackupSchema, ClusterChangeType, EventSchema, PolicyChangeType, PolicySchema, RestoreChangeType, RestoreSchema, TaskChangeType, TokenChangeType } from "@lifeboat/proto";
import { parseClusterFields } from "../clusters/index.js";
import { isTaskEvent, LEASE_EXPIRED, type HubEvent, type RecordEventType, type TaskEvent, type TaskEventType } from "../queue/index.js";
import { parseTokenFields } from "../tokens/index.js";
import { toWireCluster } from "./wire-cluster.js";
import { progressOf, specOfKind, taskStateToWire } from "./wire-task.js";
import { toWireToken } from "./wire-token.js";
import { wireTime } from "./wire-time.js";

const taskChangeTypes: Record<TaskEventType, TaskChangeType> = {
  queued: TaskChangeType.QUEUED,
  leased: TaskChangeType.LEASED,
  progress: TaskChangeType.PROGRESSED,
  completed: TaskChangeType.COMPLETED,
  failed: TaskChangeType.FAILED,
  cancelled: TaskChangeType.CANCELLED,
};

const clusterChangeTypes: Partial<Record<RecordEventType, ClusterChangeType>> = {
  "cluster.registered": ClusterChangeType.REGISTERED,
  "cluster.connected": ClusterChangeType.CONNECTED,
  "cluster.disconnected": ClusterChangeType.DISCONNECTED,
  "cluster.updated": ClusterChangeType.UPDATED,
  "cluster.certificate-renewed": ClusterChangeType.CERTIFICATE_RENEWED,
  "cluster.deleted": ClusterChangeType.DELETED,
};

const tokenChangeTypes: Partial<Record<RecordEventType, TokenChangeType>> = {
  "token.created": TokenChangeType.CREATED,
  "token.used": TokenChangeType.USED,
  "token.revoked": TokenChangeType.REVOKED,
};

const backupChangeTypes: Partial<Record<RecordEventType, BackupChangeType>> = {
  "backup.created": BackupChangeType.CREATED,
  "backup.updated": BackupChangeType.UPDATED,
  "backup.deleted": BackupChangeType.DELETED,
};

const restoreChangeTypes: Partial<Record<RecordEventType, RestoreChangeType>> = {
  "restore.created": RestoreChangeType.CREATED,
  "restore.updated": RestoreChangeType.UPDATED,
  "restore.deleted": RestoreChangeType.DELETED,
};

const policyChangeTypes: Partial<Record<RecordEventType, PolicyChangeType>> = {
  "policy.created": PolicyChangeType.CREATED,
  "policy.updated": PolicyChangeType.UPDATED,
  "policy.fired": PolicyChangeType.FIRED,
  "policy.deleted": PolicyChangeType.DELETED,
};

/** Whether WatchEvents with a cluster filter shows the event: that cluster's own, its tasks', its backups' and the restores into it. */
export function isEventOfCluster(event: HubEvent, clusterId: string): boolean {
  if (isTaskEvent(event)) return event.clusterId === clusterId;
  return (event.type.startsWith("cluster.") || event.type.startsWith("backup.") || event.type.startsWith("restore.")) && event.clusterId === clusterId;
}

/** The fields appendRecord takes for a backup change: the backup as proto JSON text. */
export function backupEventFields(backup: JsonValue): Record<string, string> {
  return { backup: JSON.stringify(backup) };
}

/** The fields appendRecord takes for a restore change: the restore as proto JSON text. */
export function restoreEventFields(restore: JsonValue): Record<string, string> {
  return { restore: JSON.stringify(restore) };
}

/** The fields appendRecord takes for a policy change: the policy, and the backups a firing made. */
export function policyEventFields(policy: JsonValue, backupIds: readonly string[] = []): Record<string, string> {
  return { policy: JSON.stringify(policy), backupIds: JSON.stringify(backupIds) };
}

const parseOptions = { ignoreUnknownFields: true } as const;

/** An event of the log as the wire Event. */
export function toWireEvent(event: HubEvent): MessageInitShape<typeof EventSchema> {
  const base = { id: event.id, time: timestampFromMs(event.at) };
  if (isTaskEvent(event)) return { ...base, change: { case: "task", value: { type: taskChangeType(event), task: taskOfEvent(event) } } };
  const backupType = backupChangeTypes[event.type];
  if (backupType !== undefined) {
    const backup = fromJson(BackupSchema, JSON.parse(event.fields.backup ?? "{}") as JsonValue, parseOptions);
    return { ...base, change: { case: "backup", value: { type: backupType, backup } } };
  }
  const restoreType = restoreChangeTypes[event.type];
  if (restoreType !== undefined) {
    const restore = fromJson(RestoreSchema, JSON.parse(event.fields.restore ?? "{}") as JsonValue, parseOptions);
    return { ...base, change: { case: "restore", value: { type: restoreType, restore } } };
  }
  const policyType = policyChangeTypes[event.type];
  if (policyType !== undefined) {
    const policy = fromJson(PolicySchema, JSON.parse(event.fields.policy ?? "{}") as JsonValue, parseOptions);
    return { ...base, change: { case: "policy", value: { type: policyType, policy, backupIds: JSON.parse(event.fields.backupIds ?? "[]") as string[] } } };
  }
  const clusterType = clusterChangeTypes[event.type];
  if (clusterType !== undefined) {
    return { ...base, change: { case: "cluster", value: { type: clusterType, cluster: toWireCluster(parseClusterFields(event.fields)) } } };
  }
  return {
    ...base,
    change: { case: "token", value: { type: tokenChangeTypes[event.type] ?? TokenChangeType.UNSPECIFIED, token: toWireToken(parseTokenFields(event.fields, event.at)) } },
  };
}

// A lease that ran out shows as LEASE_EXPIRED whether the task went back to the queue or, out of
// attempts, failed; the queue records both as its LEASE_EXPIRED error.
function taskChangeType(event: TaskEvent): TaskChangeType {
  if ((event.type === "queued" || event.type === "failed") && event.error?.code === LEASE_EXPIRED) return TaskChangeType.LEASE_EXPIRED;
  return taskChangeTypes[event.type];
}

function taskOfEvent(event: TaskEvent) {
  const isCancelled = event.state === "cancelled";
  return {
    id: event.taskId,
    clusterId: event.clusterId,
    spec: specOfKind(event.kind),
    state: taskStateToWire(event.state),
    attempt: event.attempts,
    maxAttempts: event.maxAttempts,
    leaseExpireTime: event.state === "leased" ? wireTime(event.leaseExpiresAt) : undefined,
    progress: progressOf(event.progress),
    error: event.error && !isCancelled ? { code: event.error.code, message: event.error.message } : undefined,
    cancelReason: isCancelled ? (event.error?.message ?? "") : "",
    updateTime: timestampFromMs(event.at),
  };
}
