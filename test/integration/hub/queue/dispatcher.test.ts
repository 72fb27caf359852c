import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ClusterId, TaskId, TaskRecord } from "@lifeboat/hub";
import { startRedis, type RunningRedis } from "../../../harness/src/redis-server.js";
import { sleep, startHubProcess, testPrefix, waitFor, type HubProcess } from "./support/hub-process.js";

describe("Dispatcher across hub processes sharing one Redis", () => {
  let redis: RunningRedis;
  const hubs: HubProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.close()));
  });

  async function twoHubs(options: { leaseMs?: number; sweeper?: boolean } = {}): Promise<[HubProcess, HubProcess]> {
    const prefix = testPrefix();
    const a = await startHubProcess(redis.url, { prefix, name: "hub-a", ...options });
    const b = await startHubProcess(redis.url, { prefix, name: "hub-b", ...options });
    hubs.push(a, b);
    return [a, b];
  }

  it("delivers a task enqueued through one process by the other within 100 ms", async () => {
    const [a, b] = await twoHubs();
    const cluster = "edge-7" as ClusterId;
    const arrivals = new Map<TaskId, number>();
    const stream = b.dispatcher.attach(cluster, { send: (task) => void arrivals.set(task.id, performance.now()) });
    stream.addCredits(1_000);

    const latencies: number[] = [];
    // The first few warm up both processes (script load, JIT); then 20 are measured.
    for (let i = 0; i < 23; i++) {
      const start = performance.now();
      const task = await a.queue.enqueue(cluster, "backup", { i });
      await waitFor("delivery", () => arrivals.has(task.id), 1_000);
      if (i >= 3) latencies.push(arrivals.get(task.id)! - start);
      await sleep(5);
    }
    latencies.sort((x, y) => x - y);
    console.log(`cross-process delivery over 20: median ${latencies[10]!.toFixed(1)} ms, 95th percentile ${latencies[18]!.toFixed(1)} ms, max ${latencies[19]!.toFixed(1)} ms`);
    // All but the slowest: on a shared two-core machine one sample may wait for a core.
    expect(latencies[18]).toBeLessThan(100);
    expect(a.errors.concat(b.errors)).toEqual([]);
  });

  it("hands a cluster's tasks only to the process holding its stream", async () => {
    const [a, b] = await twoHubs();
    const onA: TaskRecord[] = [];
    const onB: TaskRecord[] = [];
    a.dispatcher.attach("c-a" as ClusterId, { send: (t) => void onA.push(t) }).addCredits(10);
    b.dispatcher.attach("c-b" as ClusterId, { send: (t) => void onB.push(t) }).addCredits(10);
    for (let i = 0; i < 3; i++) {
      await b.queue.enqueue("c-a" as ClusterId, "backup", { i });
      await a.queue.enqueue("c-b" as ClusterId, "backup", { i });
    }
    await waitFor("all six delivered", () => onA.length === 3 && onB.length === 3);
    expect(onA.every((t) => t.clusterId === "c-a" && t.leaseOwner?.startsWith("hub-a/"))).toBe(true);
    expect(onB.every((t) => t.clusterId === "c-b" && t.leaseOwner?.startsWith("hub-b/"))).toBe(true);
    expect(onA.map((t) => (t.spec as { i: number }).i)).toEqual([0, 1, 2]);
  });

  it("tells the stream on another process that its leased task was cancelled", async () => {
    const [a, b] = await twoHubs();
    const cluster = "c-cancel" as ClusterId;
    const sent: TaskRecord[] = [];
    const cancels: [TaskId, string][] = [];
    b.dispatcher.attach(cluster, { send: (t) => void sent.push(t), cancel: (id, why) => void cancels.push([id, why]) }).addCredits(1);
    const task = await a.queue.enqueue(cluster, "backup", {});
    await waitFor("delivery", () => sent.length === 1);
    await a.queue.cancel(task.id, "superseded by a newer backup");
    await waitFor("cancel", () => cancels.length === 1);
    expect(cancels).toEqual([[task.id, "superseded by a newer backup"]]);
  });

  it("re-delivers a crashed agent's task after its lease expires, and it completes once with 2 attempts", async () => {
    const [a, b] = await twoHubs({ leaseMs: 300, sweeper: true });
    const cluster = "c-crash" as ClusterId;
    const task = await a.queue.enqueue(cluster, "backup", { ns: "shop" });

    // The agent takes the task through hub b, then dies (kill -9): no result, no renewals.
    const firstTry: TaskRecord[] = [];
    const dead = b.dispatcher.attach(cluster, { send: (t) => void firstTry.push(t) });
    dead.addCredits(1);
    await waitFor("first delivery", () => firstTry.length === 1);
    dead.detach();

    // It reconnects, this time through hub a; the BullMQ sweeper (on either process) hands the task back.
    const secondTry: TaskRecord[] = [];
    const reconnected = a.dispatcher.attach(cluster, {
      send: (t) => {
        secondTry.push(t);
        void a.queue.complete(t.id, reconnected.owner, { items: 42 }, { attempt: t.attempts });
      },
    });
    reconnected.addCredits(1);
    await waitFor("re-delivery after the lease expired", () => secondTry.length === 1, 5_000);
    expect(secondTry[0]).toMatchObject({ id: task.id, attempts: 2 });
    await waitFor("completion", async () => (await a.queue.get(task.id))?.state === "completed");

    // The dead agent's result, had it arrived late, is refused.
    await expect(b.queue.complete(task.id, dead.owner, { items: 0 })).rejects.toMatchObject({ code: "FAILED_PRECONDITION" });
    expect(await a.queue.get(task.id)).toMatchObject({ state: "completed", attempts: 2, result: { items: 42 } });
    const completions = (await a.events.read("0", 100)).filter((e) => e.taskId === task.id && e.type === "completed");
    expect(completions).toHaveLength(1);
    expect(a.errors.concat(b.errors)).toEqual([]);
  });

  it("delivers tasks queued while no stream had credits once credits arrive through the other process", async () => {
    const [a, b] = await twoHubs();
    const cluster = "c-late" as ClusterId;
    for (let i = 0; i < 5; i++) await a.queue.enqueue(cluster, "backup", { i });
    const sent: TaskRecord[] = [];
    const stream = b.dispatcher.attach(cluster, { send: (t) => void sent.push(t) });
    await sleep(100);
    expect(sent).toHaveLength(0);
    stream.addCredits(5);
    await waitFor("five delivered", () => sent.length === 5);
    expect(sent.map((t) => (t.spec as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
  });
});
