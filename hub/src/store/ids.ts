import { randomUUID } from "node:crypto";
import { LifeboatError } from "@lifeboat/shared";

declare const brand: unique symbol;
type Branded<T, B extends string> = T & { readonly [brand]: B };

/** A task's id: a UUID the hub makes at enqueue (or the caller's idempotency key). */
export type TaskId = Branded<string, "TaskId">;
/** A registered cluster's id. */
export type ClusterId = Branded<string, "ClusterId">;
/** A registration token's public id (never its secret). */
export type TokenId = Branded<string, "TokenId">;

// Ids are embedded in Redis key names and pub/sub payloads, so they are kept to a
// character set that cannot forge another key (no ':' or whitespace).
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkId(kind: string, field: string, value: string): void {
  if (!ID_PATTERN.test(value)) {
    throw new LifeboatError(
      "INVALID_ARGUMENT",
      `${field} ${JSON.stringify(value)} is not a valid ${kind} id: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      { field, value },
    );
  }
}

export function newTaskId(): TaskId {
  return randomUUID() as TaskId;
}

export function newClusterId(): ClusterId {
  return randomUUID() as ClusterId;
}

export function newTokenId(): TokenId {
  return `tok-${randomUUID().replaceAll("-", "").slice(0, 20)}` as TokenId;
}

/** Checks a token id that came from outside (CLI, wire); throws INVALID_ARGUMENT naming `field`. */
export function parseTokenId(value: string, field = "tokenId"): TokenId {
  checkId("token", field, value);
  return value as TokenId;
}

/** Checks a task id that came from outside (CLI, wire); throws INVALID_ARGUMENT naming `field`. */
export function parseTaskId(value: string, field = "taskId"): TaskId {
  checkId("task", field, value);
  return value as TaskId;
}

/** Checks a cluster id that came from outside (CLI, wire); throws INVALID_ARGUMENT naming `field`. */
export function parseClusterId(value: string, field = "clusterId"): ClusterId {
  checkId("cluster", field, value);
  return value as ClusterId;
}
