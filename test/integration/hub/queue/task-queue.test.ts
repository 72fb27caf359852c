import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ClusterId, TaskId, TaskRecord } from "@lifeboat/hub";
import { startRedis, type RunningRedis } from "../../../harness/src/redis-server.js";
import { sleep, startHubProcess, testPrefix, waitFor, type HubProcess } from "./support/hub-process.js";

const c1 = "cluster-1" as ClusterId;
const c2 = "cluster-2" as ClusterId;

describe("TaskQueue on a real redis-server", () => {
  let redis: RunningRedis;
  let hub: HubProcess;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    hub = await startHubProcess(redis.url, { prefix: testPrefix() });
  });
  afterEach(async () => {
    await hub?.close();
  });

  async function eventTypes(taskId: TaskId): Promise<string[]> {
    const events = await hub.events.read("0", 1000);
    return events.filter((e) => e.taskId === taskId).map((e) => e.type);
  }

  it("hands out each cluster's tasks in FIFO order, clusters independently", async () => {
    const a = [];
    for (let i = 0; i < 5; i++) a.push(await hub.queue.enqueue(c1, "backup", { n: i }));
    const b = await hub.queue.enqueue(c2, "restore", { n: 99 });
    expect(await hub.queue.depth(c1)).toBe(5);
    expect(await hub.queue.depth(c2)).toBe(1);

    const first = await hub.queue.lease(c1, "agent-a", 30_000);
    const rest = await hub.queue.leaseMany(c1, "agent-a", 30_000, 10);
    expect([first, ...rest].map((t) => t?.id)).toEqual(a.map((t) => t.id));
    expect([first, ...rest].map((t) => (t?.spec as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
    expect(await hub.queue.lease(c1, "agent-a", 30_000)).toBeUndefined();
    expect((await hub.queue.lease(c2, "agent-b", 30_000))?.id).toBe(b.id);
  });

  it("marks a leased task with its owner, deadline and first attempt", async () => {
    const queued = await hub.queue.enqueue(c1, "backup", { ns: "shop" }, { maxAttempts: 4 });
    expect(queued).toMatchObject({ state: "queued", attempts: 0, maxAttempts: 4, clusterId: c1, kind: "backup", spec: { ns: "shop" } });
    const before = Date.now();
    const leased = await hub.queue.lease(c1, "agent-a", 10_000);
    expect(leased).toMatchObject({ id: queued.id, state: "leased", attempts: 1, leaseOwner: "agent-a" });
    expect(leased!.leaseExpiresAt).toBeGreaterThanOrEqual(before + 10_000 - 1_000);
    expect(leased!.leaseExpiresAt).toBeLessThanOrEqual(Date.now() + 10_000 + 1_000);
    expect(await hub.queue.get(queued.id)).toEqual(leased);
  });

  it("leases only against a credit", async () => {
    const sent: TaskRecord[] = [];
    const stream = hub.dispatcher.attach(c1, { send: (task) => void sent.push(task) });
    const tasks = [];
    for (let i = 0; i < 3; i++) tasks.push(await hub.queue.enqueue(c1, "backup", { n: i }));
    await sleep(200);
    expect(sent).toEqual([]);
    expect(await hub.queue.depth(c1)).toBe(3);

    stream.addCredits(2);
    await waitFor("two tasks sent", () => sent.length === 2);
    await sleep(100);
    expect(sent.map((t) => t.id)).toEqual([tasks[0]!.id, tasks[1]!.id]);
    expect(sent.every((t) => t.leaseOwner === stream.owner && t.state === "leased")).toBe(true);
    expect(stream.credits()).toBe(0);
    expect(await hub.queue.depth(c1)).toBe(1);

    stream.addCredits(1);
    await waitFor("the third task sent", () => sent.length === 3);
    expect(sent[2]!.id).toBe(tasks[2]!.id);
  });

  it("re-queues an expired lease at the head; the second attempt completes it once and the first owner's late result is refused", async () => {
    const task = await hub.queue.enqueue(c1, "backup", { ns: "shop" });
    const later = await hub.queue.enqueue(c1, "backup", { ns: "later" });
    const first = await hub.queue.lease(c1, "agent-old", 50);
    expect(first).toMatchObject({ id: task.id, attempts: 1 });

    await sleep(80);
    expect(await hub.queue.requeueExpired()).toEqual({ requeued: 1, failed: 0 });
    const requeued = await hub.queue.get(task.id);
    expect(requeued).toMatchObject({ state: "queued", attempts: 1, error: { code: "LEASE_EXPIRED" } });
    expect(requeued).not.toHaveProperty("leaseOwner");
    expect(await hub.queue.depth(c1)).toBe(2);

    // Back at the head, ahead of the task queued after it.
    const second = await hub.queue.lease(c1, "agent-new", 30_000);
    expect(second).toMatchObject({ id: task.id, attempts: 2, leaseOwner: "agent-new" });

    const done = await hub.queue.complete(task.id, "agent-new", { items: 12 }, { attempt: 2 });
    expect(done).toMatchObject({ duplicate: false, task: { state: "completed", attempts: 2, result: { items: 12 } } });
    expect(done.task).not.toHaveProperty("error");

    await expect(hub.queue.complete(task.id, "agent-old", { items: 0 })).rejects.toMatchObject({
      code: "FAILED_PRECONDITION",
      message: expect.stringContaining("complete by agent-old refused: the task is completed"),
    });
    await expect(hub.queue.fail(task.id, "agent-old", { code: "INTERNAL", message: "late" })).rejects.toMatchObject({ code: "FAILED_PRECONDITION" });
    expect(await hub.queue.get(task.id)).toMatchObject({ state: "completed", attempts: 2, result: { items: 12 }, leaseOwner: "agent-new" });

    // The same completion again (a retried result message) is a no-op.
    expect(await hub.queue.complete(task.id, "agent-new", { items: 13 }, { attempt: 2 })).toMatchObject({ duplicate: true, task: { result: { items: 12 } } });

    expect(await eventTypes(task.id)).toEqual(["queued", "leased", "queued", "leased", "completed"]);
    expect((await hub.queue.lease(c1, "agent-new", 30_000))?.id).toBe(later.id);
  });

  it("refuses a result from the same owner for an attempt that is not the current one", async () => {
    const task = await hub.queue.enqueue(c1, "backup", {});
    await hub.queue.lease(c1, "stream-1", 50);
    await sleep(80);
    await hub.queue.requeueExpired();
    await hub.queue.lease(c1, "stream-1", 30_000);
    await expect(hub.queue.complete(task.id, "stream-1", null, { attempt: 1 })).rejects.toMatchObject({ code: "FAILED_PRECONDITION" });
    expect(await hub.queue.complete(task.id, "stream-1", null, { attempt: 2 })).toMatchObject({ duplicate: false });
  });

  it("fails a task visibly once its lease has expired maxAttempts times", async () => {
    const task = await hub.queue.enqueue(c1, "backup", {}, { maxAttempts: 2 });
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(await hub.queue.lease(c1, `agent-${attempt}`, 30)).toMatchObject({ attempts: attempt });
      await sleep(50);
      await hub.queue.requeueExpired();
    }
    const failed = await hub.queue.get(task.id);
    expect(failed).toMatchObject({ state: "failed", attempts: 2, error: { code: "LEASE_EXPIRED", message: "lease expired after 2 attempts" } });
    expect(await hub.queue.depth(c1)).toBe(0);
    expect(await hub.queue.lease(c1, "agent-3", 30_000)).toBeUndefined();
    const events = (await hub.events.read("0", 100)).filter((e) => e.taskId === task.id);
    expect(events.at(-1)).toMatchObject({ type: "failed", state: "failed", error: { message: "lease expired after 2 attempts" } });
  });

  it("renews only the owner's lease, recording progress", async () => {
    const task = await hub.queue.enqueue(c1, "backup", {});
    const leased = await hub.queue.lease(c1, "agent-a", 1_000);
    const renewed = await hub.queue.renew(task.id, "agent-a", 60_000, { items: 3, of: 10 });
    expect(renewed.leaseExpiresAt! - leased!.leaseExpiresAt!).toBeGreaterThanOrEqual(58_000);
    expect(renewed.progress).toEqual({ items: 3, of: 10 });

    await expect(hub.queue.renew(task.id, "agent-b", 60_000)).rejects.toMatchObject({
      code: "FAILED_PRECONDITION",
      message: expect.stringContaining("the lease of attempt 1 is held by agent-a"),
    });
    await expect(hub.queue.renew("no-such-task" as TaskId, "agent-a", 1_000)).rejects.toMatchObject({ code: "NOT_FOUND", field: "taskId" });

    // A renewed lease is not swept at its old deadline.
    await sleep(1_100);
    expect(await hub.queue.requeueExpired()).toEqual({ requeued: 0, failed: 0 });
    // A plain heartbeat (no progress) extends the lease without an event.
    await hub.queue.renew(task.id, "agent-a", 60_000);
    expect(await eventTypes(task.id)).toEqual(["queued", "leased", "progress"]);
  });

  it("puts a retryable failure back at the head until its attempts run out, then fails with the error", async () => {
    const task = await hub.queue.enqueue(c1, "backup", {}, { maxAttempts: 2 });
    const other = await hub.queue.enqueue(c1, "backup", {});
    await hub.queue.lease(c1, "agent-a", 30_000);
    const retry = await hub.queue.fail(task.id, "agent-a", { code: "UNAVAILABLE", message: "S3 throttled" }, { retryable: true });
    expect(retry.task).toMatchObject({ state: "queued", attempts: 1, error: { code: "UNAVAILABLE", message: "S3 throttled" } });
    expect((await hub.queue.lease(c1, "agent-a", 30_000))?.id).toBe(task.id);
    const final = await hub.queue.fail(task.id, "agent-a", { code: "UNAVAILABLE", message: "S3 throttled" }, { retryable: true });
    expect(final.task).toMatchObject({ state: "failed", attempts: 2, error: { message: "S3 throttled (gave up after 2 attempts)" } });
    expect((await hub.queue.lease(c1, "agent-a", 30_000))?.id).toBe(other.id);
  });

  it("fails a task at once on a non-retryable error, and a repeat of it changes nothing", async () => {
    const task = await hub.queue.enqueue(c1, "restore", {}, { maxAttempts: 5 });
    await hub.queue.lease(c1, "agent-a", 30_000);
    const error = { code: "INVALID_ARGUMENT", message: 'backup "b-1" not found' };
    expect(await hub.queue.fail(task.id, "agent-a", error)).toMatchObject({ duplicate: false, task: { state: "failed", error } });
    expect(await hub.queue.fail(task.id, "agent-a", error)).toMatchObject({ duplicate: true });
    expect(await eventTypes(task.id)).toEqual(["queued", "leased", "failed"]);
  });

  it("cancels a queued task out of its queue, and tells the stream holding a leased one", async () => {
    const queued = await hub.queue.enqueue(c1, "backup", { n: 1 });
    const next = await hub.queue.enqueue(c1, "backup", { n: 2 });
    const cancelled = await hub.queue.cancel(queued.id, "policy deleted");
    expect(cancelled.task).toMatchObject({ state: "cancelled", error: { code: "CANCELLED", message: "policy deleted" } });
    expect(await hub.queue.depth(c1)).toBe(1);
    expect(await hub.queue.cancel(queued.id, "again")).toMatchObject({ duplicate: true });

    const sent: TaskRecord[] = [];
    const cancels: [TaskId, string][] = [];
    const stream = hub.dispatcher.attach(c1, { send: (t) => void sent.push(t), cancel: (id, reason) => void cancels.push([id, reason]) });
    stream.addCredits(1);
    await waitFor("the task sent", () => sent.length === 1);
    await hub.queue.cancel(next.id, "operator asked");
    await waitFor("the cancel delivered", () => cancels.length === 1);
    expect(cancels[0]).toEqual([next.id, "operator asked"]);
    await expect(hub.queue.complete(next.id, stream.owner, {})).rejects.toMatchObject({ code: "FAILED_PRECONDITION" });
    expect(await hub.queue.requeueExpired(Date.now() + 3_600_000)).toEqual({ requeued: 0, failed: 0 });

    const done = await hub.queue.enqueue(c1, "backup", {});
    await hub.queue.lease(c1, "agent-x", 30_000);
    await hub.queue.complete(done.id, "agent-x");
    await expect(hub.queue.cancel(done.id, "too late")).rejects.toMatchObject({ code: "FAILED_PRECONDITION", message: expect.stringContaining("already completed") });
  });

  it("enqueues a fan-out in order across batches, and queues nothing when one task is invalid", async () => {
    const fanout = Array.from({ length: 600 }, (_, i) => ({ clusterId: (i % 3 === 0 ? c1 : c2), kind: "backup", spec: { i } }));
    const tasks = await hub.queue.enqueueMany(fanout);
    expect(tasks.map((t) => (t.spec as { i: number }).i)).toEqual(fanout.map((_, i) => i));
    expect(await hub.queue.depth(c1)).toBe(200);
    expect(await hub.queue.depth(c2)).toBe(400);
    const c1Tasks = await hub.queue.leaseMany(c1, "agent-a", 30_000, 200);
    expect(c1Tasks.map((t) => (t.spec as { i: number }).i)).toEqual(fanout.map((_, i) => i).filter((i) => i % 3 === 0));

    await expect(
      hub.queue.enqueueMany([
        { clusterId: c1, kind: "backup", spec: {} },
        { clusterId: c1, kind: "backup", spec: {}, maxAttempts: -1 },
      ]),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "tasks[1].maxAttempts" });
    expect(await hub.queue.depth(c1)).toBe(0);
  });

  it("returns the existing task for an enqueue with a known id, queuing nothing", async () => {
    const id = "fanout-p1-run7-cluster-1" as TaskId;
    const first = await hub.queue.enqueue(c1, "backup", { run: 7 }, { id });
    const again = await hub.queue.enqueue(c1, "backup", { run: 8 }, { id });
    expect(again).toEqual(first);
    expect(await hub.queue.depth(c1)).toBe(1);
  });

  it("lists tasks by cluster and state, a page at a time, newest first by default", async () => {
    const ids: TaskId[] = [];
    for (let i = 0; i < 7; i++) ids.push((await hub.queue.enqueue(i % 2 === 0 ? c1 : c2, "backup", { i })).id);
    await hub.queue.lease(c1, "agent-a", 30_000); // ids[0] leased

    const page1 = await hub.queue.list({ limit: 3 });
    expect(page1.tasks.map((t) => t.id)).toEqual([ids[6], ids[5], ids[4]]);
    const page2 = await hub.queue.list({ limit: 3, cursor: page1.nextCursor });
    const page3 = await hub.queue.list({ limit: 3, cursor: page2.nextCursor });
    expect([...page2.tasks, ...page3.tasks].map((t) => t.id)).toEqual([ids[3], ids[2], ids[1], ids[0]]);
    expect(page3.nextCursor).toBeUndefined();

    const c1Queued = await hub.queue.list({ clusterId: c1, state: "queued", order: "oldest-first" });
    expect(c1Queued.tasks.map((t) => t.id)).toEqual([ids[2], ids[4], ids[6]]);
    expect((await hub.queue.list({ state: "leased" })).tasks.map((t) => t.id)).toEqual([ids[0]]);
    expect((await hub.queue.list({ clusterId: c2 })).tasks).toHaveLength(3);
  });

  it("refuses bad input naming the field, and changes nothing", async () => {
    await expect(hub.queue.enqueue("bad:cluster" as ClusterId, "backup", {})).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "clusterId" });
    await expect(hub.queue.enqueue(c1, "", {})).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "kind" });
    await expect(hub.queue.enqueue(c1, "backup", {}, { maxAttempts: 0 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "maxAttempts" });
    await expect(hub.queue.enqueue(c1, "backup", 10n as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "spec" });
    await expect(hub.queue.lease(c1, "agent", 0)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "leaseMs" });
    await expect(hub.queue.list({ cursor: "abc" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "cursor" });
    expect(await hub.queue.depth(c1)).toBe(0);
    expect(await hub.events.read("0")).toEqual([]);
  });

  it("carries a binary spec and result as bytes", async () => {
    const spec = new Uint8Array([8, 1, 18, 4, 115, 104, 111, 112]);
    const task = await hub.queue.enqueue(c1, "backup", spec);
    const leased = await hub.queue.lease(c1, "agent-a", 30_000);
    expect(leased!.spec).toEqual(spec);
    const done = await hub.queue.complete(task.id, "agent-a", new Uint8Array([1, 2]));
    expect(done.task.result).toEqual(new Uint8Array([1, 2]));
  });
});
