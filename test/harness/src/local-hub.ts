// A local Lifeboat through its built CLI, as an operator would run one: `lifeboat hub init` and
// `hub start`, a cluster agent registered with a single-use token, a filesystem repository. Each
// long-running process is a process group of its own, so its memory and CPU can be read alone
// and stopping it reaches everything it started.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.js";
import { spawnGroup, type ProcessGroup } from "./process-group.js";

/** The built `lifeboat` CLI (scripts/bootstrap.sh builds it with everything else). */
export const LIFEBOAT_CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "hub", "dist", "cli", "main.js");

/** The environment without the operator's LIFEBOAT_* settings: every command gets its own. */
export function cliEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("LIFEBOAT_")));
}

export interface CliOptions {
  /** Default 180 s; a `--wait` on a large backup needs more. */
  timeoutMs?: number;
  /** Called with each chunk of stderr (progress lines of `--wait`). */
  onStderr?: (text: string) => void;
}

/** Runs `lifeboat <args>` to completion; rejects with its error line (or the tail of stderr) on a non-zero exit. */
export function lifeboatCli(args: readonly string[], options: CliOptions = {}): Promise<string> {
  if (!existsSync(LIFEBOAT_CLI)) return Promise.reject(new Error(`${LIFEBOAT_CLI} is missing: build first (npx turbo run build)`));
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [LIFEBOAT_CLI, ...args], { env: cliEnvironment(), timeout: options.timeoutMs ?? 180_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`lifeboat ${args.slice(0, 2).join(" ")} failed (${err.code ?? err.signal ?? "?"}): ${stderr.trim().slice(-4000) || err.message}`));
      else resolve(stdout);
    });
    if (options.onStderr) child.stderr?.on("data", (chunk: Buffer | string) => options.onStderr!(String(chunk)));
  });
}

export interface LocalHub {
  address: string;
  dataDir: string;
  /** The admin options every admin command takes: --hub, --data-dir (CA and credential from there). */
  admin: string[];
  group: ProcessGroup;
  stop(): Promise<void>;
}

/** `lifeboat hub init` into `dataDir` and `lifeboat hub start` on a free loopback port; resolves once it listens. */
export async function startLocalHub(options: { dataDir: string; redisUrl: string; hubId?: string }): Promise<LocalHub> {
  const address = `127.0.0.1:${await freePort()}`;
  await lifeboatCli(["hub", "init", "--data-dir", options.dataDir, "--listen", address, "--redis-url", options.redisUrl, "-o", "json"]);
  const group = await spawnGroup(process.execPath, [LIFEBOAT_CLI, "hub", "start", "--data-dir", options.dataDir, "--hub-id", options.hubId ?? "local-hub"], { env: cliEnvironment() });
  await group.waitReady(() => group.output().includes("hub listening"), { what: "lifeboat hub start", timeoutMs: 60_000, intervalMs: 200 });
  return { address, dataDir: options.dataDir, admin: ["--hub", address, "--data-dir", options.dataDir], group, stop: () => group.stop(10_000) };
}

export interface ClusterAgentOptions {
  kubeconfigPath: string;
  clusterName: string;
  /** The agent's identity and state; created. */
  stateDir: string;
  /** Given to the cluster through its token, e.g. { bench: "volumes" }. */
  labels?: Record<string, string>;
}

/** A single-use token, then `lifeboat agent start` with it; does not wait for the connection (see waitForClusters). */
export async function startClusterAgent(hub: LocalHub, options: ClusterAgentOptions): Promise<ProcessGroup> {
  const labels = Object.entries(options.labels ?? {}).map(([k, v]) => `${k}=${v}`);
  const made = JSON.parse(await lifeboatCli(["token", "create", "--ttl", "10m", ...(labels.length ? ["--labels", labels.join(",")] : []), "-o", "json", ...hub.admin])) as { secret: string };
  await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
  const tokenFile = join(options.stateDir, "..", `${options.clusterName}.token`);
  await writeFile(tokenFile, `${made.secret}\n`, { mode: 0o600 });
  return spawnGroup(
    process.execPath,
    [LIFEBOAT_CLI, "agent", "start", "--hub", hub.address, "--ca", join(hub.dataDir, "ca.crt"), "--token-file", tokenFile, "--kubeconfig", options.kubeconfigPath, "--state-dir", options.stateDir, "--cluster-name", options.clusterName],
    { env: cliEnvironment() },
  );
}

interface ClusterJson {
  id: string;
  name: string;
  state: string;
}
interface TaskJson {
  clusterId: string;
  state: string;
}

/**
 * Waits until every cluster named is CONNECTED and has finished an inventory (its storage
 * classes and namespaces are known to the hub). Fails early when one of `watched` exits.
 */
export async function waitForClusters(hub: LocalHub, names: readonly string[], watched: readonly ProcessGroup[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const g of watched) if (g.hasExited()) throw new Error(`a lifeboat process exited early; its output:\n${g.output()}`);
    try {
      const clusters = JSON.parse(await lifeboatCli(["cluster", "list", "-o", "json", ...hub.admin])) as ClusterJson[];
      const tasks = JSON.parse(await lifeboatCli(["task", "list", "-o", "json", ...hub.admin])) as TaskJson[];
      const ready = names.filter((name) => {
        const c = clusters.find((x) => x.name === name);
        return c?.state === "CLUSTER_STATE_CONNECTED" && tasks.some((t) => t.clusterId === c.id && t.state === "TASK_STATE_COMPLETED");
      });
      if (ready.length === names.length) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`clusters ${names.join(", ")} did not connect and finish an inventory within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** `lifeboat repo init` of `file://<dir>` with the password in `passwordFile`, then `lifeboat repository add <name>`. */
export async function addFilesystemRepository(hub: LocalHub, options: { name: string; dir: string; passwordFile: string }): Promise<string> {
  const url = `file://${options.dir}`;
  await lifeboatCli(["repo", "init", "--repo", url, "--password-file", options.passwordFile]);
  await lifeboatCli(["repository", "add", options.name, "--url", url, "--password-file", options.passwordFile, ...hub.admin]);
  return url;
}
