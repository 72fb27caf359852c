// Policies firing through BullMQ job schedulers on a real redis-server: @every on real short
// intervals, cron scheduling, pause and resume, run-now, a firing missed while no hub ran, and
// two hub processes sharing one Redis. The backup catalog is a small fake of its interface.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackupSpecSchema, PolicySchema, type Policy } from "@lifeboat/proto";
import { ClusterStore } from "../../../../hub/src/clusters/index.js";
import { silentLog } from "../../../../hub/src/log.js";
import { openRepositoryRegistry } from "../../../../hub/src/repositories/index.js";
import { nextRunAfter, startPolicyRuntime } from "../../../../hub/src/schedules/index.js";
import { connectHubRedis } from "../../../../hub/src/store/index.js";
import { FakeCatalog } from "./support/fake-catalog.js";
import { recordRepository, registerCluster, sleep, startPolicyHub, testPrefix, useRedisServer, waitFor, type PolicyHub, type PolicyHubOptions } from "./support/policy-hub.js";

function policyInput(change: MessageInitShape<typeof PolicySchema> = {}): Policy {
  return create(PolicySchema, {
    name: "nightly",
    clusterSelector: "env=prod",
    backup: create(BackupSpecSchema, { repository: "main", includedNamespaces: ["shop"] }),
    schedule: "@every 1s",
    ...change,
  });
}

describe("policy schedules on a real redis-server", () => {
  const server = useRedisServer();

  let prefix: string;
  let catalog: FakeCatalog;
  const hubs: PolicyHub[] = [];
  beforeEach(async () => {
    prefix = testPrefix();
    catalog = new FakeCatalog();
    await recordRepository(server.connection, prefix);
  });
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.close()));
  });
  async function hub(options: PolicyHubOptions = {}): Promise<PolicyHub> {
    const started = await startPolicyHub(server.url, prefix, catalog, options);
    hubs.push(started);
    return started;
  }

  it("fires an @every policy on its schedule for the clusters it selects, picking up clusters registered later", async () => {
    const eu = await registerCluster(server.connection, prefix, "prod-eu", { env: "prod" });
    await registerCluster(server.connection, prefix, "dev", { env: "dev" });
    const edge = await registerCluster(server.connection, prefix, "edge-1", { env: "edge" });
    const h = await hub();
    const before = Date.now();
    const policy = await h.policies.create(policyInput({ clusterNames: ["edge-1"] }));
    expect(policy.id).toMatch(/^pol-/);
    expect(policy.nextRunTime).toBeDefined();
    // @every starts one interval after creation, not at once.
    expect(timestampMs(policy.nextRunTime!)).toBeGreaterThanOrEqual(before + 900);
    expect(catalog.launches).toEqual([]);

    await waitFor("two firings", () => catalog.launchesOf(policy.id).length >= 2);
    const [first] = catalog.launchesOf(policy.id);
    expect(new Set(first!.clusterIds)).toEqual(new Set([eu, edge]));
    expect(first!.spec.includedNamespaces).toEqual(["shop"]);

    const us = await registerCluster(server.connection, prefix, "prod-us", { env: "prod" });
    await waitFor("a firing including the new cluster", () => catalog.launchesOf(policy.id).some((l) => l.clusterIds.includes(us)));

    const stored = await h.policies.get("nightly");
    expect(stored.lastRunTime).toBeDefined();
    expect(timestampMs(stored.nextRunTime!)).toBeGreaterThan(timestampMs(stored.lastRunTime!));
    expect(h.errors).toEqual([]);
  });

  it("pause stops the firings and resume restarts them", async () => {
    await registerCluster(server.connection, prefix, "prod-eu", { env: "prod" });
    const h = await hub();
    const policy = await h.policies.create(policyInput());
    await waitFor("a firing", () => catalog.launchesOf(policy.id).length >= 1);

    const paused = await h.policies.setPaused(policy.name, true);
    expect(paused.paused).toBe(true);
    expect(paused.nextRunTime).toBeUndefined();
    expect(await h.scheduler.bullQueue.getJobScheduler(policy.id)).toBeUndefined();
    await sleep(800); // a firing already running when paused may still finish
    const count = catalog.launchesOf(policy.id).length;
    await sleep(2_500);
    expect(catalog.launchesOf(policy.id).length).toBe(count);

    const resumed = await h.policies.setPaused(policy.id, false);
    expect(resumed.paused).toBe(false);
    expect(resumed.nextRunTime).toBeDefined();
    await waitFor("firings after resume", () => catalog.launchesOf(policy.id).length >= count + 2);
  });

  it("runs a policy now, paused or unscheduled, and returns its backups", async () => {
    const eu = await registerCluster(server.connection, prefix, "prod-eu", { env: "prod" });
    const h = await hub();
    const manual = await h.policies.create(policyInput({ name: "by-hand", schedule: "" }));
    expect(manual.nextRunTime).toBeUndefined();
    expect(await h.scheduler.bullQueue.getJobScheduler(manual.id)).toBeUndefined();

    const backups = await h.policies.run("by-hand");
    expect(backups.map((b) => [b.clusterId, b.policyId])).toEqual([[eu, manual.id]]);
    expect((await h.policies.get(manual.id)).lastRunTime).toBeDefined();

    const paused = await h.policies.create(policyInput({ name: "paused", schedule: "@every 1h", paused: true }));
    expect(paused.nextRunTime).toBeUndefined();
    expect(await h.policies.run(paused.id)).toHaveLength(1);
    expect(catalog.launches.map((l) => l.policyId)).toEqual([manual.id, paused.id]);
  });

  it("schedules a cron policy through a BullMQ job scheduler in its time zone", async () => {
    await registerCluster(server.connection, prefix, "prod-eu", { env: "prod" });
    const h = await hub();
    const before = Date.now();
    const policy = await h.policies.create(policyInput({ schedule: "30 2 * * 1-5", timeZone: "America/New_York" }));
    const scheduler = await h.scheduler.bullQueue.getJobScheduler(policy.id);
    expect(scheduler).toMatchObject({ pattern: "30 2 * * 1-5", tz: "America/New_York" });
    const expected = nextRunAfter({ kind: "cron", pattern: "30 2 * * 1-5", timeZone: "America/New_York" }, before);
    expect(scheduler!.next).toBe(expected);
    expect(timestampMs(policy.nextRunTime!)).toBe(expected);
    // 02:30 in New York is 06:30 or 07:30 UTC, on a weekday there.
    const next = new Date(expected);
    expect([6, 7]).toContain(next.getUTCHours());
    expect(next.getUTCMinutes()).toBe(30);
    expect(catalog.launches).toEqual([]);
  });

  it("deletes a policy with its schedule and forgets it; a later occurrence fires nothing", async () => {
    await registerCluster(server.connection, prefix, "prod-eu", { env: "prod" });
    const h = await hub();
    const policy = await h.policies.create(policyInput());
    await waitFor("a firing", () => catalog.launchesOf(policy.id).length >= 1);
    await h.policies.delete("nightly");
    expect(await h.scheduler.bullQueue.getJobScheduler(policy.id)).toBeUndefined();
    await expect(h.policies.get(policy.id)).rejects.toMatchObject({ code: "NOT_FOUND", field: "policy" });
    await sleep(800);
    const count = catalog.launchesOf(policy.id).length;
    await sleep(1_500);
    expect(catalog.launchesOf(policy.id).length).toBe(count);
    expect(await h.policies.list()).toEqual([]);
  });

  it("fires an occurrence missed while no hub ran once when a hub comes back, then carries on", async () => {
    await registerCluster(server.connection, prefix, "prod-eu", { env: "prod" });
    const every = 3_000;
    const first = await hub();
    const policy = await first.policies.create(policyInput({ schedule: `@every ${every / 1000}s` }));
    await waitFor("the first firing", () => catalog.launchesOf(policy.id).length === 1, 15_000);
    await first.close();
    hubs.splice(hubs.indexOf(first), 1);

    // Down for more than two intervals: BullMQ keeps one overdue job, not one per occurrence.
    await sleep(2 * every + 500);
    const queue = (await hub({ start: false })).scheduler.bullQueue;
    const counts = await queue.getJobCounts("delayed", "waiting", "prioritized");
    expect((counts.delayed ?? 0) + (counts.waiting ?? 0) + (counts.prioritized ?? 0)).toBe(1);
    expect(catalog.launchesOf(policy.id)).toHaveLength(1);

    // Come back just after an occurrence's slot, so the next regular one is nearly a whole
    // interval away (BullMQ keeps @every slots at the offset the first occurrence set).
    const offset = (await queue.getJobScheduler(policy.id))?.offset ?? 0;
    await waitFor("an interval boundary", () => (Date.now() - offset) % every < 150, every + 1_000);
    const back = hubs.at(-1)!;
    await back.scheduler.start();
    await waitFor("the missed firing", () => catalog.launchesOf(policy.id).length === 2, 5_000);
    await sleep(1_500);
    expect(catalog.launchesOf(policy.id)).toHaveLength(2);
    await waitFor("the next regular firing", () => catalog.launchesOf(policy.id).length === 3, every + 3_000);
  });

  it("fires each occurrence once with two hub processes sharing Redis", async () => {
    await registerCluster(server.connection, prefix, "prod-eu", { env: "prod" });
    const fired: Array<{ hub: string; occurrence: string }> = [];
    const a = await hub({ onFired: (_p, occurrence) => fired.push({ hub: "a", occurrence }) });
    await hub({ onFired: (_p, occurrence) => fired.push({ hub: "b", occurrence }) });
    const policy = await a.policies.create(policyInput());
    await waitFor("five firings", () => catalog.launchesOf(policy.id).length >= 5, 20_000);
    await a.policies.setPaused(policy.id, true);
    await sleep(500);
    const launches = catalog.launchesOf(policy.id);
    expect(new Set(fired.map((f) => f.occurrence)).size).toBe(fired.length);
    expect(launches.length).toBe(fired.length);
    // Occurrences are a second apart: no two launches of one occurrence.
    const times = launches.map((l) => l.time).sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(400);
  });

  it("runs as a hub process wires it: startPolicyRuntime fires policies and close stops its workers", async () => {
    const eu = await registerCluster(server.connection, prefix, "prod-eu", { env: "prod" });
    const dataDir = await mkdtemp(join(tmpdir(), "lifeboat-hub-data-"));
    const redisConnections = connectHubRedis({ url: server.url, onError: () => undefined });
    try {
      const repositories = await openRepositoryRegistry({ redis: redisConnections.command, prefix, dataDir });
      const runtime = await startPolicyRuntime({
        redis: redisConnections,
        prefix,
        clusters: new ClusterStore({ redis: redisConnections.command, prefix }),
        repositories,
        catalog,
        log: silentLog,
      });
      const policy = await runtime.policies.create(policyInput());
      await waitFor("a firing", () => catalog.launchesOf(policy.id).length >= 1);
      expect(catalog.launchesOf(policy.id)[0]!.clusterIds).toEqual([eu]);
      await runtime.close();
      await sleep(800);
      const count = catalog.launchesOf(policy.id).length;
      await sleep(1_500);
      expect(catalog.launchesOf(policy.id).length).toBe(count);
    } finally {
      await redisConnections.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("restores on start the schedule of a policy whose scheduling a crash cut short, and never moves an existing one", async () => {
    await registerCluster(server.connection, prefix, "prod-eu", { env: "prod" });
    const h = await hub({ start: false });
    const kept = await h.policies.create(policyInput({ name: "kept", schedule: "0 3 * * *" }));
    const lost = await h.policies.create(policyInput({ name: "lost", schedule: "0 4 * * *" }));
    const keptNext = (await h.scheduler.bullQueue.getJobScheduler(kept.id))!.next;
    await h.scheduler.unschedule(lost.id);
    await h.scheduler.start();
    expect((await h.scheduler.bullQueue.getJobScheduler(lost.id))?.pattern).toBe("0 4 * * *");
    expect((await h.scheduler.bullQueue.getJobScheduler(kept.id))!.next).toBe(keptNext);
  });
});
