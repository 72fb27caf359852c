import { create, fromJson, type JsonValue, type MessageInitShape } from "@bufbuild/protobuf";
import { DurationSchema, timestampMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, BackupSpecSchema, TaskSpecSchema, type BackupSpec } from "@lifeboat/proto";
import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_TTL_MS, withRepositoryCredentials } from "../../../../hub/src/backups/index.js";
import { PASSWORD, TestDirectory, startCatalogHub, useHubPerTest, useRedisAndRepository, type CatalogHub } from "./support/catalog-fixture.js";

const spec = (fields: MessageInitShape<typeof BackupSpecSchema> = {}): BackupSpec => create(BackupSpecSchema, { repository: "main", includedNamespaces: ["shop"], labels: { app: "shop" }, ...fields });

describe("launching backups", () => {
  const suite = useRedisAndRepository();
  const each = useHubPerTest(suite, startCatalogHub, { clusters: ["east", "west"] });
  let directory: TestDirectory;
  let hub: CatalogHub;
  beforeEach(() => void ({ hub, directory } = each));

  it("records one NEW backup per cluster and queues exactly one backup task each, without credentials", async () => {
    const before = Date.now();
    const backups = await hub.catalog.launch({ clusterIds: ["east", "west"], spec: spec(), policyId: "pol-1" });
    expect(backups.map((b) => [b.clusterId, b.clusterName, b.phase, b.policyId])).toEqual([
      ["east", "east", BackupPhase.NEW, "pol-1"],
      ["west", "west", BackupPhase.NEW, "pol-1"],
    ]);
    for (const b of backups) {
      expect(b.id).toMatch(/^[0-9a-f]{32}$/);
      expect(b.taskId).toBe(b.id);
      expect(b.labels).toEqual({ app: "shop" });
      const expires = timestampMs(b.expireTime!) - timestampMs(b.createTime!);
      expect(expires).toBe(DEFAULT_TTL_MS);
      expect(timestampMs(b.createTime!)).toBeGreaterThanOrEqual(before);
      expect(await hub.catalog.get(b.id)).toEqual(b);
    }

    const tasks = (await hub.queue.list({ limit: 100 })).tasks;
    expect(tasks).toHaveLength(2);
    expect(await hub.queue.depth("east" as never)).toBe(1);
    expect(await hub.queue.depth("west" as never)).toBe(1);
    const stored = tasks.find((t) => t.clusterId === "east")!;
    expect(stored.kind).toBe("backup");
    expect(JSON.stringify(stored.spec)).not.toContain(PASSWORD);
    const taskSpec = fromJson(TaskSpecSchema, stored.spec as JsonValue);
    expect(taskSpec.kind.case).toBe("backup");
    if (taskSpec.kind.case !== "backup") return;
    expect(taskSpec.kind.value.backup?.id).toBe(backups[0]!.id);
    expect(taskSpec.kind.value.repository).toMatchObject({ name: "main", url: directory.repository.url });
    expect(taskSpec.kind.value.repository?.credentials).toBeUndefined();

    // Credentials are filled only on the way to the agent.
    const handed = await withRepositoryCredentials(taskSpec, directory);
    expect(handed.kind.case === "backup" && handed.kind.value.repository?.credentials?.password).toBe(PASSWORD);
    expect(taskSpec.kind.value.repository?.credentials).toBeUndefined();
  });

  it("keeps a backup for its spec's ttl", async () => {
    const [b] = await hub.catalog.launch({ clusterIds: ["east"], spec: spec({ ttl: create(DurationSchema, { seconds: 3600n }) }) });
    expect(timestampMs(b!.expireTime!) - timestampMs(b!.createTime!)).toBe(3_600_000);
  });

  it("records FAILED_VALIDATION backups with every problem and queues nothing for an invalid spec", async () => {
    const backups = await hub.catalog.launch({ clusterIds: ["east", "west"], spec: spec({ includedNamespaces: ["shop", "Foo"], excludedNamespaces: ["shop"] }) });
    expect(backups.map((b) => b.phase)).toEqual([BackupPhase.FAILED_VALIDATION, BackupPhase.FAILED_VALIDATION]);
    expect(backups[0]!.validationErrors).toEqual([
      'spec.included_namespaces[1]: "Foo" is not a valid namespace name or glob',
      'spec.included_namespaces[0]: "shop" is also in spec.excluded_namespaces; name it in one list only',
    ]);
    expect(backups[0]!.taskId).toBe("");
    expect((await hub.queue.list()).tasks).toHaveLength(0);
    expect((await hub.catalog.list({ phase: BackupPhase.FAILED_VALIDATION }, { size: 10 })).backups).toHaveLength(2);
  });

  it("refuses an unknown cluster or repository before recording anything", async () => {
    await expect(hub.catalog.launch({ clusterIds: ["east", "nowhere"], spec: spec() })).rejects.toMatchObject({ code: "NOT_FOUND", field: "cluster_ids[1]", message: "cluster nowhere not found" });
    await expect(hub.catalog.launch({ clusterIds: ["east"], spec: spec({ repository: "elsewhere" }) })).rejects.toMatchObject({ code: "NOT_FOUND", field: "repository" });
    await expect(hub.catalog.launch({ clusterIds: ["east", "east"], spec: spec() })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect((await hub.catalog.listAll({})).length).toBe(0);
    expect((await hub.queue.list()).tasks).toHaveLength(0);
  });

  it("announces each new backup on the event log", async () => {
    const [b] = await hub.catalog.launch({ clusterIds: ["east"], spec: spec() });
    const events = await hub.events.readAll("0", 1000);
    const created = events.filter((e) => e.type === "backup.created");
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ backupId: b!.id, clusterId: "east" });
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });
});
