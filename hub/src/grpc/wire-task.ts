import { create, fromBinary, fromJson, toBinary, toJson, type JsonValue as ProtoJson, type MessageInitShape } from "@bufbuild/protobuf";
import {
  TaskProgressSchema,
  TaskResultSchema,
  TaskSchema,
  TaskSpecSchema,
  TaskState,
  type TaskProgress,
  type TaskResult,
  type TaskSpec,
} from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import type { JsonValue, TaskRecord, TaskState as RecordState } from "../queue/index.js";
import { CANCELLED } from "../queue/index.js";
import { wireTime } from "./wire-time.js";

const wireStates: Record<RecordState, TaskState> = {
  queued: TaskState.QUEUED,
  leased: TaskState.LEASED,
  completed: TaskState.COMPLETED,
  failed: TaskState.FAILED,
  cancelled: TaskState.CANCELLED,
};

export function taskStateToWire(state: RecordState): TaskState {
  return wireStates[state];
}

export function taskStateFromWire(state: TaskState): RecordState | undefined {
  if (state === TaskState.UNSPECIFIED) return undefined;
  const found = (Object.entries(wireStates) as [RecordState, TaskState][]).find(([, wire]) => wire === state);
  if (!found) throw new LifeboatError("INVALID_ARGUMENT", `state ${state} is not a known TaskState`, { field: "state", value: String(state) });
  return found[0];
}

/**
 * A wire TaskSpec as the queue stores it: the kind (the oneof case, e.g. "inventory") and the spec
 * in its proto JSON form, readable in Redis and in events. INVALID_ARGUMENT naming `field` when no
 * kind is set.
 */
export function specToPayload(spec: TaskSpec | undefined, field = "spec"): { kind: string; payload: JsonValue } {
  if (!spec || spec.kind.case === undefined) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} names no task kind: set one of ${TaskSpecSchema.oneofs[0]!.fields.map((f) => f.name).join(", ")}`, { field });
  }
  return { kind: spec.kind.case, payload: toJson(TaskSpecSchema, spec) as JsonValue };
}

/** A result reported by the agent as the queue stores it: protobuf binary (an inventory can be megabytes). */
export function resultToPayload(result: TaskResult): Uint8Array {
  return toBinary(TaskResultSchema, result);
}

export function progressToPayload(progress: TaskProgress | undefined): JsonValue | undefined {
  return progress === undefined ? undefined : (toJson(TaskProgressSchema, progress) as JsonValue);
}

function specOf(task: Pick<TaskRecord, "id" | "spec" | "kind">): TaskSpec {
  if (task.spec instanceof Uint8Array) return fromBinary(TaskSpecSchema, task.spec);
  try {
    return fromJson(TaskSpecSchema, task.spec as ProtoJson, { ignoreUnknownFields: true });
  } catch (err) {
    throw new LifeboatError("CORRUPT", `task ${task.id}: stored spec of kind ${task.kind} is not a lifeboat.v1.TaskSpec`, { cause: err });
  }
}

/** A spec with only its kind set (events carry no spec): enough to tell what the task does. */
export function specOfKind(kind: string): TaskSpec {
  const known = TaskSpecSchema.oneofs[0]!.fields.some((f) => f.localName === kind);
  return known ? fromJson(TaskSpecSchema, { [kind]: {} }) : create(TaskSpecSchema);
}

/**
 * A task record as the wire Task. The result is left out unless `withResult` (lists and
 * assignments carry no result; GetTask does).
 */
export function toWireTask(task: TaskRecord, options: { withResult?: boolean } = {}): MessageInitShape<typeof TaskSchema> {
  const isFinal = task.state === "completed" || task.state === "failed" || task.state === "cancelled";
  const cancelled = task.state === "cancelled";
  return {
    id: task.id,
    clusterId: task.clusterId,
    spec: specOf(task),
    state: wireStates[task.state],
    attempt: task.attempts,
    maxAttempts: task.maxAttempts,
    leaseExpireTime: task.state === "leased" ? wireTime(task.leaseExpiresAt) : undefined,
    progress: progressOf(task.progress),
    result: options.withResult && task.result instanceof Uint8Array ? fromBinary(TaskResultSchema, task.result) : undefined,
    error: task.error && !cancelled ? { code: task.error.code, message: task.error.message } : undefined,
    cancelReason: cancelled && task.error?.code === CANCELLED ? task.error.message : "",
    createTime: wireTime(task.createdAt),
    updateTime: wireTime(task.updatedAt),
    endTime: isFinal ? wireTime(task.updatedAt) : undefined,
  };
}

export function progressOf(progress: JsonValue | undefined): TaskProgress | undefined {
  if (progress === undefined || progress === null) return undefined;
  try {
    return fromJson(TaskProgressSchema, progress as ProtoJson, { ignoreUnknownFields: true });
  } catch {
    return undefined; // progress is informational: a record from an older hub is shown without it
  }
}
