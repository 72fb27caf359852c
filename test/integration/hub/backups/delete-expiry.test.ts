import { create } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { BackupPhase, BackupSpecSchema, type Backup } from "@lifeboat/proto";
import type { ClusterId } from "../../../../hub/src/index.js";
import { beforeEach, describe, expect, it } from "vitest";
import { ExpirySweeper } from "../../../../hub/src/backups/index.js";
import {
  FakeAgentRun,
  TestDirectory,
  backupRecordsIn,
  startCatalogHub,
  waitFor,
  useHubPerTest,
  useRedisAndRepository,
  writeFinishedBackup,
  type CatalogHub,
} from "./support/catalog-fixture.js";

const east = "east" as ClusterId;

describe("deleting backups", () => {
  const suite = useRedisAndRepository();
  const each = useHubPerTest(suite, startCatalogHub, { clusters: ["east"] });
  let directory: TestDirectory;
  let hub: CatalogHub;
  beforeEach(() => void ({ hub, directory } = each));

  /** A backup the agent finished: task completed, records in the repository, catalog COMPLETED. */
  async function finishedBackup(ttlSeconds?: bigint): Promise<Backup> {
    const spec = create(BackupSpecSchema, { repository: "main", ...(ttlSeconds ? { ttl: create(DurationSchema, { seconds: ttlSeconds }) } : {}) });
    const [backup] = await hub.catalog.launch({ clusterIds: [east], spec });
    const run = await FakeAgentRun.lease(hub.queue, east);
    await writeFinishedBackup(suite.access, backup!);
    await run.complete({ kind: { case: "backup", value: { phase: BackupPhase.COMPLETED } } });
    const tracker = hub.tracker();
    for (const event of await hub.events.read("0", 1000)) await tracker.apply(event);
    expect((await hub.catalog.get(backup!.id)).phase).toBe(BackupPhase.COMPLETED);
    return backup!;
  }

  it("removes the backup's records from the repository and then from the catalog", async () => {
    const backup = await finishedBackup();
    const keep = await finishedBackup();
    expect(await backupRecordsIn(suite.access)).toEqual(expect.arrayContaining([`backups/${backup.id}/manifest`, `backups/${backup.id}/log`, `backups/${backup.id}/results`]));

    const deleted = await hub.catalog.delete(backup.id);
    expect(deleted).toMatchObject({ id: backup.id, phase: BackupPhase.DELETING });
    expect((await backupRecordsIn(suite.access)).filter((name) => name.includes(backup.id))).toEqual([]);
    expect((await backupRecordsIn(suite.access)).filter((name) => name.includes(keep.id))).toHaveLength(3);
    await expect(hub.catalog.get(backup.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await hub.catalog.listAll({})).map((b) => b.id)).toEqual([keep.id]);
    expect(await hub.catalog.list({ phase: BackupPhase.DELETING }, { size: 10 })).toEqual({ backups: [], nextPageToken: "" });

    const changes = (await hub.events.readAll("0", 1000)).filter((e) => e.type.startsWith("backup.") && "backupId" in e && e.backupId === backup.id).map((e) => e.type);
    expect(changes.slice(-2)).toEqual(["backup.updated", "backup.deleted"]);
    await expect(hub.catalog.delete(backup.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("leaves the backup DELETING with the reason when the repository cannot be reached, and retries on the next delete", async () => {
    const backup = await finishedBackup();
    directory.reachable = false;
    await expect(hub.catalog.delete(backup.id)).rejects.toMatchObject({ code: "UNAVAILABLE", field: "id" });
    const stuck = await hub.catalog.get(backup.id);
    expect(stuck.phase).toBe(BackupPhase.DELETING);
    expect(stuck.failureReason).toMatch(/stays DELETING: repository "main" could not be reached/);
    expect(await backupRecordsIn(suite.access)).toContain(`backups/${backup.id}/manifest`);

    directory.reachable = true;
    await hub.catalog.delete(backup.id);
    await expect(hub.catalog.get(backup.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await backupRecordsIn(suite.access)).filter((name) => name.includes(backup.id))).toEqual([]);
  });

  it("cancels a backup's live task first, and the cancellation changes nothing after", async () => {
    hub.tracker().start();
    const [queued] = await hub.catalog.launch({ clusterIds: [east], spec: create(BackupSpecSchema, { repository: "main" }) });
    const [running] = await hub.catalog.launch({ clusterIds: [east], spec: create(BackupSpecSchema, { repository: "main" }) });
    // The first task is the running one: the queue is FIFO.
    const run = await FakeAgentRun.lease(hub.queue, east);
    expect(run.taskId).toBe(queued!.taskId);
    await waitFor("IN_PROGRESS", async () => (await hub.catalog.get(queued!.id)).phase === BackupPhase.IN_PROGRESS);

    await hub.catalog.delete(queued!.id);
    await hub.catalog.delete(running!.id);
    expect((await hub.queue.get(queued!.taskId as never))?.state).toBe("cancelled");
    expect((await hub.queue.get(running!.taskId as never))?.state).toBe("cancelled");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await hub.catalog.listAll({})).toEqual([]);
    expect(hub.errors).toEqual([]);
  });

  it("deletes a FAILED_VALIDATION backup without touching a repository", async () => {
    const [refused] = await hub.catalog.launch({ clusterIds: [east], spec: create(BackupSpecSchema, { repository: "" }) });
    expect(refused!.phase).toBe(BackupPhase.FAILED_VALIDATION);
    const calls = directory.calls;
    await hub.catalog.delete(refused!.id);
    expect(directory.calls).toBe(calls);
    expect(await hub.catalog.listAll({})).toEqual([]);
  });

  it("deletes backups past their expire time on a schedule, and no others", async () => {
    const shortLived = await finishedBackup(1n);
    const kept = await finishedBackup();
    const expired: string[] = [];
    const errors: unknown[] = [];
    const sweeper = new ExpirySweeper({
      store: hub.catalog.store,
      deleteBackup: (id) => hub.catalog.delete(id),
      connection: hub.redis.bullmq,
      everyMs: 200,
      onExpired: (id) => expired.push(id),
      onError: (err) => errors.push(err),
    });
    await sweeper.start();
    try {
      await waitFor("the expired backup to be deleted", () => expired.length > 0, 15_000);
    } finally {
      await sweeper.close();
    }
    expect(expired).toEqual([shortLived.id]);
    expect(errors).toEqual([]);
    expect((await hub.catalog.listAll({})).map((b) => b.id)).toEqual([kept.id]);
    expect((await backupRecordsIn(suite.access)).filter((name) => name.includes(shortLived.id))).toEqual([]);
  });
});
