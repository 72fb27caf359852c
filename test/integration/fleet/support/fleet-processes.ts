// Real hub and agent processes for the fleet suites: `lifeboat hub init|start` and `lifeboat agent
// start` from the built CLI, each in its own process group (so a test can SIGKILL a whole
// process), and AdminService clients to watch and drive them.
import { randomUUID } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Metadata, type Client } from "@grpc/grpc-js";
import { AdminService, ClusterState, TaskState, type Cluster, type Task } from "@lifeboat/proto";
import { createChannel, createClient, createClientTls, type ServiceClient, type ServiceMethods } from "@lifeboat/shared";
import { parse, stringify } from "yaml";
import { freePort } from "../../../harness/src/free-port.js";
import { spawnGroup, type ProcessGroup } from "../../../harness/src/process-group.js";
import { CLI_MAIN, cleanEnv, runCli } from "../../cli/support/cli.js";

export type AdminClient = ServiceClient<ServiceMethods<typeof AdminService>>;

export interface HubDataDir {
  dataDir: string;
  caCertificatePem: string;
  adminCredential: string;
}

export interface HubProcess {
  hubId: string;
  address: string;
  port: number;
  group: ProcessGroup;
}

export interface AgentProcessOptions {
  /** Every hub address the agent is given, joined with commas into one --hub. */
  hubs: string[];
  hub: HubDataDir;
  stateDir: string;
  kubeconfig: string;
  token?: string;
  name?: string;
  concurrency?: number;
}

/** The processes and channels one suite started; stopAll() ends them (process groups, never by name). */
export class FleetProcesses {
  private readonly groups: ProcessGroup[] = [];
  private readonly channels: Client[] = [];

  constructor(
    private readonly root: string,
    private readonly redisUrl: string,
  ) {}

  /** `hub init` with a key prefix of its own; `settings` (e.g. `agents`, `maxMessageBytes`) go into hub.yaml. */
  async initHub(name: string, settings: { agents?: Record<string, number>; maxMessageBytes?: number } = {}): Promise<HubDataDir> {
    const dataDir = join(this.root, name);
    const init = await runCli(["hub", "init", "--data-dir", dataDir, "--redis-url", this.redisUrl, "--key-prefix", `m-${randomUUID().slice(0, 8)}:`]);
    if (init.code !== 0) throw new Error(`hub init failed: ${init.stderr}`);
    const file = join(dataDir, "hub.yaml");
    const config = parse(await readFile(file, "utf8")) as Record<string, unknown> & { agents?: Record<string, number> };
    config.agents = { ...config.agents, heartbeatIntervalMs: 1_000, ...settings.agents };
    if (settings.maxMessageBytes !== undefined) config.maxMessageBytes = settings.maxMessageBytes;
    await writeFile(file, stringify(config));
    return {
      dataDir,
      caCertificatePem: await readFile(join(dataDir, "ca.crt"), "utf8"),
      adminCredential: (await readFile(join(dataDir, "admin-credential"), "utf8")).trim(),
    };
  }

  /** `hub start` on `port` (a free one when absent); resolves once it listens. */
  async startHub(hub: HubDataDir, hubId: string, port?: number): Promise<HubProcess> {
    const chosen = port ?? (await freePort());
    const address = `127.0.0.1:${chosen}`;
    const group = await spawnGroup(process.execPath, [CLI_MAIN, "hub", "start", "--data-dir", hub.dataDir, "--listen", address, "--hub-id", hubId], { env: cleanEnv() });
    this.groups.push(group);
    await group.waitReady(() => group.output().includes("hub listening"), { what: `lifeboat hub start (${hubId})`, timeoutMs: 30_000, intervalMs: 100 });
    return { hubId, address, port: chosen, group };
  }

  /** `agent start` with `--hub a,b,…`; not waited for. */
  async startAgent(options: AgentProcessOptions): Promise<ProcessGroup> {
    const argv = [CLI_MAIN, "agent", "start", "--hub", options.hubs.join(","), "--ca", join(options.hub.dataDir, "ca.crt")];
    argv.push("--kubeconfig", options.kubeconfig, "--state-dir", options.stateDir, "--concurrency", String(options.concurrency ?? 2));
    if (options.token) {
      const tokenFile = join(this.root, `token-${randomUUID()}`);
      await writeFile(tokenFile, options.token, { mode: 0o600 });
      argv.push("--token-file", tokenFile);
    }
    if (options.name) argv.push("--cluster-name", options.name);
    const group = await spawnGroup(process.execPath, argv, { env: cleanEnv() });
    this.groups.push(group);
    return group;
  }

  /** An AdminService client of the hub at `address` with the data dir's admin credential. */
  admin(hub: HubDataDir, address: string): AdminClient {
    const channel = createChannel(address, createClientTls({ caCertificatePem: hub.caCertificatePem }));
    this.channels.push(channel);
    const metadata = new Metadata();
    metadata.set("authorization", `Bearer ${hub.adminCredential}`);
    return createClient(AdminService, channel, { metadata });
  }

  track(channel: Client): Client {
    this.channels.push(channel);
    return channel;
  }

  async stopAll(): Promise<void> {
    for (const channel of this.channels.splice(0)) channel.close();
    // Agents first (they were started after their hubs), so they do not see their hubs go.
    for (const group of this.groups.splice(0).reverse()) await group.stop(5_000);
  }
}

/** SIGKILL to the whole process group: a crash, nothing flushed or said goodbye. */
export async function killGroup(group: ProcessGroup): Promise<void> {
  process.kill(-group.pid, "SIGKILL");
  await group.exited;
  await group.stop();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` (errors count as "not yet") until it returns a value, or throws naming `what`. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${String(last)})` : ""}`);
    await sleep(intervalMs);
  }
}

/** A registration token's secret, made through `admin`. */
export async function tokenSecret(admin: AdminClient): Promise<string> {
  return (await admin.createToken({})).secret;
}

/** Waits until the cluster named `name` is CONNECTED (through the hub `hubId` when given). */
export function connectedCluster(admin: AdminClient, name: string, hubId?: string, timeoutMs = 60_000): Promise<Cluster> {
  return until(
    `${name} CONNECTED${hubId ? ` via ${hubId}` : ""}`,
    async () => {
      const cluster = (await admin.listClusters({})).clusters.find((c) => c.name === name);
      return cluster?.state === ClusterState.CONNECTED && (!hubId || cluster.connectedHub === hubId) ? cluster : undefined;
    },
    timeoutMs,
  );
}

/** Waits until task `id` is in `state`. */
export function taskInState(admin: AdminClient, id: string, state: TaskState, timeoutMs = 60_000): Promise<Task> {
  return until(
    `task ${id} ${TaskState[state]}`,
    async () => {
      const { task } = await admin.getTask({ id });
      return task?.state === state ? task : undefined;
    },
    timeoutMs,
  );
}

/** Creates an inventory task for `clusterId` through `admin` (the only task kind there is). */
export async function createInventoryTask(admin: AdminClient, clusterId: string): Promise<Task> {
  const { task } = await admin.createTask({ clusterId, spec: { kind: { case: "inventory", value: {} } } });
  return task!;
}
