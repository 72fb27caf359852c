import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, BackupSchema, BackupSpecSchema, type Backup } from "@lifeboat/proto";
import { silentLog, type ClusterId } from "../../../../hub/src/index.js";
import { startBackups, type RedisBackupCatalog } from "../../../../hub/src/backups/index.js";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeAgentRun, TestDirectory, startCatalogHub, useHubPerTest, useRedisAndRepository, waitFor, waitForPhase, type CatalogHub } from "./support/catalog-fixture.js";

const east = "east" as ClusterId;
const spec = create(BackupSpecSchema, { repository: "main" });

const summary = { items: 12n, itemVersions: 14n, bytes: 4096n, itemsPerResource: { configmaps: 12n } };

describe("tracking backups through their tasks", () => {
  const suite = useRedisAndRepository();
  const each = useHubPerTest(suite, startCatalogHub, { clusters: ["east"], expectNoErrors: true });
  let directory: TestDirectory;
  let hub: CatalogHub;
  beforeEach(() => void ({ hub, directory } = each));

  async function launchOne(): Promise<Backup> {
    const [backup] = await hub.catalog.launch({ clusterIds: [east], spec });
    return backup!;
  }

  function waitForBackupPhase(id: string, phase: BackupPhase, catalog: RedisBackupCatalog = hub.catalog): Promise<Backup> {
    return waitForPhase(`backup ${id} in phase ${BackupPhase[phase]}`, phase, () => catalog.get(id));
  }

  it("moves a backup to IN_PROGRESS with its progress, then COMPLETED with the agent's result", async () => {
    hub.tracker().start();
    const backup = await launchOne();
    const run = await FakeAgentRun.lease(hub.queue, east);
    expect(run.taskId).toBe(backup.taskId);
    const leased = await waitForBackupPhase(backup.id, BackupPhase.IN_PROGRESS);
    expect(leased.startTime).toBeDefined();

    await run.progress("serialize", { items_done: 5n, items_total: 12n, bytes: 2048n });
    await waitFor("progress", async () => (await hub.catalog.get(backup.id)).progress?.itemsDone === 5n);
    expect((await hub.catalog.get(backup.id)).progress).toMatchObject({ stage: "serialize", itemsDone: 5n, itemsTotal: 12n, bytes: 2048n });

    const started = Date.now() - 5_000;
    await run.complete({
      kind: {
        case: "backup",
        value: { phase: BackupPhase.COMPLETED, summary, kubernetesVersion: "v1.31.0", clusterFingerprint: "fp-east", startTime: timestampFromMs(started), completionTime: timestampFromMs(started + 4_000) },
      },
    });
    const done = await waitForBackupPhase(backup.id, BackupPhase.COMPLETED);
    expect(done.summary).toMatchObject(summary);
    expect(done).toMatchObject({ kubernetesVersion: "v1.31.0", clusterFingerprint: "fp-east" });
    expect(done.progress).toBeUndefined();
    expect(timestampMs(done.startTime!)).toBe(started);
    expect(timestampMs(done.completionTime!)).toBe(started + 4_000);
  });

  it("records a PARTIALLY_FAILED result as such", async () => {
    hub.tracker().start();
    const backup = await launchOne();
    const run = await FakeAgentRun.lease(hub.queue, east);
    await run.complete({ kind: { case: "backup", value: { phase: BackupPhase.PARTIALLY_FAILED, summary: { ...summary, errors: [{ resource: "secrets", message: "forbidden" }] } } } });
    const done = await waitForBackupPhase(backup.id, BackupPhase.PARTIALLY_FAILED);
    expect(done.summary?.errors.map((e) => e.message)).toEqual(["forbidden"]);
    expect(done.completionTime).toBeDefined();
  });

  it("records a failed task as FAILED with its reason, and the agent's INVALID_ARGUMENT as FAILED_VALIDATION", async () => {
    hub.tracker().start();
    const failed = await launchOne();
    const refused = await launchOne();
    const first = await FakeAgentRun.lease(hub.queue, east);
    await first.fail("UNAVAILABLE", "repository main: storage unreachable");
    const second = await FakeAgentRun.lease(hub.queue, east);
    await second.fail("INVALID_ARGUMENT", 'spec.included_resources[0]: "widgets" is not served by this cluster');

    expect((await waitForBackupPhase(failed.id, BackupPhase.FAILED)).failureReason).toBe("repository main: storage unreachable");
    expect((await waitForBackupPhase(refused.id, BackupPhase.FAILED_VALIDATION)).validationErrors).toEqual(['spec.included_resources[0]: "widgets" is not served by this cluster']);
  });

  it("keeps a backup IN_PROGRESS while a retryable failure re-queues its task, and FAILED on cancel", async () => {
    hub.tracker().start();
    const backup = await launchOne();
    const run = await FakeAgentRun.lease(hub.queue, east);
    await hub.queue.fail(run.taskId, run.owner, { code: "UNAVAILABLE", message: "stream lost" }, { retryable: true });
    await waitForBackupPhase(backup.id, BackupPhase.IN_PROGRESS);
    await hub.queue.cancel(run.taskId, "operator stopped it");
    const cancelled = await waitForBackupPhase(backup.id, BackupPhase.FAILED);
    expect(cancelled.failureReason).toBe("cancelled: operator stopped it");
  });

  it("never marks a backup COMPLETED from progress alone, nor changes a finished one", async () => {
    const tracker = hub.tracker();
    const backup = await launchOne();
    const run = await FakeAgentRun.lease(hub.queue, east);
    await run.progress("manifest", { items_done: 12n, items_total: 12n });
    await run.fail("INTERNAL", "manifest write failed");
    // A late progress event (replayed, as after a restart) leaves the FAILED backup alone.
    const events = await hub.events.read("0", 100);
    for (const event of events) await tracker.apply(event);
    expect((await hub.catalog.get(backup.id)).phase).toBe(BackupPhase.FAILED);
    for (const event of events.filter((e) => e.type === "progress")) await tracker.apply({ ...event, id: "99999999999999-0" });
    expect((await hub.catalog.get(backup.id)).phase).toBe(BackupPhase.FAILED);
  });

  it("gives the same records when two trackers on one Redis apply the same events", async () => {
    const other = await startCatalogHub(suite.redisUrl, hub.prefix, directory);
    try {
      hub.tracker().start();
      other.tracker().start();
      const backups = [await launchOne(), await launchOne(), await launchOne()];
      const runs = [await FakeAgentRun.lease(hub.queue, east), await FakeAgentRun.lease(hub.queue, east), await FakeAgentRun.lease(hub.queue, east)];
      for (const [i, run] of runs.entries()) await run.progress("serialize", { items_done: BigInt(i + 1), items_total: 10n });
      await runs[0]!.complete({ kind: { case: "backup", value: { phase: BackupPhase.COMPLETED, summary } } });
      await runs[1]!.fail("INTERNAL", "boom");
      await waitForBackupPhase(backups[0]!.id, BackupPhase.COMPLETED);
      await waitForBackupPhase(backups[1]!.id, BackupPhase.FAILED);
      await waitFor("third backup's progress", async () => (await hub.catalog.get(backups[2]!.id)).progress?.itemsDone === 3n);

      // Replaying the whole log on a third tracker changes nothing.
      const before = await Promise.all(backups.map(async (b) => (await hub.catalog.store.read(b.id))!));
      const replay = other.tracker();
      for (const event of await hub.events.read("0", 1000)) await replay.apply(event);
      const after = await Promise.all(backups.map(async (b) => (await hub.catalog.store.read(b.id))!));
      expect(after).toEqual(before);
      expect(await other.catalog.listAll({})).toEqual(await hub.catalog.listAll({}));
      // Each change was written once, however many trackers applied it: leased, progress, completed.
      const updates = (await hub.events.readAll("0", 1000)).filter((e) => e.type === "backup.updated" && e.backupId === backups[0]!.id);
      expect(updates).toHaveLength(3);
    } finally {
      await other.close();
      expect(other.errors).toEqual([]);
    }
  });

  it("resumes from the shared cursor after a restart, catching up on what happened meanwhile", async () => {
    const first = hub.tracker();
    first.start();
    const backup = await launchOne();
    const run = await FakeAgentRun.lease(hub.queue, east);
    await waitForBackupPhase(backup.id, BackupPhase.IN_PROGRESS);
    await first.close();
    const cursor = await first.cursor();
    expect(cursor).not.toBe("0");

    await run.complete({ kind: { case: "backup", value: { phase: BackupPhase.COMPLETED, summary } } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await hub.catalog.get(backup.id)).phase).toBe(BackupPhase.IN_PROGRESS);
    hub.tracker().start();
    await waitForBackupPhase(backup.id, BackupPhase.COMPLETED);
  });

  it("reconciles unfinished backups with their tasks' present state", async () => {
    const tracker = hub.tracker();
    const backup = await launchOne();
    const run = await FakeAgentRun.lease(hub.queue, east);
    await run.complete({ kind: { case: "backup", value: { phase: BackupPhase.COMPLETED, summary } } });
    expect(await tracker.reconcile()).toBe(1);
    expect((await hub.catalog.get(backup.id)).phase).toBe(BackupPhase.COMPLETED);
    expect(await tracker.reconcile()).toBe(0);
  });

  it("fails a NEW backup whose task was never queued, once it is old enough", async () => {
    const tracker = hub.tracker();
    const id = "c".repeat(32);
    const orphan = create(BackupSchema, { id, clusterId: "east", phase: BackupPhase.NEW, taskId: id, spec, createTime: timestampFromMs(Date.now() - 10 * 60_000) });
    const young = create(BackupSchema, { id: "d".repeat(32), clusterId: "east", phase: BackupPhase.NEW, taskId: "d".repeat(32), spec, createTime: timestampFromMs(Date.now()) });
    expect(await hub.catalog.store.create(orphan)).toBe(true);
    expect(await hub.catalog.store.create(young)).toBe(true);
    expect(await tracker.reconcile()).toBe(1);
    expect(await hub.catalog.get(id)).toMatchObject({ phase: BackupPhase.FAILED, failureReason: expect.stringMatching(/its task was never queued/) });
    expect((await hub.catalog.get(young.id)).phase).toBe(BackupPhase.NEW);
  });

  it("runs in a hub process through startBackups: tracked, and stopped cleanly", async () => {
    const running = await startBackups({ redis: hub.redis, prefix: hub.prefix, queue: hub.queue, events: hub.events, clusters: hub.clusters, directory, log: silentLog, expiryEveryMs: 60_000 });
    try {
      const [backup] = await running.catalog.launch({ clusterIds: [east], spec });
      const run = await FakeAgentRun.lease(hub.queue, east);
      await run.complete({ kind: { case: "backup", value: { phase: BackupPhase.COMPLETED, summary } } });
      await waitForBackupPhase(backup!.id, BackupPhase.COMPLETED, running.catalog);
    } finally {
      await running.close();
    }
  });
});
