import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  BackupPhase,
  BackupSpecSchema,
  CreateBackupRequestSchema,
  DeleteBackupRequestSchema,
  GetBackupLogsRequestSchema,
  GetBackupRequestSchema,
  ListBackupsRequestSchema,
  SyncRepositoryRequestSchema,
  type RepositoryAccess,
} from "@lifeboat/proto";
import { silentLog, type ClusterId } from "../../../../hub/src/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RunningRedis } from "../../../harness/src/redis-server.js";
import { createBackupHandlers, type AdminBackupHandlers } from "../../../../hub/src/grpc/admin-backups.js";
import { FakeAgentRun, TestDirectory, initRepository, registerCluster, removeDir, startCatalogHub, testPrefix, writeFinishedBackup, type CatalogHub } from "./support/catalog-fixture.js";

// The handlers take no context of their own.
const context = {} as never;

describe("AdminService backup calls", () => {
  let redis: RunningRedis;
  let repoDir: string;
  let access: RepositoryAccess;
  let hub: CatalogHub;
  let admin: AdminBackupHandlers;

  beforeAll(async () => {
    redis = await startRedis();
    const repo = await initRepository();
    repoDir = repo.dir;
    access = repo.access;
    hub = await startCatalogHub(redis.url, testPrefix(), new TestDirectory(access));
    await registerCluster(hub, "east");
    await registerCluster(hub, "west", { env: "prod" });
    admin = createBackupHandlers({
      catalog: hub.catalog,
      clusters: hub.clusters,
      clusterIdOfName: async (name) => (name === "east-name" ? "east" : undefined),
      policyIdOf: async (value) => (value === "nightly" ? "pol-1" : undefined),
      log: silentLog,
    });
  });
  afterAll(async () => {
    await hub?.close();
    await redis?.stop();
    await removeDir(repoDir);
  });

  const spec = create(BackupSpecSchema, { repository: "main", labels: { app: "shop" } });

  it("creates backups for named clusters or a selector, exactly one of the two", async () => {
    const byIds = await admin.createBackup(create(CreateBackupRequestSchema, { clusterIds: ["east", "west"], spec }), context);
    expect(byIds.backups?.map((b) => b.clusterId)).toEqual(["east", "west"]);
    await expect(admin.createBackup(create(CreateBackupRequestSchema, { spec }), context)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "cluster_ids" });
    await expect(admin.createBackup(create(CreateBackupRequestSchema, { clusterIds: ["east"], clusterSelector: "env=prod", spec }), context)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      field: "cluster_selector",
    });
    await expect(admin.createBackup(create(CreateBackupRequestSchema, { clusterSelector: "env=nowhere", spec }), context)).rejects.toMatchObject({ code: "NOT_FOUND", field: "cluster_selector" });
    const prod = await admin.createBackup(create(CreateBackupRequestSchema, { clusterSelector: "env=prod", spec }), context);
    expect(prod.backups?.map((b) => b.clusterId)).toEqual(["west"]);
    const refused = await admin.createBackup(create(CreateBackupRequestSchema, { clusterIds: ["east"] }), context);
    expect(refused.backups?.[0]).toMatchObject({ phase: BackupPhase.FAILED_VALIDATION, validationErrors: [expect.stringMatching(/^spec\.repository: required/)] });
  });

  it("lists by cluster name and policy name, with summary totals only; gets one with its whole summary", async () => {
    // Earlier tests queued east tasks; the policy's backup is the newest, so its task is leased last.
    const [made] = await hub.catalog.launch({ clusterIds: ["east"], spec, policyId: "pol-1" });
    let run: FakeAgentRun;
    do run = await FakeAgentRun.lease(hub.queue, "east" as ClusterId);
    while (run.taskId !== made!.taskId);
    await run.complete({ kind: { case: "backup", value: { phase: BackupPhase.COMPLETED, summary: { items: 9n } } } });
    const tracker = hub.tracker();
    for (const event of await hub.events.read("0", 1000)) await tracker.apply(event);

    const byCluster = await admin.listBackups(create(ListBackupsRequestSchema, { cluster: "east-name", pageSize: 2 }), context);
    expect(byCluster.backups).toHaveLength(2);
    expect(byCluster.backups!.every((b) => b.clusterId === "east")).toBe(true);
    expect(byCluster.nextPageToken).not.toBe("");
    const next = await admin.listBackups(create(ListBackupsRequestSchema, { cluster: "east", pageSize: 10, pageToken: byCluster.nextPageToken }), context);
    expect(next.backups!.length).toBeGreaterThan(0);
    expect(next.nextPageToken).toBe("");

    const completed = await admin.listBackups(create(ListBackupsRequestSchema, { policy: "nightly", phase: BackupPhase.COMPLETED, createdAfter: timestampFromMs(Date.now() - 60_000), labelSelector: "app=shop" }), context);
    expect(completed.backups).toHaveLength(1);
    expect(completed.backups![0]!.summary).toMatchObject({ items: 9n, itemsPerResource: {} });
    const got = await admin.getBackup(create(GetBackupRequestSchema, { id: completed.backups![0]!.id }), context);
    expect(got.backup?.summary?.items).toBe(9n);
    await expect(admin.getBackup(create(GetBackupRequestSchema, { id: "" }), context)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "id" });
    await expect(admin.listBackups(create(ListBackupsRequestSchema, { pageSize: 5000 }), context)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "page_size" });
  });

  it("gives logs, deletes and syncs", async () => {
    const [backup] = await hub.catalog.launch({ clusterIds: ["west"], spec });
    await writeFinishedBackup(access, backup!);
    const logs = await admin.getBackupLogs(create(GetBackupLogsRequestSchema, { id: backup!.id }), context);
    expect(logs.lines).toHaveLength(1);
    expect(await admin.syncRepository(create(SyncRepositoryRequestSchema, { name: "main" }), context)).toMatchObject({ added: 0, known: 1 });
    await expect(admin.syncRepository(create(SyncRepositoryRequestSchema, { name: "" }), context)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "name" });
    const deleted = await admin.deleteBackup(create(DeleteBackupRequestSchema, { id: backup!.id }), context);
    expect(deleted.backup).toMatchObject({ id: backup!.id, phase: BackupPhase.DELETING });
    await expect(admin.getBackup(create(GetBackupRequestSchema, { id: backup!.id }), context)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
