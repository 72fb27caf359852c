import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { silentLog, startHub, type RunningHub } from "@lifeboat/hub";
import { startEmulator, type RunningEmulator } from "@lifeboat/kube-emulator";
import { freePort } from "../../harness/src/free-port.js";
import { spawnGroup, type ProcessGroup } from "../../harness/src/process-group.js";
import { startRedis, type RunningRedis } from "../../harness/src/redis-server.js";
import { assertCliBuilt, CLI_MAIN, cleanEnv, runCli } from "./support/cli.js";

// The commands that run until stopped (hub start, agent start, events), as child processes in
// their own process groups, stopped by signal as an operator or a supervisor would.

let redis: RunningRedis;
let root: string;
const groups: ProcessGroup[] = [];

beforeAll(async () => {
  assertCliBuilt();
  redis = await startRedis();
  root = await mkdtemp(join(tmpdir(), "lifeboat-cli-run-"));
});
afterEach(async () => {
  for (const group of groups.splice(0)) await group.stop(5_000);
});
afterAll(async () => {
  await redis?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

async function initDataDir(name: string): Promise<string> {
  const dataDir = join(root, name);
  const init = await runCli(["hub", "init", "--data-dir", dataDir, "--redis-url", redis.url, "--key-prefix", `t-${randomUUID().slice(0, 8)}:`]);
  expect(init.code, init.stderr).toBe(0);
  return dataDir;
}

async function spawnCli(args: string[]): Promise<ProcessGroup> {
  const group = await spawnGroup(process.execPath, [CLI_MAIN, ...args], { env: cleanEnv() });
  groups.push(group);
  return group;
}

async function signalAndWait(group: ProcessGroup, signal: NodeJS.Signals) {
  process.kill(group.pid, signal);
  const status = await Promise.race([group.exited, new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 20_000))]);
  return status;
}

describe("lifeboat hub start", () => {
  it("serves the admin API until SIGTERM, then stops cleanly with exit 0", async () => {
    const dataDir = await initDataDir("child-hub");
    const port = await freePort();
    const hub = await spawnCli(["hub", "start", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`, "--hub-id", "child-hub"]);
    await hub.waitReady(() => hub.output().includes("hub listening"), { what: "lifeboat hub start", timeoutMs: 30_000 });
    expect(hub.output()).toMatch(/"msg":"hub listening"/);

    const tokens = await runCli(["token", "list", "-o", "json", "--hub", `127.0.0.1:${port}`, "--data-dir", dataDir]);
    expect(tokens.code, tokens.stderr).toBe(0);

    expect(await signalAndWait(hub, "SIGTERM")).toEqual({ code: 0, signal: null });
    expect(hub.output()).toMatch(/"msg":"stopped"/);
  });

  it("exits non-zero with one line for a data directory that was never initialised", async () => {
    const result = await runCli(["hub", "start", "--data-dir", join(root, "nothing-here")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^lifeboat: [^\n]*is not initialised[^\n]*\n$/);
  });
});

describe("with a hub running", () => {
  let dataDir: string;
  let hub: RunningHub;
  let connection: string[];

  beforeAll(async () => {
    dataDir = await initDataDir("hub");
    hub = await startHub({ dataDir, listen: "127.0.0.1:0", hubId: "cli-run-hub", agents: { heartbeatIntervalMs: 1_000 }, log: silentLog });
    connection = ["--hub", hub.address, "--data-dir", dataDir];
  });
  afterAll(async () => {
    await hub?.stop();
  });

  async function createToken(extra: string[] = []): Promise<{ id: string; secret: string }> {
    const result = await runCli(["token", "create", "--ttl", "10m", "-o", "json", ...extra, ...connection]);
    expect(result.code, result.stderr).toBe(0);
    const made = JSON.parse(result.stdout) as { secret: string; token: { id: string } };
    return { id: made.token.id, secret: made.secret };
  }

  it("events follows the watch stream, one JSON line per event, resumes --from an id, and ends on Ctrl-C with exit 0", async () => {
    const events = await spawnCli(["events", "-o", "json", ...connection]);
    // A watch without --from sees only what happens after it is established, so make tokens until one shows.
    // (waitReady stops the process when it times out, so this polls by hand.)
    const made: { id: string; secret: string }[] = [];
    let first: { id: string; secret: string } | undefined;
    const deadline = Date.now() + 30_000;
    while (!first && Date.now() < deadline) {
      made.push(await createToken());
      for (let waited = 0; waited < 1_000 && !first; waited += 100) {
        if (events.hasExited()) throw new Error(`events exited early: ${events.output()}`);
        first = made.find((token) => events.output().includes(token.id));
        if (!first) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(first).toBeDefined();
    const lines = events
      .output()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: string; token?: { type: string; token: { id: string } } });
    const firstEvent = lines.find((line) => line.token?.token.id === first!.id)!;
    expect(firstEvent.token?.type).toBe("TOKEN_CHANGE_TYPE_CREATED");
    expect(events.output()).not.toContain(first!.secret);
    expect(await signalAndWait(events, "SIGINT")).toEqual({ code: 0, signal: null });

    const second = await createToken();
    const resumed = await spawnCli(["events", "--from", firstEvent.id, "-o", "yaml", ...connection]);
    await resumed.waitReady(() => resumed.output().includes(second.id), { what: "lifeboat events --from", timeoutMs: 15_000 });
    const documents = parseAllDocuments(resumed.output()).map((doc) => doc.toJS() as { id: string });
    expect(documents[0]!.id).not.toBe(firstEvent.id);
    expect(await signalAndWait(resumed, "SIGINT")).toEqual({ code: 0, signal: null });
  });

  describe("agent start", () => {
    let emulator: RunningEmulator;
    beforeAll(async () => {
      emulator = await startEmulator({ k8sVersion: "1.30", kubeconfigPath: join(root, "emulator.kubeconfig"), controllers: [] });
    });
    afterAll(async () => {
      await emulator?.stop();
    });

    it("registers with a token and the cluster shows CONNECTED; SIGTERM stops it with exit 0", async () => {
      const token = await createToken(["--labels", "env=sandbox"]);
      const agent = await spawnCli([
        "agent",
        "start",
        "--hub",
        hub.address,
        "--ca",
        join(dataDir, "ca.crt"),
        "--token",
        token.secret,
        "--kubeconfig",
        emulator.kubeconfigPath!,
        "--state-dir",
        join(root, "agent-state"),
        "--cluster-name",
        "edge-cli",
      ]);
      let clusters: { name: string; state: string; labels?: Record<string, string> }[] = [];
      await agent.waitReady(
        async () => {
          const listed = await runCli(["cluster", "list", "-o", "json", ...connection]);
          clusters = JSON.parse(listed.stdout) as typeof clusters;
          return clusters.some((c) => c.name === "edge-cli" && c.state === "CLUSTER_STATE_CONNECTED");
        },
        { what: "lifeboat agent start", timeoutMs: 45_000, intervalMs: 1_000 },
      );
      expect(clusters.find((c) => c.name === "edge-cli")?.labels).toEqual({ env: "sandbox" });
      const table = await runCli(["cluster", "list", "--selector", "env=sandbox", ...connection]);
      expect(table.stdout).toMatch(/edge-cli\s+\S+\s+CONNECTED\s+env=sandbox/);
      expect(agent.output()).not.toContain(token.secret);

      // task create --wait follows the task to its end and prints it with its result.
      const clusterId = (clusters.find((c) => c.name === "edge-cli") as unknown as { id: string }).id;
      const waited = await runCli(["task", "create", clusterId, "--kind", "inventory", "--wait", "-o", "json", ...connection]);
      expect(waited.code, waited.stderr).toBe(0);
      const finished = JSON.parse(waited.stdout) as { state: string; result?: { inventory?: { inventory?: { namespaces?: unknown[] } } } };
      expect(finished.state).toBe("TASK_STATE_COMPLETED");
      expect(finished.result?.inventory?.inventory?.namespaces?.length).toBeGreaterThan(0);
      expect(waited.stderr).toMatch(/queued; waiting/);

      expect(await signalAndWait(agent, "SIGTERM")).toEqual({ code: 0, signal: null });

      // With the agent gone a task stays queued, and cancelling it ends it with the reason.
      const queued = await runCli(["task", "create", clusterId, "-o", "json", ...connection]);
      expect(queued.code, queued.stderr).toBe(0);
      const queuedTask = JSON.parse(queued.stdout) as { id: string; state: string };
      expect(queuedTask.state).toBe("TASK_STATE_QUEUED");
      const cancelled = await runCli(["task", "cancel", queuedTask.id, "--reason", "maintenance window", "-o", "json", ...connection]);
      expect(cancelled.code, cancelled.stderr).toBe(0);
      expect(JSON.parse(cancelled.stdout)).toMatchObject({ id: queuedTask.id, state: "TASK_STATE_CANCELLED", cancelReason: "maintenance window" });

      // A selector fans out in one call: one task per matching cluster.
      const fanned = await runCli(["task", "create", "--selector", "env=sandbox", "-o", "json", ...connection]);
      expect(fanned.code, fanned.stderr).toBe(0);
      expect((JSON.parse(fanned.stdout) as { clusterId: string; state: string }[]).map((t) => [t.clusterId, t.state])).toEqual([[clusterId, "TASK_STATE_QUEUED"]]);
      const noMatch = await runCli(["task", "create", "--selector", "env=nowhere", ...connection]);
      expect(noMatch.code).toBe(3);
      expect(noMatch.stderr).toMatch(/^lifeboat: label_selector "env=nowhere" matches no cluster\n$/);

      const countTasks = async () => (JSON.parse((await runCli(["task", "list", "--cluster", clusterId, "-o", "json", ...connection])).stdout) as unknown[]).length;
      const before = await countTasks();
      const badKind = await runCli(["task", "create", clusterId, "--kind", "backup-everything", ...connection]);
      expect(badKind.code).toBe(2);
      expect(badKind.stderr).toMatch(/^lifeboat: --kind "backup-everything" is invalid: expected one of inventory\n$/);
      const waitMany = await runCli(["task", "create", clusterId, clusterId, "--wait", ...connection]);
      expect(waitMany.code).toBe(2);
      expect(waitMany.stderr).toMatch(/--wait .* is invalid: it follows one task/);
      expect(await countTasks()).toBe(before);
    });

    it("exits 4 with one line, and not the token, when the hub refuses the token", async () => {
      const args = ["agent", "start", "--hub", hub.address, "--ca", join(dataDir, "ca.crt"), "--kubeconfig", emulator.kubeconfigPath!];
      const result = await runCli([...args, "--token", "lbt_not-a-real-token", "--state-dir", join(root, "agent-refused"), "--log-level", "error"]);
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/^lifeboat: [^\n]*refused the registration token[^\n]*\n$/);
      expect(result.stderr + result.stdout).not.toContain("lbt_not-a-real-token");
    });
  });
});
