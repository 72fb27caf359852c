// One `lifeboat node-agent start` per node of an emulated cluster, each in its own process group,
// as a DaemonSet would run them: each sees its node's kubelet root <dataDir>/nodes/<node>.
import { join } from "node:path";
import { LIFEBOAT_CLI, cliEnvironment } from "./local-hub.js";
import { spawnGroup, type ProcessGroup } from "./process-group.js";


export interface NodeAgentCluster {
  kubeconfigPath: string;
  /** The emulator's data directory: node <n>'s kubelet root is <dataDir>/nodes/<n>. */
  dataDir: string;
  nodeNames: string[];
}

export interface NodeAgentsOptions {
  /** --namespace; the CLI's default (lifeboat-system) when absent. */
  namespace?: string;
  concurrency?: number;
  logLevel?: string;
  /** How long to wait for each process to say it started. Default 30 s. */
  readyTimeoutMs?: number;
}

export interface NodeAgents {
  /** The process group of each node's agent, by node name. */
  readonly groups: ReadonlyMap<string, ProcessGroup>;
  /** A node's agent's output so far. */
  output(nodeName: string): string;
  /** SIGKILL of that node's agent (its whole process group), for fault tests: no hand-back. */
  kill(nodeName: string): Promise<void>;
  /** Starts that node's agent again (after kill or stop) and waits until it runs. */
  restart(nodeName: string): Promise<void>;
  /** SIGTERM to that node's agent, or to every agent without a node; SIGKILL after a grace period. */
  stop(nodeName?: string): Promise<void>;
}

/** Starts one node agent per node of `cluster` and waits until each has started. */
export async function startNodeAgents(cluster: NodeAgentCluster, options: NodeAgentsOptions = {}): Promise<NodeAgents> {
  const groups = new Map<string, ProcessGroup>();
  const start = async (nodeName: string): Promise<void> => {
    const args = [
      LIFEBOAT_CLI,
      "node-agent",
      "start",
      "--node-name",
      nodeName,
      "--kubelet-root",
      join(cluster.dataDir, "nodes", nodeName),
      "--kubeconfig",
      cluster.kubeconfigPath,
      ...(options.namespace ? ["--namespace", options.namespace] : []),
      ...(options.concurrency ? ["--concurrency", String(options.concurrency)] : []),
      "--log-level",
      options.logLevel ?? "info",
    ];
    const group = await spawnGroup(process.execPath, args, { env: cliEnvironment() });
    groups.set(nodeName, group);
    await group.waitReady(() => group.output().includes("node agent started"), {
      what: `lifeboat node-agent start on ${nodeName}`,
      timeoutMs: options.readyTimeoutMs ?? 30_000,
      intervalMs: 100,
    });
  };
  const groupOf = (nodeName: string): ProcessGroup => {
    const group = groups.get(nodeName);
    if (!group) throw new Error(`no node agent for node ${nodeName}: the nodes are ${[...groups.keys()].join(", ")}`);
    return group;
  };

  try {
    await Promise.all(cluster.nodeNames.map(start));
  } catch (err) {
    await Promise.all([...groups.values()].map((g) => g.stop()));
    throw err;
  }
  return {
    groups,
    output: (nodeName) => groupOf(nodeName).output(),
    async kill(nodeName) {
      // SIGKILL and no SIGTERM first, as a node agent dies of OOM or a node reboot: nothing handed back.
      const group = groupOf(nodeName);
      if (!group.hasExited()) process.kill(-group.pid, "SIGKILL");
      await group.exited;
      await group.stop();
    },
    async restart(nodeName) {
      await groupOf(nodeName).stop();
      await start(nodeName);
    },
    async stop(nodeName) {
      await Promise.all((nodeName === undefined ? [...groups.values()] : [groupOf(nodeName)]).map((g) => g.stop(15_000)));
    },
  };
}
