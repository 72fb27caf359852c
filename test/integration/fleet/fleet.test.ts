import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { startEmulator, type RunningEmulator } from "@lifeboat/kube-emulator";
import { freePort } from "../../harness/src/free-port.js";
import { kubectlOk } from "../../harness/src/kubectl.js";
import { spawnGroup, type ProcessGroup } from "../../harness/src/process-group.js";
import { startRedis, type RunningRedis } from "../../harness/src/redis-server.js";
import { startKubeGate, type KubeGate } from "../agent/support/kube-gate.js";
import { assertCliBuilt, CLI_MAIN, cleanEnv, runCli } from "../cli/support/cli.js";
import { killGroup, until } from "./support/fleet-processes.js";

// The fleet end to end with real processes: redis-server (append-only), `lifeboat hub start`
// and `lifeboat agent start` as child processes in their own process groups (killed with
// SIGKILL to the group where a crash is the point), and Kubernetes emulators.

interface ClusterJson {
  id: string;
  name: string;
  state: string;
  connectedHub?: string;
  inventory?: unknown;
}
interface TaskJson {
  id: string;
  clusterId: string;
  state: string;
  attempt?: number;
}

let redis: RunningRedis;
let root: string;
let emulator: RunningEmulator;
const groups: ProcessGroup[] = [];

beforeAll(async () => {
  assertCliBuilt();
  root = await mkdtemp(join(tmpdir(), "lifeboat-fleet-"));
  redis = await startRedis({ appendOnly: true });
  emulator = await startEmulator({ k8sVersion: "1.30", kubeconfigPath: join(root, "emulator.kubeconfig"), controllers: [] });
});
afterEach(async () => {
  for (const group of groups.splice(0).reverse()) await group.stop(5_000);
});
afterAll(async () => {
  await emulator?.stop();
  await redis?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** `hub init` on a fresh data dir with its own key prefix; `agents` settings are written into hub.yaml. */
async function initHub(name: string, agents: Record<string, number> = {}): Promise<{ dataDir: string }> {
  const dataDir = join(root, name);
  const init = await runCli(["hub", "init", "--data-dir", dataDir, "--redis-url", redis.url, "--key-prefix", `f-${randomUUID().slice(0, 8)}:`]);
  expect(init.code, init.stderr).toBe(0);
  const file = join(dataDir, "hub.yaml");
  const config = parse(await readFile(file, "utf8")) as { agents?: Record<string, number> };
  config.agents = { ...config.agents, heartbeatIntervalMs: 1_000, ...agents };
  await writeFile(file, stringify(config));
  return { dataDir };
}

async function startHubProcess(dataDir: string, hubId: string, port?: number): Promise<{ group: ProcessGroup; address: string }> {
  const address = `127.0.0.1:${port ?? (await freePort())}`;
  const group = await spawnGroup(process.execPath, [CLI_MAIN, "hub", "start", "--data-dir", dataDir, "--listen", address, "--hub-id", hubId], { env: cleanEnv() });
  groups.push(group);
  await group.waitReady(() => group.output().includes("hub listening"), { what: `lifeboat hub start (${hubId})`, timeoutMs: 30_000, intervalMs: 100 });
  return { group, address };
}

async function createToken(admin: string[]): Promise<string> {
  const made = await runCli(["token", "create", "--ttl", "10m", "-o", "json", ...admin]);
  expect(made.code, made.stderr).toBe(0);
  return (JSON.parse(made.stdout) as { secret: string }).secret;
}

async function startAgentProcess(args: { hub: string; dataDir: string; stateDir: string; kubeconfig: string; token?: string; name?: string }): Promise<ProcessGroup> {
  const argv = [CLI_MAIN, "agent", "start", "--hub", args.hub, "--ca", join(args.dataDir, "ca.crt"), "--kubeconfig", args.kubeconfig, "--state-dir", args.stateDir];
  if (args.token) {
    const tokenFile = join(root, `token-${randomUUID()}`);
    await writeFile(tokenFile, args.token, { mode: 0o600 });
    argv.push("--token-file", tokenFile);
  }
  if (args.name) argv.push("--cluster-name", args.name);
  const group = await spawnGroup(process.execPath, argv, { env: cleanEnv() });
  groups.push(group);
  return group;
}

async function listJson<T>(args: string[], admin: string[]): Promise<T[]> {
  const result = await runCli([...args, "-o", "json", ...admin]);
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as T[];
}

async function connectedWithInventory(admin: string[], name: string): Promise<{ cluster: ClusterJson; task: TaskJson }> {
  return until(`${name} CONNECTED with a completed inventory`, async () => {
    const cluster = (await listJson<ClusterJson>(["cluster", "list"], admin)).find((c) => c.name === name);
    if (cluster?.state !== "CLUSTER_STATE_CONNECTED") return undefined;
    const task = (await listJson<TaskJson>(["task", "list", "--cluster", cluster.id], admin)).find((t) => t.state === "TASK_STATE_COMPLETED");
    return task ? { cluster, task } : undefined;
  });
}

describe("token → register → connect → inventory", () => {
  it("the cluster record holds the emulator's namespaces; registering again with a new token and state dir keeps the id", async () => {
    await kubectlOk({ kubeconfigPath: emulator.kubeconfigPath!, kubectlCacheDir: join(root, "kubectl-cache") }, ["create", "namespace", "fleet-a"]);
    const { dataDir } = await initHub("hub-a");
    const hub = await startHubProcess(dataDir, "hub-a");
    const admin = ["--hub", hub.address, "--data-dir", dataDir];

    const first = await startAgentProcess({ hub: hub.address, dataDir, stateDir: join(root, "a-state-1"), kubeconfig: emulator.kubeconfigPath!, token: await createToken(admin), name: "fleet-a" });
    const { cluster } = await connectedWithInventory(admin, "fleet-a");
    const got = await runCli(["cluster", "get", cluster.id, "-o", "json", ...admin]);
    expect(got.code, got.stderr).toBe(0);
    const inventory = JSON.stringify((JSON.parse(got.stdout) as ClusterJson).inventory);
    for (const ns of ["default", "kube-system", "fleet-a"]) expect(inventory).toContain(`"${ns}"`);
    await first.stop();

    const second = await startAgentProcess({ hub: hub.address, dataDir, stateDir: join(root, "a-state-2"), kubeconfig: emulator.kubeconfigPath!, token: await createToken(admin), name: "fleet-a" });
    await until("re-registered cluster CONNECTED", async () => {
      const clusters = await listJson<ClusterJson>(["cluster", "list"], admin);
      return clusters.length === 1 && clusters[0]!.state === "CLUSTER_STATE_CONNECTED" ? clusters : undefined;
    });
    const clusters = await listJson<ClusterJson>(["cluster", "list"], admin);
    expect(clusters.map((c) => c.id)).toEqual([cluster.id]);
    expect(second.hasExited()).toBe(false);
  }, 150_000);
});

describe("an agent killed mid-task", () => {
  let gate: KubeGate;
  beforeAll(async () => {
    gate = await startKubeGate(emulator.url);
  });
  afterAll(async () => {
    gate?.release();
    await gate?.close();
  });

  it("the task is handed out again after its lease expires and completes once, on attempt 2", async () => {
    const { dataDir } = await initHub("hub-b", { leaseMs: 4_000 });
    let hub = await startHubProcess(dataDir, "hub-b");
    const admin = ["--hub", hub.address, "--data-dir", dataDir];
    const kubeconfig = join(root, "gated.kubeconfig");
    await gate.writeKubeconfig(emulator.kubeconfig, emulator.url, kubeconfig);
    const stateDir = join(root, "b-state");

    const agent = await startAgentProcess({ hub: hub.address, dataDir, stateDir, kubeconfig, token: await createToken(admin), name: "fleet-b" });
    await connectedWithInventory(admin, "fleet-b");
    // The agent needs the API server to connect at all, so the gate cannot be held from the start.
    // The hub queues an inventory task after every hello: hold the gate, then restart the hub
    // cleanly on its port so the agent reconnects and gets a task that stalls at the gate.
    gate.hold();
    const port = Number(hub.address.split(":")[1]);
    await hub.group.stop();
    hub = await startHubProcess(dataDir, "hub-b", port);
    const leased = await until("an inventory leased and held at the gate", async () => {
      const task = (await listJson<TaskJson>(["task", "list"], admin)).find((t) => t.state === "TASK_STATE_LEASED");
      return task && gate.waiting > 0 ? task : undefined;
    });
    await killGroup(agent);
    gate.release();

    await startAgentProcess({ hub: hub.address, dataDir, stateDir, kubeconfig });
    const done = await until(
      "the task completed after the restart",
      async () => {
        const got = await runCli(["task", "get", leased.id, "-o", "json", ...admin]);
        const task = JSON.parse(got.stdout) as TaskJson;
        return task.state === "TASK_STATE_COMPLETED" ? task : undefined;
      },
      90_000,
    );
    expect(done.attempt).toBe(2);
    const tasks = await listJson<TaskJson>(["task", "list"], admin);
    expect(tasks.filter((t) => t.id === leased.id)).toHaveLength(1);
  }, 150_000);
});

describe("a hub killed under its agents", () => {
  // The agent is given one replica's address, so it can only wait for that replica to come back
  // (failing over to another replica it knows is in multi-hub.test.ts). The hub is restarted on
  // the same port while a second replica shares the Redis, and the fleet is watched through it.
  it("the agent reconnects to the restarted hub and a task queued afterwards completes", async () => {
    const { dataDir } = await initHub("hub-c");
    const hubA = await startHubProcess(dataDir, "hub-c1");
    const hubB = await startHubProcess(dataDir, "hub-c2");
    const adminB = ["--hub", hubB.address, "--data-dir", dataDir];
    await startAgentProcess({ hub: hubA.address, dataDir, stateDir: join(root, "c-state"), kubeconfig: emulator.kubeconfigPath!, token: await createToken(adminB), name: "fleet-c" });
    const { cluster, task: before } = await connectedWithInventory(adminB, "fleet-c");
    expect(cluster.connectedHub).toBe("hub-c1");

    await killGroup(hubA.group);
    await startHubProcess(dataDir, "hub-c1", Number(hubA.address.split(":")[1]));
    // The reconnect queues a fresh inventory (the hub does so after every hello): it must complete.
    const after = await until(
      "a new inventory completed after the hub restart",
      async () => {
        const tasks = await listJson<TaskJson>(["task", "list", "--cluster", cluster.id], adminB);
        return tasks.find((t) => t.id !== before.id && t.state === "TASK_STATE_COMPLETED");
      },
      120_000,
    );
    expect(after.clusterId).toBe(cluster.id);
    const now = (await listJson<ClusterJson>(["cluster", "list"], adminB)).find((c) => c.id === cluster.id)!;
    expect(now.state).toBe("CLUSTER_STATE_CONNECTED");
  }, 180_000);
});
