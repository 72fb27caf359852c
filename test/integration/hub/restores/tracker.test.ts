import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { RestorePhase, RestoreSpecSchema, type Restore } from "@lifeboat/proto";
import { beforeEach, describe, expect, it } from "vitest";
import { silentLog, type ClusterId } from "../../../../hub/src/index.js";
import { startRestores } from "../../../../hub/src/restores/index.js";
import type { RedisRestoreCatalog } from "../../../../hub/src/restores/index.js";
import { FakeAgentRun, useHubPerTest, useRedisAndRepository, waitFor, waitForPhase } from "../backups/support/catalog-fixture.js";
import { recordBackup, restoreEventTypes, startRestoreHub, type RestoreHub } from "./support/restore-fixture.js";

const west = "west" as ClusterId;

const summary = {
  items: 12n,
  created: 9n,
  updated: 1n,
  skipped: 1n,
  failed: 1n,
  itemsPerResource: { configmaps: 10n, "ingresses.networking.k8s.io": 2n },
  conversions: { "ingresses.extensions/v1beta1 -> networking.k8s.io/v1": 2n },
  failures: [{ resource: "services", namespace: "shop", name: "web", message: "port 30080 is already allocated" }],
};

describe("tracking restores through their tasks", () => {
  const suite = useRedisAndRepository();
  const each = useHubPerTest(suite, startRestoreHub, { clusters: ["east", "west"], expectNoErrors: true });
  let hub: RestoreHub;
  beforeEach(() => void (hub = each.hub));

  async function createOne(catalog: RedisRestoreCatalog = hub.restores): Promise<Restore> {
    const backup = await recordBackup(hub, "east");
    return catalog.create({ cluster: "west", spec: create(RestoreSpecSchema, { backupId: backup.id }) });
  }

  function waitForRestorePhase(id: string, phase: RestorePhase, catalog: RedisRestoreCatalog = hub.restores): Promise<Restore> {
    return waitForPhase(`restore ${id} in phase ${RestorePhase[phase]}`, phase, () => catalog.get(id));
  }

  it("moves a restore to IN_PROGRESS with its progress, then to the agent's phase and summary", async () => {
    hub.restoreTracker().start();
    const restore = await createOne();
    const run = await FakeAgentRun.lease(hub.queue, west);
    expect(run.taskId).toBe(restore.taskId);
    expect((await waitForRestorePhase(restore.id, RestorePhase.IN_PROGRESS)).startTime).toBeDefined();

    await run.progress("apply", { items_done: 5n, items_total: 12n });
    await waitFor("progress", async () => (await hub.restores.get(restore.id)).progress?.itemsDone === 5n);
    expect((await hub.restores.get(restore.id)).progress).toMatchObject({ stage: "apply", itemsDone: 5n, itemsTotal: 12n });

    const started = Date.now() - 5_000;
    await run.complete({
      kind: { case: "restore", value: { phase: RestorePhase.PARTIALLY_FAILED, summary, kubernetesVersion: "v1.30.2", startTime: timestampFromMs(started), completionTime: timestampFromMs(started + 4_000) } },
    });
    const done = await waitForRestorePhase(restore.id, RestorePhase.PARTIALLY_FAILED);
    expect(done.summary).toMatchObject(summary);
    expect(done.kubernetesVersion).toBe("v1.30.2");
    expect(done.progress).toBeUndefined();
    expect(timestampMs(done.startTime!)).toBe(started);
    expect(timestampMs(done.completionTime!)).toBe(started + 4_000);
    await waitFor("the updates in the event log", async () => (await restoreEventTypes(hub)).length >= 4);
    expect(await restoreEventTypes(hub)).toEqual(["restore.created", "restore.updated", "restore.updated", "restore.updated"]);
  });

  it("records a COMPLETED result, and a result-less completion as FAILED", async () => {
    hub.restoreTracker().start();
    const good = await createOne();
    const bare = await createOne();
    await (await FakeAgentRun.lease(hub.queue, west)).complete({ kind: { case: "restore", value: { phase: RestorePhase.COMPLETED, summary: { items: 3n, created: 3n } } } });
    await (await FakeAgentRun.lease(hub.queue, west)).complete({});
    expect((await waitForRestorePhase(good.id, RestorePhase.COMPLETED)).summary).toMatchObject({ items: 3n, created: 3n });
    expect((await waitForRestorePhase(bare.id, RestorePhase.FAILED)).failureReason).toMatch(/without a restore result/);
  });

  it("records a failed task as FAILED, and the agent's INVALID_ARGUMENT or FAILED_PRECONDITION as FAILED_VALIDATION", async () => {
    hub.restoreTracker().start();
    const [failed, invalid, precondition] = [await createOne(), await createOne(), await createOne()];
    await (await FakeAgentRun.lease(hub.queue, west)).fail("INTERNAL", "the API server went away");
    await (await FakeAgentRun.lease(hub.queue, west)).fail("INVALID_ARGUMENT", 'spec.namespace_mapping["shop"]: namespace "shop-copy" is terminating');
    await (await FakeAgentRun.lease(hub.queue, west)).fail("FAILED_PRECONDITION", "backup manifest names no item index");
    expect((await waitForRestorePhase(failed.id, RestorePhase.FAILED)).failureReason).toBe("the API server went away");
    expect((await waitForRestorePhase(invalid.id, RestorePhase.FAILED_VALIDATION)).validationErrors).toEqual(['spec.namespace_mapping["shop"]: namespace "shop-copy" is terminating']);
    expect((await waitForRestorePhase(precondition.id, RestorePhase.FAILED_VALIDATION)).validationErrors).toEqual(["backup manifest names no item index"]);
  });

  it("leaves a finished restore alone when old events are replayed, and reconciles from the task's state", async () => {
    const tracker = hub.restoreTracker();
    const restore = await createOne();
    const run = await FakeAgentRun.lease(hub.queue, west);
    await run.progress("apply", { items_done: 1n, items_total: 2n });
    await run.fail("INTERNAL", "boom");
    expect(await tracker.reconcile()).toBe(1);
    expect((await hub.restores.get(restore.id)).phase).toBe(RestorePhase.FAILED);
    for (const event of await hub.events.read("0", 100)) await tracker.apply({ ...event, id: "99999999999999-0" });
    expect((await hub.restores.get(restore.id)).phase).toBe(RestorePhase.FAILED);
    expect(await tracker.reconcile()).toBe(0);
  });

  it("runs in a hub process through startRestores, and stops cleanly", async () => {
    const running = startRestores({ redis: hub.redis, prefix: hub.prefix, queue: hub.queue, events: hub.events, clusters: hub.clusters, backups: hub.catalog, directory: hub.directory, log: silentLog });
    try {
      const restore = await createOne(running.catalog);
      await (await FakeAgentRun.lease(hub.queue, west)).complete({ kind: { case: "restore", value: { phase: RestorePhase.COMPLETED, summary: { items: 1n, created: 1n } } } });
      await waitForRestorePhase(restore.id, RestorePhase.COMPLETED, running.catalog);
    } finally {
      await running.close();
    }
  });
});
