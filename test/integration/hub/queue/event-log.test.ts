import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ClusterId, TaskEvent } from "@lifeboat/hub";
import { startRedis, type RunningRedis } from "../../../harness/src/redis-server.js";
import { clientNames, inspector, startHubProcess, testPrefix, waitFor, type HubProcess } from "./support/hub-process.js";

const c1 = "cluster-ev" as ClusterId;

/** Collects a follower's events in the background until `stop`. */
function collect(events: AsyncIterable<TaskEvent>): { seen: TaskEvent[]; done: Promise<void> } {
  const seen: TaskEvent[] = [];
  const done = (async () => {
    for await (const event of events) seen.push(event);
  })();
  return { seen, done };
}

describe("EventLog: every task state change as an event", () => {
  let redis: RunningRedis;
  let hub: HubProcess;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    hub = await startHubProcess(redis.url, { prefix: testPrefix(), name: `hub-ev-${Math.random().toString(36).slice(2, 8)}` });
  });
  afterEach(async () => {
    await hub?.close();
  });

  it("records each change with the task's state after it, and pages through them", async () => {
    const task = await hub.queue.enqueue(c1, "backup", {}, { maxAttempts: 2 });
    await hub.queue.lease(c1, "agent-a", 30_000);
    await hub.queue.renew(task.id, "agent-a", 30_000, { items: 5 });
    await hub.queue.fail(task.id, "agent-a", { code: "UNAVAILABLE", message: "S3 timeout" }, { retryable: true });
    await hub.queue.lease(c1, "agent-b", 30_000);
    await hub.queue.complete(task.id, "agent-b", { items: 10 });
    const other = await hub.queue.enqueue(c1, "restore", {});
    await hub.queue.cancel(other.id, "not needed");

    const events = await hub.events.read("0", 100);
    expect(events.map((e) => [e.type, e.state, e.attempts])).toEqual([
      ["queued", "queued", 0],
      ["leased", "leased", 1],
      ["progress", "leased", 1],
      ["queued", "queued", 1],
      ["leased", "leased", 2],
      ["completed", "completed", 2],
      ["queued", "queued", 0],
      ["cancelled", "cancelled", 0],
    ]);
    expect(events[1]).toMatchObject({ owner: "agent-a", taskId: task.id, clusterId: c1, kind: "backup", maxAttempts: 2 });
    expect(events[2]).toMatchObject({ progress: { items: 5 } });
    expect(events[3]).toMatchObject({ error: { code: "UNAVAILABLE", message: "S3 timeout" } });
    expect(events[7]).toMatchObject({ error: { code: "CANCELLED", message: "not needed" } });

    const firstPage = await hub.events.read("0", 3);
    const secondPage = await hub.events.read(firstPage.at(-1)!.id, 3);
    expect([...firstPage, ...secondPage].map((e) => e.id)).toEqual(events.slice(0, 6).map((e) => e.id));
    await expect(hub.events.read("not-an-id")).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "afterId" });
  });

  it("appends backup and policy changes to the same stream, in order with task events, with the ids they are about", async () => {
    const task = await hub.queue.enqueue(c1, "backup", {});
    await hub.events.appendRecord("backup.created", { backup: '{"id":"b1"}' }, { clusterId: c1, backupId: "b1" });
    await hub.events.appendRecord("policy.fired", { policy: '{"id":"p1"}', backupIds: '["b1"]' }, { policyId: "p1" });
    await hub.queue.cancel(task.id, "not needed");
    const all = await hub.events.readAll("0", 100);
    expect(all.map((e) => e.type)).toEqual(["queued", "backup.created", "policy.fired", "cancelled"]);
    expect(all[1]).toMatchObject({ clusterId: c1, backupId: "b1", fields: { backup: '{"id":"b1"}' } });
    expect(all[2]).toMatchObject({ policyId: "p1", fields: { backupIds: '["b1"]' } });
    expect((all[2] as { clusterId?: string }).clusterId).toBeUndefined();
    // Task-only readers skip them.
    expect((await hub.events.read("0", 100)).map((e) => e.type)).toEqual(["queued", "cancelled"]);
  });

  it("follows from an id through history into live events, for several watchers over one reader connection", async () => {
    const early = await hub.queue.enqueue(c1, "backup", { n: 0 });
    const [marker] = await hub.events.read("0", 1);
    await hub.queue.enqueue(c1, "backup", { n: 1 });

    const abort = new AbortController();
    const fromStart = collect(hub.events.follow("0", { signal: abort.signal }));
    const fromMarker = collect(hub.events.follow(marker!.id, { signal: abort.signal }));
    await waitFor("history", () => fromStart.seen.length === 2 && fromMarker.seen.length === 1);

    const live = await hub.queue.enqueue(c1, "backup", { n: 2 });
    await hub.queue.lease(c1, "agent", 30_000);
    await waitFor("live events", () => fromStart.seen.length === 4 && fromMarker.seen.length === 3);
    expect(fromStart.seen.map((e) => e.type)).toEqual(["queued", "queued", "queued", "leased"]);
    expect(fromStart.seen[0]!.taskId).toBe(early.id);
    expect(fromStart.seen[2]!.taskId).toBe(live.id);
    expect(fromMarker.seen.map((e) => e.id)).toEqual(fromStart.seen.slice(1).map((e) => e.id));

    const client = inspector(redis.url);
    try {
      expect((await clientNames(client, `${hub.name}:events`)).length).toBe(1);
    } finally {
      client.disconnect();
    }
    abort.abort();
    await Promise.all([fromStart.done, fromMarker.done]);
  });

  it("follows only new events from '$', until aborted", async () => {
    await hub.queue.enqueue(c1, "backup", { old: true });
    const abort = new AbortController();
    const watcher = collect(hub.events.follow("$", { signal: abort.signal }));
    // "From now on" starts once the reader is blocked in XREAD.
    const client = inspector(redis.url);
    try {
      await waitFor("the reader blocked in XREAD", async () => ((await client.client("LIST")) as string).split("\n").some((line) => line.includes(`name=${hub.name}:events`) && line.includes("cmd=xread")));
    } finally {
      client.disconnect();
    }
    const fresh = await hub.queue.enqueue(c1, "backup", { old: false });
    await waitFor("the new event", () => watcher.seen.length === 1);
    expect(watcher.seen[0]).toMatchObject({ type: "queued", taskId: fresh.id });
    abort.abort();
    await watcher.done;
  });
});
