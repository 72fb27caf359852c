import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterState, TaskState, type Cluster } from "@lifeboat/proto";
import { startFleet, type Fleet } from "../../harness/src/kube-fleet.js";
import { startRedis, type RunningRedis } from "../../harness/src/redis-server.js";
import { startKubeGate, type KubeGate } from "../agent/support/kube-gate.js";
import { assertCliBuilt } from "../cli/support/cli.js";
import {
  FleetProcesses,
  connectedCluster,
  createInventoryTask,
  killGroup,
  taskInState,
  tokenSecret,
  until,
  type AdminClient,
  type HubDataDir,
  type HubProcess,
} from "./support/fleet-processes.js";

// Two `lifeboat hub start` processes on one Redis and one data dir, with `lifeboat agent start`
// processes spread over both: two agents know both replicas (`--hub a,b`), and one more is pinned
// to each replica so that both certainly hold streams. Then one replica is killed with SIGKILL.

let redis: RunningRedis;
let root: string;
let clusters: Fleet;
let gate: KubeGate;
let processes: FleetProcesses;

let hub: HubDataDir;
const hubs: Record<string, HubProcess> = {};
const admins: Record<string, AdminClient> = {};
// Agent name → the replicas it was given.
const agents = { "both-1": ["hub-a", "hub-b"], "both-2": ["hub-b", "hub-a"], "only-a": ["hub-a"], "only-b": ["hub-b"] } as const;
type AgentName = keyof typeof agents;
const clusterIds: Partial<Record<AgentName, string>> = {};

beforeAll(async () => {
  assertCliBuilt();
  root = await mkdtemp(join(tmpdir(), "lifeboat-multi-hub-"));
  redis = await startRedis({ appendOnly: true });
  // One emulator per agent: the fingerprint (kube-system's UID) is what makes a cluster.
  // The fifth registers while a replica is dead.
  clusters = await startFleet(["1.30", "1.30", "1.16", "1.30", "1.30"], { controllers: [] });
  // both-1's API server is behind a gate, to keep its tasks in flight while a replica dies.
  gate = await startKubeGate(clusters.clusters[0]!.url);
  await gate.writeKubeconfig(clusters.clusters[0]!.kubeconfig, clusters.clusters[0]!.url, join(root, "gated.kubeconfig"));
  processes = new FleetProcesses(root, redis.url);
}, 120_000);

afterAll(async () => {
  gate?.release();
  await processes?.stopAll();
  await gate?.close();
  await clusters?.stop();
  await redis?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

function other(hubId: string): string {
  return hubId === "hub-a" ? "hub-b" : "hub-a";
}

// The replica the test reads the fleet through (the one left alive once one is killed).
let watching = "hub-a";

async function clusterOf(name: AgentName): Promise<Cluster> {
  return (await admins[watching]!.getCluster({ id: clusterIds[name]! })).cluster!;
}

describe("two hub processes on one Redis", () => {
  it("agents spread over both register through either; a task created through one replica reaches an agent on the other promptly", async () => {
    hub = await processes.initHub("hub", { agents: { leaseMs: 20_000 } });
    for (const id of ["hub-a", "hub-b"]) {
      hubs[id] = await processes.startHub(hub, id);
      admins[id] = processes.admin(hub, hubs[id]!.address);
    }
    const kubeconfigs = [join(root, "gated.kubeconfig"), ...clusters.clusters.slice(1).map((c) => c.kubeconfigPath)];
    for (const [i, [name, replicas]] of Object.entries(agents).entries()) {
      // Tokens made through alternate replicas; registration goes to whichever replica the agent picks.
      const token = await tokenSecret(admins[i % 2 === 0 ? "hub-a" : "hub-b"]!);
      await processes.startAgent({ hubs: replicas.map((id) => hubs[id]!.address), hub, stateDir: join(root, `state-${name}`), kubeconfig: kubeconfigs[i]!, token, name });
    }
    for (const name of Object.keys(agents) as AgentName[]) clusterIds[name] = (await connectedCluster(admins["hub-b"]!, name)).id;

    const connected = (await admins["hub-a"]!.listClusters({})).clusters;
    expect(connected.map((c) => c.state)).toEqual(Object.keys(agents).map(() => ClusterState.CONNECTED));
    expect(new Set(connected.map((c) => c.connectedHub))).toEqual(new Set(["hub-a", "hub-b"]));
    expect((await clusterOf("only-a")).connectedHub).toBe("hub-a");
    expect((await clusterOf("only-b")).connectedHub).toBe("hub-b");

    // For every cluster, one task through the replica that holds its stream and one through the other.
    const started = Date.now();
    const created = [];
    for (const name of Object.keys(agents) as AgentName[]) {
      const holder = (await clusterOf(name)).connectedHub;
      for (const via of [holder, other(holder)]) created.push({ name, via, task: await createInventoryTask(admins[via]!, clusterIds[name]!) });
    }
    for (const { name, via, task } of created) {
      // Well inside one lease (20 s): delivered as it was queued, not found by a sweep.
      const done = await taskInState(admins[other(via)]!, task.id, TaskState.COMPLETED, 15_000);
      expect(done, `${name} via ${via}`).toMatchObject({ clusterId: clusterIds[name], attempt: 1 });
    }
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 180_000);

  it("kill -9 a replica: its agents that know the other move there, in-flight and queued tasks complete; a pinned agent's wait for its replica", async () => {
    const victim = (await clusterOf("both-1")).connectedHub;
    const survivor = other(victim);
    watching = survivor;
    const admin = admins[survivor]!;
    const pinned: AgentName = victim === "hub-a" ? "only-a" : "only-b";
    const onVictim: AgentName[] = [];
    for (const name of ["both-1", "both-2"] as const) if ((await clusterOf(name)).connectedHub === victim) onVictim.push(name);
    expect(onVictim).toContain("both-1");

    // A task in flight on both-1 (held at its API server's gate), leased through the victim's stream.
    gate.hold();
    const inFlight = await createInventoryTask(admin, clusterIds["both-1"]!);
    await until("the task leased and held at the gate", async () => {
      const { task } = await admin.getTask({ id: inFlight.id });
      return task?.state === TaskState.LEASED && gate.waiting > 0 ? task : undefined;
    });

    await killGroup(hubs[victim]!.group);
    const killedAt = Date.now();
    // Queued while the victim is dead: for an agent that moves, and for the pinned one.
    const queued = await createInventoryTask(admin, clusterIds["both-1"]!);
    const waiting = await createInventoryTask(admin, clusterIds[pinned]!);

    for (const name of onVictim) {
      const moved = await connectedCluster(admin, name, survivor, 30_000);
      expect(moved.id).toBe(clusterIds[name]);
    }
    // The first reconnect waits under a second (backoff 1 s, full jitter) and goes to the survivor.
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    gate.release();
    // The agent named the running task in its hello to the survivor, which adopted the lease:
    // the same attempt completes, it is not run again.
    expect(await taskInState(admin, inFlight.id, TaskState.COMPLETED, 30_000)).toMatchObject({ attempt: 1 });
    expect(await taskInState(admin, queued.id, TaskState.COMPLETED, 30_000)).toMatchObject({ attempt: 1 });

    // A new agent that knows the dead replica too registers and connects through the other,
    // whichever it starts at.
    const late = clusters.clusters[4]!;
    await processes.startAgent({ hubs: [hubs[victim]!.address, hubs[survivor]!.address], hub, stateDir: join(root, "state-late"), kubeconfig: late.kubeconfigPath, token: await tokenSecret(admin), name: "late" });
    expect((await connectedCluster(admin, "late", survivor, 30_000)).fingerprint).toBe(late.kubeSystemUid);

    // The pinned agent knows only the dead replica: its cluster is marked DISCONNECTED by the
    // survivor (stale heartbeats) and its task stays queued until the replica is back.
    await until(`${pinned} DISCONNECTED`, async () => ((await clusterOf(pinned)).state === ClusterState.DISCONNECTED ? true : undefined), 30_000);
    expect((await admin.getTask({ id: waiting.id })).task?.state).toBe(TaskState.QUEUED);
    hubs[victim] = await processes.startHub(hub, victim, hubs[victim]!.port);
    await connectedCluster(admin, pinned, victim, 90_000);
    expect(await taskInState(admin, waiting.id, TaskState.COMPLETED, 30_000)).toMatchObject({ attempt: 1 });

    // Nothing was handed out twice.
    for (const name of Object.keys(agents) as AgentName[]) {
      const tasks = (await admin.listTasks({ clusterId: clusterIds[name]! })).tasks;
      expect(tasks.filter((t) => t.attempt > 1), name).toEqual([]);
    }
  }, 240_000);
});
