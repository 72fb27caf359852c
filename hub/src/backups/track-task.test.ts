import { create, toBinary, toJson } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, BackupSchema, TaskProgressSchema, TaskResultSchema, type Backup } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../queue/index.js";
import { applyTaskChange } from "./track-task.js";

const backup = (phase = BackupPhase.NEW): Backup => create(BackupSchema, { id: "a".repeat(32), clusterId: "east", phase, taskId: "a".repeat(32) });
const progress = (message: string, counters: Record<string, bigint>): JsonValue => toJson(TaskProgressSchema, create(TaskProgressSchema, { message, counters })) as JsonValue;

describe("applyTaskChange", () => {
  it("starts a backup on lease and follows its progress counters", () => {
    const leased = applyTaskChange(backup(), { state: "leased", at: 1_000 })!;
    expect(leased.phase).toBe(BackupPhase.IN_PROGRESS);
    expect(timestampMs(leased.startTime!)).toBe(1_000);
    const moving = applyTaskChange(leased, { state: "leased", at: 2_000, progress: progress("serialize", { items_done: 3n, items_total: 9n, bytes: 100n, other: 5n }) })!;
    expect(moving.progress).toMatchObject({ stage: "serialize", itemsDone: 3n, itemsTotal: 9n, bytes: 100n });
    expect(timestampMs(moving.startTime!)).toBe(1_000);
    // A second lease (after a retry) keeps the first start time and the last progress.
    expect(timestampMs(applyTaskChange(moving, { state: "leased", at: 5_000 })!.startTime!)).toBe(1_000);
  });

  it("takes the volume counters the agent reports during the volumes stage", () => {
    const counters = { volumes_done: 1n, volumes_total: 3n, volume_bytes_done: 432_013_312n, volume_bytes_total: 2_147_483_648n, volume_bytes_per_second: 180_000_000n, volume_eta_seconds: 9n };
    const moving = applyTaskChange(backup(BackupPhase.IN_PROGRESS), { state: "leased", at: 2_000, progress: progress("volumes", counters) })!;
    expect(moving.progress).toMatchObject({
      stage: "volumes",
      volumesDone: 1n,
      volumesTotal: 3n,
      volumeBytesDone: 432_013_312n,
      volumeBytesTotal: 2_147_483_648n,
      volumeBytesPerSecond: 180_000_000n,
      volumeEtaSeconds: 9n,
    });
    const before = applyTaskChange(backup(BackupPhase.IN_PROGRESS), { state: "leased", at: 2_000, progress: progress("serialize", { items_done: 1n }) })!;
    expect(before.progress).toMatchObject({ volumesDone: 0n, volumesTotal: 0n, volumeBytesPerSecond: 0n, volumeEtaSeconds: 0n });
  });

  it("completes only with a backup result", () => {
    const result = toBinary(TaskResultSchema, create(TaskResultSchema, { kind: { case: "backup", value: { phase: BackupPhase.PARTIALLY_FAILED, kubernetesVersion: "v1.30.1", completionTime: timestampFromMs(9_000) } } }));
    const done = applyTaskChange(backup(BackupPhase.IN_PROGRESS), { state: "completed", at: 10_000, result })!;
    expect(done).toMatchObject({ phase: BackupPhase.PARTIALLY_FAILED, kubernetesVersion: "v1.30.1" });
    expect(timestampMs(done.completionTime!)).toBe(9_000);
    const empty = applyTaskChange(backup(BackupPhase.IN_PROGRESS), { state: "completed", at: 10_000 })!;
    expect(empty.phase).toBe(BackupPhase.FAILED);
    expect(empty.failureReason).toMatch(/without a backup result/);
    const inventory = toBinary(TaskResultSchema, create(TaskResultSchema, { kind: { case: "inventory", value: {} } }));
    expect(applyTaskChange(backup(), { state: "completed", at: 1, result: inventory })!.phase).toBe(BackupPhase.FAILED);
  });

  it("tells refused specs from other failures, and records cancellations", () => {
    expect(applyTaskChange(backup(), { state: "failed", at: 1, error: { code: "INVALID_ARGUMENT", message: "spec.x: bad" } })).toMatchObject({ phase: BackupPhase.FAILED_VALIDATION, validationErrors: ["spec.x: bad"] });
    expect(applyTaskChange(backup(), { state: "failed", at: 1, error: { code: "LEASE_EXPIRED", message: "lease expired after 3 attempts" } })).toMatchObject({ phase: BackupPhase.FAILED, failureReason: "lease expired after 3 attempts" });
    expect(applyTaskChange(backup(), { state: "cancelled", at: 1, error: { code: "CANCELLED", message: "stop" } })).toMatchObject({ phase: BackupPhase.FAILED, failureReason: "cancelled: stop" });
  });

  it("leaves settled and deleting backups, and re-queued tasks, alone", () => {
    for (const phase of [BackupPhase.COMPLETED, BackupPhase.PARTIALLY_FAILED, BackupPhase.FAILED, BackupPhase.FAILED_VALIDATION, BackupPhase.DELETING]) {
      expect(applyTaskChange(backup(phase), { state: "leased", at: 1 })).toBeUndefined();
      expect(applyTaskChange(backup(phase), { state: "failed", at: 1 })).toBeUndefined();
    }
    expect(applyTaskChange(backup(BackupPhase.IN_PROGRESS), { state: "queued", at: 1 })).toBeUndefined();
  });

  it("does not change the backup it is given", () => {
    const before = backup();
    applyTaskChange(before, { state: "leased", at: 1 });
    expect(before.phase).toBe(BackupPhase.NEW);
  });
});
