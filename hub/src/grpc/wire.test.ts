import { create } from "@bufbuild/protobuf";
import { toJson } from "@bufbuild/protobuf";
import { BackupChangeType, BackupPhase, BackupSchema, ClusterChangeType, ClusterState, PolicyChangeType, PolicySchema, TaskChangeType, TaskSpecSchema, TaskState, TokenChangeType } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import type { ClusterId, TaskId } from "../store/index.js";
import type { TaskEvent, TaskRecord } from "../queue/index.js";
import { backupEventFields, isEventOfCluster, policyEventFields, toWireEvent } from "./wire-event.js";
import { specToPayload, toWireTask } from "./wire-task.js";

const taskEvent = (over: Partial<TaskEvent>): TaskEvent => ({
  id: "1-0",
  type: "queued",
  taskId: "t1" as TaskId,
  clusterId: "c1" as ClusterId,
  kind: "inventory",
  state: "queued",
  attempts: 1,
  maxAttempts: 3,
  at: 1_700_000_000_000,
  ...over,
});

const clusterFields = {
  id: "c1",
  name: "edge",
  labels: "{}",
  fingerprint: "fp",
  state: "connected",
  connectedHub: "hub-a",
  certSerial: "0abc",
  certNotBefore: "1",
  certNotAfter: "2",
  registrationTokenId: "tok-1",
  createTime: "1",
  updateTime: "2",
};

describe("wire events", () => {
  it("shows a lease that ran out as LEASE_EXPIRED, whether the task was re-queued or failed", () => {
    const requeued = toWireEvent(taskEvent({ type: "queued", error: { code: "LEASE_EXPIRED", message: "lease expired" } }));
    expect(requeued.change).toMatchObject({ case: "task", value: { type: TaskChangeType.LEASE_EXPIRED, task: { state: TaskState.QUEUED } } });
    const failed = toWireEvent(taskEvent({ type: "failed", state: "failed", error: { code: "LEASE_EXPIRED", message: "lease expired after 3 attempts" } }));
    expect(failed.change).toMatchObject({ value: { type: TaskChangeType.LEASE_EXPIRED, task: { state: TaskState.FAILED } } });
    // A retryable failure the agent reported is re-queued: just QUEUED.
    const retried = toWireEvent(taskEvent({ type: "queued", error: { code: "UNAVAILABLE", message: "S3 throttled" } }));
    expect(retried.change).toMatchObject({ value: { type: TaskChangeType.QUEUED, task: { error: { code: "UNAVAILABLE" } } } });
  });

  it("carries the task's kind as its spec, and the cancel reason apart from errors", () => {
    const event = toWireEvent(taskEvent({ type: "cancelled", state: "cancelled", error: { code: "CANCELLED", message: "no longer needed" } }));
    expect(event.change).toMatchObject({ value: { type: TaskChangeType.CANCELLED, task: { cancelReason: "no longer needed", spec: { kind: { case: "inventory" } } } } });
    expect((event.change as { value: { task: { error?: unknown } } }).value.task.error).toBeUndefined();
  });

  it("turns cluster and token records into their changes", () => {
    const cluster = toWireEvent({ id: "2-0", type: "cluster.connected", clusterId: "c1" as ClusterId, at: 5, fields: clusterFields });
    expect(cluster.change).toMatchObject({ case: "cluster", value: { type: ClusterChangeType.CONNECTED, cluster: { id: "c1", state: ClusterState.CONNECTED, connectedHub: "hub-a" } } });
    const token = toWireEvent({
      id: "3-0",
      type: "token.used",
      tokenId: "tok-1",
      clusterId: "c1" as ClusterId,
      at: 5,
      fields: { id: "tok-1", labels: "{}", state: "used", createTime: "1", expireTime: "10", clusterId: "c1" },
    });
    expect(token.change).toMatchObject({ case: "token", value: { type: TokenChangeType.USED, token: { id: "tok-1", clusterId: "c1" } } });
  });

  it("turns backup and policy records into their changes", () => {
    const backup = create(BackupSchema, { id: "b1", clusterId: "c1", clusterName: "edge", phase: BackupPhase.IN_PROGRESS, progress: { stage: "serialize", itemsDone: 5n, itemsTotal: 9n } });
    const event = toWireEvent({ id: "4-0", type: "backup.updated", clusterId: "c1" as ClusterId, backupId: "b1", at: 5, fields: backupEventFields(toJson(BackupSchema, backup)) });
    expect(event.change).toMatchObject({ case: "backup", value: { type: BackupChangeType.UPDATED, backup: { id: "b1", phase: BackupPhase.IN_PROGRESS, progress: { itemsDone: 5n } } } });
    const policy = create(PolicySchema, { id: "p1", name: "nightly", schedule: "0 2 * * *" });
    const fired = toWireEvent({ id: "5-0", type: "policy.fired", policyId: "p1", at: 5, fields: policyEventFields(toJson(PolicySchema, policy), ["b1", "b2"]) });
    expect(fired.change).toMatchObject({ case: "policy", value: { type: PolicyChangeType.FIRED, policy: { name: "nightly" }, backupIds: ["b1", "b2"] } });
  });

  it("filters by cluster: its own, its tasks' and its backups' changes, never tokens or policies", () => {
    expect(isEventOfCluster(taskEvent({}), "c1")).toBe(true);
    expect(isEventOfCluster(taskEvent({}), "c2")).toBe(false);
    expect(isEventOfCluster({ id: "1", type: "token.used", clusterId: "c1" as ClusterId, at: 1, fields: {} }, "c1")).toBe(false);
    expect(isEventOfCluster({ id: "1", type: "backup.created", clusterId: "c1" as ClusterId, at: 1, fields: {} }, "c1")).toBe(true);
    expect(isEventOfCluster({ id: "1", type: "backup.created", clusterId: "c2" as ClusterId, at: 1, fields: {} }, "c1")).toBe(false);
    expect(isEventOfCluster({ id: "1", type: "policy.fired", at: 1, fields: {} }, "c1")).toBe(false);
  });
});

describe("wire tasks", () => {
  it("stores a spec as its kind and proto JSON, and reads it back", () => {
    const spec = create(TaskSpecSchema, { kind: { case: "inventory", value: {} } });
    const { kind, payload } = specToPayload(spec);
    expect(kind).toBe("inventory");
    expect(payload).toEqual({ inventory: {} });
    const record: TaskRecord = {
      id: "t1" as TaskId,
      clusterId: "c1" as ClusterId,
      kind,
      spec: payload,
      state: "leased",
      attempts: 2,
      maxAttempts: 3,
      leaseExpiresAt: 99,
      createdAt: 1,
      updatedAt: 2,
      seq: 1,
    };
    expect(toWireTask(record)).toMatchObject({ attempt: 2, state: TaskState.LEASED, spec: { kind: { case: "inventory" } }, endTime: undefined });
  });

  it("refuses a spec without a kind, naming the field", () => {
    expect(() => specToPayload(create(TaskSpecSchema), "spec")).toThrow(/spec names no task kind: set one of inventory/);
  });
});
