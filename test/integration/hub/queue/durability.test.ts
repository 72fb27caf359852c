import { afterEach, describe, expect, it } from "vitest";
import type { ClusterId, TaskId, TaskRecord } from "@lifeboat/hub";
import { startRedis, type RunningRedis } from "../../../harness/src/redis-server.js";
import { startHubProcess, testPrefix, waitFor, type HubProcess } from "./support/hub-process.js";

const CLUSTERS = 10;
const TASKS = 1_000;

describe("the task queue across a redis-server restart (AOF on)", () => {
  let redis: RunningRedis | undefined;
  let hub: HubProcess | undefined;

  afterEach(async () => {
    await hub?.close();
    await redis?.stop();
    hub = undefined;
    redis = undefined;
  });

  for (const how of ["kill", "shutdown"] as const) {
    it(`loses none of ${TASKS} queued tasks when Redis is restarted (${how === "kill" ? "SIGKILL" : "SHUTDOWN"})`, async () => {
      redis = await startRedis({ appendOnly: true });
      hub = await startHubProcess(redis.url, { prefix: testPrefix() });
      const queue = hub.queue;
      const byCluster = new Map<ClusterId, TaskId[]>();
      const clusterOf = (i: number): ClusterId => `c-${i % CLUSTERS}` as ClusterId;
      await Promise.all(
        Array.from({ length: TASKS }, async (_, i) => {
          const task = await queue.enqueue(clusterOf(i), "backup", { i });
          return task;
        }),
      ).then((tasks) => {
        for (const task of tasks.sort((x, y) => x.seq - y.seq)) {
          const list = byCluster.get(task.clusterId) ?? [];
          list.push(task.id);
          byCluster.set(task.clusterId, list);
        }
      });
      // One leased task too: its lease must survive as well.
      const leased = await queue.lease(clusterOf(0), "agent-a", 60_000);
      expect(leased).toBeDefined();

      await redis.restart({ how });

      // The hub's connections reconnect on their own; its scripts are reloaded on first use.
      let total = 0;
      for (const [clusterId, ids] of byCluster) {
        const depth = await queue.depth(clusterId);
        total += depth;
        const queued = await hub.redis.command.lrange(queue.keys.queue(clusterId), 0, -1);
        expect(queued).toEqual(clusterId === clusterOf(0) ? ids.slice(1) : ids);
      }
      expect(total).toBe(TASKS - 1);
      expect(await queue.get(leased!.id)).toMatchObject({ state: "leased", leaseOwner: "agent-a", attempts: 1 });
      expect((await queue.list({ state: "queued", limit: 1000 })).tasks).toHaveLength(TASKS - 1);

      // And the queue works on: a stream attached now is served in order.
      const sent: TaskRecord[] = [];
      hub.dispatcher.attach(clusterOf(3), { send: (t) => void sent.push(t) }).addCredits(2);
      await waitFor("delivery after the restart", () => sent.length === 2);
      expect(sent.map((t) => t.id)).toEqual(byCluster.get(clusterOf(3))!.slice(0, 2));
      // Notifications flow again through the resubscribed subscriber connection.
      const fresh = await queue.enqueue("c-new" as ClusterId, "backup", {});
      const got: TaskRecord[] = [];
      hub.dispatcher.attach("c-new" as ClusterId, { send: (t) => void got.push(t) }).addCredits(1);
      await waitFor("delivery of a task enqueued after the restart", () => got.length === 1);
      expect(got[0]!.id).toBe(fresh.id);
    });
  }
});
