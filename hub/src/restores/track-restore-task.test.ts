import { create, toBinary } from "@bufbuild/protobuf";
import { RestorePhase, RestoreSchema, TaskResultSchema, type Restore } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { applyRestoreTaskChange } from "./track-restore-task.js";

function restore(phase = RestorePhase.NEW): Restore {
  return create(RestoreSchema, { id: "a".repeat(32), clusterId: "west", phase, kubernetesVersion: "v1.30.0" });
}

function result(phase: RestorePhase): Uint8Array {
  return toBinary(TaskResultSchema, create(TaskResultSchema, { kind: { case: "restore", value: { phase, summary: { items: 2n, created: 2n } } } }));
}

describe("applyRestoreTaskChange", () => {
  it("takes the stage and item counters of a leased task's progress", () => {
    const next = applyRestoreTaskChange(restore(), { state: "leased", at: 1_000, progress: { message: "apply", counters: { items_done: "3", items_total: "9", bytes: "5" } } });
    expect(next).toMatchObject({ phase: RestorePhase.IN_PROGRESS, progress: { stage: "apply", itemsDone: 3n, itemsTotal: 9n } });
  });

  it("takes the volume counters of a leased task's progress", () => {
    const counters = { volumes_done: "2", volumes_total: "5", volume_bytes_done: "1048576", volume_bytes_total: "4194304", volume_bytes_per_second: "7" };
    const next = applyRestoreTaskChange(restore(), { state: "leased", at: 1_000, progress: { message: "volumes", counters } });
    expect(next?.progress).toMatchObject({ stage: "volumes", volumesDone: 2n, volumesTotal: 5n, volumeBytesDone: 1_048_576n, volumeBytesTotal: 4_194_304n });
  });

  it("ends in the result's phase, reading an unspecified one as COMPLETED", () => {
    expect(applyRestoreTaskChange(restore(), { state: "completed", at: 1, result: result(RestorePhase.PARTIALLY_FAILED) })?.phase).toBe(RestorePhase.PARTIALLY_FAILED);
    const done = applyRestoreTaskChange(restore(), { state: "completed", at: 1, result: result(RestorePhase.UNSPECIFIED) });
    expect(done).toMatchObject({ phase: RestorePhase.COMPLETED, summary: { items: 2n }, kubernetesVersion: "v1.30.0" });
  });

  it("turns the agent's INVALID_ARGUMENT and FAILED_PRECONDITION into FAILED_VALIDATION, other errors into FAILED", () => {
    for (const code of ["INVALID_ARGUMENT", "FAILED_PRECONDITION"]) {
      expect(applyRestoreTaskChange(restore(), { state: "failed", at: 1, error: { code, message: "bad" } })).toMatchObject({ phase: RestorePhase.FAILED_VALIDATION, validationErrors: ["bad"] });
    }
    expect(applyRestoreTaskChange(restore(), { state: "failed", at: 1, error: { code: "UNAVAILABLE", message: "gone" } })).toMatchObject({ phase: RestorePhase.FAILED, failureReason: "gone" });
    expect(applyRestoreTaskChange(restore(), { state: "cancelled", at: 1, error: { code: "CANCELLED", message: "stop" } })).toMatchObject({ phase: RestorePhase.FAILED, failureReason: "cancelled: stop" });
  });

  it("leaves a settled or deleting restore, and a re-queued task, as they are", () => {
    for (const phase of [RestorePhase.COMPLETED, RestorePhase.FAILED, RestorePhase.DELETING]) {
      expect(applyRestoreTaskChange(restore(phase), { state: "leased", at: 1 })).toBeUndefined();
    }
    expect(applyRestoreTaskChange(restore(RestorePhase.IN_PROGRESS), { state: "queued", at: 1 })).toBeUndefined();
  });
});
