import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskChangeType, TaskState, type Task } from "@lifeboat/proto";
import { startEmulator, type RunningEmulator } from "@lifeboat/kube-emulator";
import { startRedis, type RunningRedis } from "../../harness/src/redis-server.js";
import { startKubeGate, type KubeGate } from "../agent/support/kube-gate.js";
import { assertCliBuilt } from "../cli/support/cli.js";
import { FleetProcesses, connectedCluster, createInventoryTask, taskInState, tokenSecret, until, type AdminClient } from "./support/fleet-processes.js";

// redis-server (append-only, fsync on every write) crashes and comes back while tasks are queued
// and one is in flight, under two real hub processes and a real agent: every task completes, once.

let redis: RunningRedis;
let root: string;
let emulator: RunningEmulator;
let gate: KubeGate;
let processes: FleetProcesses;

beforeAll(async () => {
  assertCliBuilt();
  root = await mkdtemp(join(tmpdir(), "lifeboat-redis-restart-"));
  // appendfsync always: a SIGKILL loses nothing acknowledged. (With the hub's usual everysec, a
  // crash may lose the last second of writes; that is Redis's promise, not the hub's to keep.)
  redis = await startRedis({ appendOnly: true, appendFsync: "always" });
  emulator = await startEmulator({ k8sVersion: "1.30", kubeconfigPath: join(root, "emulator.kubeconfig"), controllers: [] });
  gate = await startKubeGate(emulator.url);
  await gate.writeKubeconfig(emulator.kubeconfig, emulator.url, join(root, "gated.kubeconfig"));
  processes = new FleetProcesses(root, redis.url);
}, 120_000);

afterAll(async () => {
  gate?.release();
  await processes?.stopAll();
  await gate?.close();
  await emulator?.stop();
  await redis?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** The fleet's task events after `afterEventId`, read until `enough` says so. */
async function taskEvents(admin: AdminClient, afterEventId: string, enough: (events: { type: TaskChangeType; task: Task }[]) => boolean) {
  const events: { type: TaskChangeType; task: Task }[] = [];
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error("the event log did not hold the expected events within 10 s")), 10_000);
  try {
    for await (const { event } of admin.watchEvents({ afterEventId }, { signal: abort.signal })) {
      if (event?.change.case === "task") events.push({ type: event.change.value.type, task: event.change.value.task! });
      if (enough(events)) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return events;
}

describe("redis-server restarted under the fleet", () => {
  it("loses no queued task: each completes exactly once, on its first attempt, and the replicas carry on", async () => {
    const hub = await processes.initHub("hub", { agents: { leaseMs: 30_000 } });
    const hubA = await processes.startHub(hub, "hub-a");
    const hubB = await processes.startHub(hub, "hub-b");
    const admins = [processes.admin(hub, hubA.address), processes.admin(hub, hubB.address)];
    // One task at a time, so that while the first is held at the gate the others stay queued.
    await processes.startAgent({
      hubs: [hubA.address, hubB.address],
      hub,
      stateDir: join(root, "state"),
      kubeconfig: join(root, "gated.kubeconfig"),
      token: await tokenSecret(admins[0]!),
      name: "restart",
      concurrency: 1,
    });
    const cluster = await connectedCluster(admins[0]!, "restart");
    await until("the connect-time inventory completed", async () => {
      const { tasks } = await admins[0]!.listTasks({ clusterId: cluster.id });
      return tasks.length > 0 && tasks.every((t) => t.state === TaskState.COMPLETED) ? tasks : undefined;
    });
    // Where the event log stands before the tasks of this test.
    const before = await (async () => {
      const abort = new AbortController();
      const marker = await createInventoryTask(admins[0]!, cluster.id);
      await taskInState(admins[0]!, marker.id, TaskState.COMPLETED);
      for await (const { event } of admins[0]!.watchEvents({ afterEventId: "0-0" }, { signal: abort.signal })) {
        if (event?.change.case === "task" && event.change.value.task?.id === marker.id && event.change.value.type === TaskChangeType.COMPLETED) {
          abort.abort();
          return event.id;
        }
      }
      throw new Error("the marker task's completion is not in the event log");
    })();

    gate.hold();
    const tasks: Task[] = [];
    for (let i = 0; i < 6; i++) tasks.push(await createInventoryTask(admins[i % 2]!, cluster.id));
    await until("one task leased and held at the gate, the rest queued", async () => {
      const states = await Promise.all(tasks.map(async (t) => (await admins[0]!.getTask({ id: t.id })).task!.state));
      return states.filter((s) => s === TaskState.LEASED).length === 1 && states.filter((s) => s === TaskState.QUEUED).length === 5 && gate.waiting > 0
        ? states
        : undefined;
    });

    await redis.restart({ how: "kill" });
    gate.release();
    // Created after the restart, through each replica: the replicas' Redis connections (and the
    // pub/sub that tells the replica holding the stream) came back.
    for (const admin of admins) tasks.push(await until("a task created after the restart", () => createInventoryTask(admin, cluster.id), 30_000));

    for (const task of tasks) expect(await taskInState(admins[1]!, task.id, TaskState.COMPLETED, 90_000), task.id).toMatchObject({ attempt: 1 });

    // Exactly once: one lease and one completion per task in the event log, nothing expired or failed.
    const ids = new Set(tasks.map((t) => t.id));
    const events = (
      await taskEvents(admins[0]!, before, (all) => tasks.every((t) => all.some((e) => e.task.id === t.id && e.type === TaskChangeType.COMPLETED)))
    ).filter((e) => ids.has(e.task.id));
    for (const task of tasks) {
      const mine = events.filter((e) => e.task.id === task.id).map((e) => e.type);
      expect(mine.filter((t) => t === TaskChangeType.LEASED), task.id).toHaveLength(1);
      expect(mine.filter((t) => t === TaskChangeType.COMPLETED), task.id).toHaveLength(1);
      expect(mine.filter((t) => t === TaskChangeType.LEASE_EXPIRED || t === TaskChangeType.FAILED), task.id).toEqual([]);
    }
    expect((await admins[0]!.listTasks({ clusterId: cluster.id, state: TaskState.QUEUED })).tasks).toEqual([]);
  }, 240_000);
});
