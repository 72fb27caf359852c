import { create, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { BackupPhase, RestorePhase, RestoreSpecSchema, TaskSpecSchema, type RestoreSpec } from "@lifeboat/proto";
import { beforeEach, describe, expect, it } from "vitest";
import { toWireTask } from "../../../../hub/src/grpc/wire-task.js";
import { restoreAssignmentPreparer } from "../../../../hub/src/restores/index.js";
import { create as createMessage } from "@bufbuild/protobuf";
import { TaskSchema } from "@lifeboat/proto";
import { TestDirectory, useHubPerTest, useRedisAndRepository } from "../backups/support/catalog-fixture.js";
import { recordBackup, restoreEventTypes, startRestoreHub, type RestoreHub } from "./support/restore-fixture.js";

function spec(fields: Partial<Omit<RestoreSpec, "$typeName">>): RestoreSpec {
  return Object.assign(create(RestoreSpecSchema), fields);
}

describe("creating restores", () => {
  const suite = useRedisAndRepository();
  const each = useHubPerTest(suite, startRestoreHub, { clusters: ["east", "west"], expectNoErrors: true });
  let directory: TestDirectory;
  let hub: RestoreHub;
  beforeEach(() => void ({ hub, directory } = each));

  async function nothingRecordedOrQueued(): Promise<void> {
    expect((await hub.restores.list({}, { size: 10 })).restores).toEqual([]);
    expect((await hub.queue.list({ clusterId: "west" as never, limit: 10 })).tasks).toEqual([]);
    expect(await restoreEventTypes(hub)).toEqual([]);
  }

  it("records a NEW restore from the backup's catalog entry and queues its task on the target, without credentials", async () => {
    const backup = await recordBackup(hub, "east");
    const restore = await hub.restores.create({ cluster: "west", spec: spec({ backupId: backup.id, namespaceMapping: { shop: "shop-copy" }, labels: { reason: "drill" } }) });
    expect(restore).toMatchObject({
      phase: RestorePhase.NEW,
      clusterId: "west",
      clusterName: "west",
      sourceClusterId: "east",
      sourceClusterName: "east-name",
      repository: "main",
      taskId: restore.id,
      labels: { reason: "drill" },
      kubernetesVersion: "v1.31.0",
    });
    expect(restore.createTime).toBeDefined();
    expect(await hub.restores.get(restore.id)).toEqual(restore);

    const task = await hub.queue.get(restore.taskId as never);
    expect(task).toMatchObject({ clusterId: "west", kind: "restore", state: "queued" });
    const queued = fromJson(TaskSpecSchema, task!.spec as JsonValue);
    expect(queued.kind.case).toBe("restore");
    if (queued.kind.case !== "restore") return;
    expect(queued.kind.value.restore?.id).toBe(restore.id);
    expect(queued.kind.value.sourceKubernetesVersion).toBe("v1.16.15");
    expect(queued.kind.value.repository).toMatchObject({ name: "main", url: suite.access.url });
    expect(queued.kind.value.repository?.credentials).toBeUndefined();
    expect(JSON.stringify(task!.spec)).not.toContain("correct horse");

    // The credentials are added only as the task is handed to the agent.
    const prepared = await restoreAssignmentPreparer(directory)(createMessage(TaskSchema, toWireTask(task!)));
    expect(prepared.spec?.kind.case === "restore" && prepared.spec.kind.value.repository?.credentials?.password).toBe("correct horse battery staple");
    expect(await restoreEventTypes(hub)).toEqual(["restore.created"]);
  });

  it("refuses an unknown cluster, naming it, and records nothing", async () => {
    const backup = await recordBackup(hub, "east");
    await expect(hub.restores.create({ cluster: "nowhere", spec: spec({ backupId: backup.id }) })).rejects.toMatchObject({ code: "NOT_FOUND", field: "cluster", message: expect.stringMatching(/"nowhere"/) });
    await nothingRecordedOrQueued();
  });

  it("refuses an unknown or malformed backup id, and records nothing", async () => {
    const unknown = "f".repeat(32);
    await expect(hub.restores.create({ cluster: "west", spec: spec({ backupId: unknown }) })).rejects.toMatchObject({ code: "NOT_FOUND", field: "spec.backup_id", message: expect.stringContaining(unknown) });
    await expect(hub.restores.create({ cluster: "west", spec: spec({ backupId: "bk-1" }) })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "spec.backup_id" });
    await expect(hub.restores.create({ cluster: "west", spec: spec({}) })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "spec.backup_id" });
    await nothingRecordedOrQueued();
  });

  it("refuses a backup that did not complete, saying which phase it is in", async () => {
    const running = await recordBackup(hub, "east", BackupPhase.IN_PROGRESS);
    const failed = await recordBackup(hub, "east", BackupPhase.FAILED);
    await expect(hub.restores.create({ cluster: "west", spec: spec({ backupId: running.id }) })).rejects.toMatchObject({ code: "FAILED_PRECONDITION", message: expect.stringMatching(/is IN_PROGRESS; only a COMPLETED or PARTIALLY_FAILED/) });
    await expect(hub.restores.create({ cluster: "west", spec: spec({ backupId: failed.id }) })).rejects.toMatchObject({ code: "FAILED_PRECONDITION", message: expect.stringMatching(/is FAILED/) });
    await nothingRecordedOrQueued();
  });

  it("restores a PARTIALLY_FAILED backup", async () => {
    const partial = await recordBackup(hub, "east", BackupPhase.PARTIALLY_FAILED);
    const restore = await hub.restores.create({ cluster: "west", spec: spec({ backupId: partial.id }) });
    expect(restore.phase).toBe(RestorePhase.NEW);
  });

  it("refuses a bad mapping with the field named, and records and queues nothing", async () => {
    const backup = await recordBackup(hub, "east");
    await expect(hub.restores.create({ cluster: "west", spec: spec({ backupId: backup.id, namespaceMapping: { shop: "Not_A_Namespace" } }) })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining("namespace_mapping"),
    });
    await expect(hub.restores.create({ cluster: "west", spec: spec({ backupId: backup.id, resourceModifiers: "version: v1\nresourceModifierRules: [{" }) })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await nothingRecordedOrQueued();
  });
});
