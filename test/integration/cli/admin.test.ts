import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { silentLog, startHub, type RunningHub } from "@lifeboat/hub";
import { startRedis, type RunningRedis } from "../../harness/src/redis-server.js";
import { assertCliBuilt, runCli } from "./support/cli.js";

let redis: RunningRedis;
let hub: RunningHub;
let dataDir: string;
let connection: string[];

beforeAll(async () => {
  assertCliBuilt();
  redis = await startRedis();
  dataDir = join(await mkdtemp(join(tmpdir(), "lifeboat-cli-")), "hub");
  const init = await runCli(["hub", "init", "--data-dir", dataDir, "--redis-url", redis.url, "--key-prefix", `t-${randomUUID().slice(0, 8)}:`]);
  expect(init.code, init.stderr).toBe(0);
  hub = await startHub({ dataDir, listen: "127.0.0.1:0", hubId: "cli-hub", log: silentLog });
  connection = ["--hub", hub.address, "--data-dir", dataDir];
});

afterAll(async () => {
  await hub?.stop();
  await redis?.stop();
  if (dataDir) await rm(join(dataDir, ".."), { recursive: true, force: true });
});

describe("lifeboat hub init", () => {
  it("prints the admin credential once with a warning, and refuses a directory that holds a hub", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "lifeboat-cli-init-")), "hub");
    try {
      const first = await runCli(["hub", "init", "--data-dir", dir, "--server-name", "hub.example.com"]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/lba_\S+/);
      expect(first.stdout).toMatch(/shown this once/);
      const again = await runCli(["hub", "init", "--data-dir", dir]);
      expect(again.code).toBe(1);
      expect(again.stderr.trim().split("\n")).toHaveLength(1);
      expect(again.stderr).toMatch(/^lifeboat: .*already initialised/);
    } finally {
      await rm(join(dir, ".."), { recursive: true, force: true });
    }
  });
});

describe("lifeboat token", () => {
  it("creates a token with a secret and an id, lists it ACTIVE without the secret, and revokes it", async () => {
    const created = await runCli(["token", "create", "--ttl", "1h", "--labels", "env=dev", "-o", "json", ...connection]);
    expect(created.code, created.stderr).toBe(0);
    const made = JSON.parse(created.stdout) as { secret: string; token: { id: string; labels: Record<string, string>; state: string } };
    expect(made.secret).toMatch(/^lbt_/);
    expect(made.token.id).toMatch(/^tok-/);
    expect(made.token.labels).toEqual({ env: "dev" });

    const listed = await runCli(["token", "list", "-o", "yaml", ...connection]);
    expect(listed.code, listed.stderr).toBe(0);
    const tokens = parse(listed.stdout) as { id: string; state: string }[];
    expect(tokens.find((t) => t.id === made.token.id)?.state).toBe("REGISTRATION_TOKEN_STATE_ACTIVE");
    expect(listed.stdout).not.toContain(made.secret);

    const table = await runCli(["token", "list", "--state", "active", ...connection]);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+STATE\s+LABELS\s+EXPIRES/);
    expect(table.stdout).toMatch(new RegExp(`${made.token.id}\\s+ACTIVE\\s+env=dev`));

    const revoked = await runCli(["token", "revoke", made.token.id, "-o", "json", ...connection]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((JSON.parse(revoked.stdout) as { state: string }).state).toBe("REGISTRATION_TOKEN_STATE_REVOKED");
  });

  it("exits 2 with one line naming --ttl for a bad duration, and names a bad label", async () => {
    const ttl = await runCli(["token", "create", "--ttl", "1x", ...connection]);
    expect(ttl.code).toBe(2);
    expect(ttl.stderr).toMatch(/^lifeboat: --ttl "1x" is invalid[^\n]*\n$/);
    expect(ttl.stdout).toBe("");

    const label = await runCli(["token", "create", "--labels", "env=dev,-bad=x", ...connection]);
    expect(label.code).toBe(2);
    expect(label.stderr).toMatch(/^lifeboat: --labels "-bad=x" is invalid: label key "-bad"[^\n]*\n$/);
  });

  it("exits 4 with one line, and no credential in it, when the credential is wrong", async () => {
    const file = join(dataDir, "..", "wrong-credential");
    await writeFile(file, "lba_not-the-one\n", { mode: 0o600 });
    const result = await runCli(["token", "list", ...connection, "--credential-file", file]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^lifeboat: [^\n]*admin credential is not valid[^\n]*\n$/);
    expect(result.stderr).not.toContain("lba_not-the-one");
  });

  it("takes the hub, CA and credential from the environment", async () => {
    const result = await runCli(["token", "list", "-o", "json"], {
      LIFEBOAT_HUB: hub.address,
      LIFEBOAT_CA: join(dataDir, "ca.crt"),
      LIFEBOAT_CREDENTIAL_FILE: join(dataDir, "admin-credential"),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(result.stdout))).toBe(true);
  });

  it("exits 5 when the hub cannot be reached", async () => {
    const result = await runCli(["token", "list", "--hub", "127.0.0.1:1", "--data-dir", dataDir]);
    expect(result.code).toBe(5);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("lifeboat cluster and task", () => {
  it("lists clusters as a table with headers, and exits 3 for an unknown cluster", async () => {
    const list = await runCli(["cluster", "list", "-o", "table", ...connection]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^NAME\s+ID\s+STATE\s+LABELS\s+KUBERNETES\s+AGENT\s+LAST-HEARTBEAT$/);

    const missing = await runCli(["cluster", "get", "nope", ...connection]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^lifeboat: [^\n]+\n$/);
  });

  it("refuses a bad selector with exit 2", async () => {
    const result = await runCli(["cluster", "list", "--selector", "env in prod", ...connection]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^lifeboat: [^\n]+\n$/);
  });

  it("lists tasks as JSON", async () => {
    const result = await runCli(["task", "list", "-o", "json", ...connection]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(expect.any(Array));
    const state = await runCli(["task", "list", "--state", "sleeping", ...connection]);
    expect(state.code).toBe(2);
    expect(state.stderr).toMatch(/--state "sleeping" is invalid: expected one of queued, leased/);
  });

  it("exits 3 creating a task for an unknown cluster and 2 for a bad --max-attempts, queuing nothing", async () => {
    const unknown = await runCli(["task", "create", randomUUID(), ...connection]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/^lifeboat: [^\n]*cluster[^\n]*\n$/);
    const attempts = await runCli(["task", "create", randomUUID(), "--max-attempts", "0", ...connection]);
    expect(attempts.code).toBe(2);
    expect(attempts.stderr).toMatch(/--max-attempts "0" is invalid/);
    const cancel = await runCli(["task", "cancel", "inventory-nope", ...connection]);
    expect(cancel.code).not.toBe(0);
    expect(cancel.stderr).toMatch(/^lifeboat: [^\n]+\n$/);
    const tasks = await runCli(["task", "list", "-o", "json", ...connection]);
    expect(JSON.parse(tasks.stdout)).toEqual([]);
  });
});

describe("lifeboat --help", () => {
  const commands = [
    [],
    ["hub"],
    ["hub", "init"],
    ["hub", "start"],
    ["agent", "start"],
    ["token", "create"],
    ["token", "list"],
    ["token", "revoke"],
    ["cluster", "list"],
    ["cluster", "get"],
    ["cluster", "delete"],
    ["task", "create"],
    ["task", "list"],
    ["task", "get"],
    ["task", "cancel"],
    ["events"],
  ];
  it.each(commands.map((command) => [command.join(" ") || "lifeboat", command] as const))("%s --help has examples", async (_name, command) => {
    const result = await runCli([...command, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Examples:");
  });
});
