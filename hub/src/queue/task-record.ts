import { LifeboatError } from "@lifeboat/shared";
import { TASK_STATES, type ClusterId, type TaskId, type TaskState } from "../store/index.js";
import { decodePayload, type JsonValue, type TaskPayload } from "./payload.js";

export { TASK_STATES, type TaskState };

/**
 * Why a task attempt failed. `code` is a Lifeboat ErrorCode when the agent reports one,
 * or one of the queue's own: LEASE_EXPIRED, CANCELLED.
 */
export interface TaskError {
  code: string;
  message: string;
}

export const LEASE_EXPIRED = "LEASE_EXPIRED";
export const CANCELLED = "CANCELLED";

/**
 * A task as the queue keeps it: plain data, converted to and from the wire at the gRPC
 * edge. Times are ms since epoch by the Redis server's clock.
 */
export interface TaskRecord {
  id: TaskId;
  clusterId: ClusterId;
  kind: string;
  spec: TaskPayload;
  state: TaskState;
  /** Leases handed out so far; the current (or last) attempt's number. */
  attempts: number;
  maxAttempts: number;
  /** Holder of the current lease; after completion or failure, of the last one. */
  leaseOwner?: string;
  leaseExpiresAt?: number;
  progress?: JsonValue;
  result?: TaskPayload;
  /** The final error of a failed or cancelled task, or the last attempt's on a re-queued one. */
  error?: TaskError;
  createdAt: number;
  updatedAt: number;
  /** Creation order across the whole hub; orders lists and backs their cursors. */
  seq: number;
}

export function isTaskState(value: string): value is TaskState {
  return (TASK_STATES as readonly string[]).includes(value);
}

function corrupt(what: string): LifeboatError {
  return new LifeboatError("CORRUPT", `task record in Redis is damaged: ${what}`);
}

function requireField(fields: Map<string, string>, name: string): string {
  const value = fields.get(name);
  if (value === undefined) throw corrupt(`field "${name}" is missing (task ${fields.get("id") ?? "?"})`);
  return value;
}

function integer(fields: Map<string, string>, name: string): number {
  const raw = requireField(fields, name);
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw corrupt(`field "${name}" is ${JSON.stringify(raw)}, not an integer`);
  return n;
}

/** Turns a flat [field, value, ...] array (HGETALL, or a script's reply) into a record. */
export function parseTaskFields(flat: readonly string[]): TaskRecord {
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!, flat[i + 1]!);

  const state = requireField(fields, "state");
  if (!isTaskState(state)) throw corrupt(`state ${JSON.stringify(state)} is not one of ${TASK_STATES.join(", ")}`);
  const task: TaskRecord = {
    id: requireField(fields, "id") as TaskId,
    clusterId: requireField(fields, "clusterId") as ClusterId,
    kind: requireField(fields, "kind"),
    spec: decodePayload(requireField(fields, "spec")),
    state,
    attempts: integer(fields, "attempts"),
    maxAttempts: integer(fields, "maxAttempts"),
    createdAt: integer(fields, "createdAt"),
    updatedAt: integer(fields, "updatedAt"),
    seq: integer(fields, "seq"),
  };
  const owner = fields.get("leaseOwner");
  if (owner !== undefined) task.leaseOwner = owner;
  if (fields.has("leaseExpiresAt")) task.leaseExpiresAt = integer(fields, "leaseExpiresAt");
  const progress = fields.get("progress");
  if (progress !== undefined) task.progress = decodePayload(progress) as JsonValue;
  const result = fields.get("result");
  if (result !== undefined) task.result = decodePayload(result);
  const code = fields.get("errorCode");
  if (code !== undefined) task.error = { code, message: fields.get("errorMessage") ?? "" };
  return task;
}
