import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ClusterChangeType, EventSchema, TaskChangeType, TokenChangeType } from "@lifeboat/proto";
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

/** Whether WatchEvents with a cluster filter shows the event: that cluster's own and its tasks' changes. */
export function isEventOfCluster(event: HubEvent, clusterId: string): boolean {
  if (isTaskEvent(event)) return event.clusterId === clusterId;
  return event.type.startsWith("cluster.") && event.clusterId === clusterId;
}

/** An event of the log as the wire Event. */
export function toWireEvent(event: HubEvent): MessageInitShape<typeof EventSchema> {
  const base = { id: event.id, time: timestampFromMs(event.at) };
  if (isTaskEvent(event)) return { ...base, change: { case: "task", value: { type: taskChangeType(event), task: taskOfEvent(event) } } };
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
