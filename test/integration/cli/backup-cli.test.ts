import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { silentLog, startHub, type RunningHub } from "@lifeboat/hub";
import { startRedis, type RunningRedis } from "../../harness/src/redis-server.js";
import { startS3Server, type RunningS3Server } from "../../harness/src/s3-server.js";
import { assertCliBuilt, expectOneErrorLine, lifeboatAt, runCli } from "./support/cli.js";

// `lifeboat repository`, `policy` and `backup` against a real hub, redis-server and filesystem
// repository. Backups themselves need an agent and a cluster: the agent suites cover those.

const EXAMPLE_POLICY = fileURLToPath(new URL("../../../docs/examples/policy.yaml", import.meta.url));
const PASSWORD = `pw-${randomUUID()}`;

let redis: RunningRedis;
let hub: RunningHub;
let root: string;
let connection: string[];
let repoUrl: string;
let passwordFile: string;

const lifeboat = lifeboatAt(() => connection);


beforeAll(async () => {
  assertCliBuilt();
  redis = await startRedis();
  root = await mkdtemp(join(tmpdir(), "lifeboat-backup-cli-"));
  const dataDir = join(root, "hub");
  passwordFile = join(root, "repo-password");
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  repoUrl = `file://${join(root, "repo")}`;
  const [init, made] = await Promise.all([
    runCli(["hub", "init", "--data-dir", dataDir, "--redis-url", redis.url, "--key-prefix", `t-${randomUUID().slice(0, 8)}:`]),
    runCli(["repo", "init", "--repo", repoUrl, "--password-file", passwordFile]),
  ]);
  expect(init.code, init.stderr).toBe(0);
  expect(made.code, made.stderr).toBe(0);
  hub = await startHub({ dataDir, listen: "127.0.0.1:0", hubId: "backup-cli-hub", log: silentLog });
  connection = ["--hub", hub.address, "--data-dir", dataDir];
});

afterAll(async () => {
  await hub?.stop();
  await redis?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("lifeboat repository", () => {
  it("adds a repository without ever printing its password; list, get and check show it", async () => {
    const added = await lifeboat("repository", "add", "main", "--url", repoUrl, "--password-file", passwordFile, "--description", "the fleet's", "-o", "json");
    expect(added.code, added.stderr).toBe(0);
    const repository = JSON.parse(added.stdout) as { name: string; url: string; repositoryId: string; credentialNames: string[]; credentials?: unknown };
    expect(repository).toMatchObject({ name: "main", url: repoUrl });
    expect(repository.repositoryId).not.toBe("");
    expect(repository.credentialNames).toContain("password");
    expect(repository.credentials).toBeUndefined();

    const [table, got, check] = await Promise.all([lifeboat("repository", "list"), lifeboat("repository", "get", "main", "-o", "yaml"), lifeboat("repository", "check", "main")]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^NAME\s+URL\s+REPOSITORY-ID\s+CREDENTIALS\s+CREATED\s+DESCRIPTION$/);
    expect(table.stdout).toMatch(new RegExp(`^main\\s+${repoUrl}\\s+${repository.repositoryId}\\s+\\S*password`, "m"));

    expect(got.code, got.stderr).toBe(0);
    expect(parse(got.stdout)).toMatchObject({ name: "main", description: "the fleet's" });

    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^ok:\s+yes$/m);
    expect(check.stdout).toMatch(/^problems:\s+0$/m);

    for (const result of [added, table, got, check]) expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it("refuses a name in use, a wrong password and an unknown repository, recording nothing", async () => {
    const wrongPassword = join(root, "wrong-password");
    await writeFile(wrongPassword, "not-the-password\n");
    const [again, wrong, unknown] = await Promise.all([
      lifeboat("repository", "add", "main", "--url", repoUrl, "--password-file", passwordFile),
      lifeboat("repository", "add", "other", "--url", repoUrl, "--password-file", wrongPassword),
      lifeboat("repository", "check", "nope"),
    ]);
    expectOneErrorLine(again, 1, /main/, PASSWORD);
    expect(wrong.code).not.toBe(0);
    expectOneErrorLine(wrong, wrong.code, /password/i, PASSWORD);
    expectOneErrorLine(unknown, 3, /nope/, PASSWORD);
    const list = await lifeboat("repository", "list", "-o", "json");
    expect((JSON.parse(list.stdout) as { name: string }[]).map((r) => r.name)).toEqual(["main"]);
  });
});

describe("lifeboat policy", () => {
  it("creates the example policy from its file, lists, gets, pauses, resumes and deletes it", async () => {
    const created = await lifeboat("policy", "create", "-f", EXAMPLE_POLICY, "-o", "json");
    expect(created.code, created.stderr).toBe(0);
    const policy = JSON.parse(created.stdout) as Record<string, unknown> & { id: string; name: string; nextRunTime?: string; backup: { ttl: string; repository: string } };
    expect(policy).toMatchObject({ name: "nightly", schedule: "0 2 * * *", timeZone: "Europe/Paris", clusterSelector: "env=prod" });
    expect(policy.id).not.toBe("");
    expect(policy.backup).toMatchObject({ repository: "main", ttl: "2592000s" });
    expect(policy.nextRunTime).toEqual(expect.any(String));

    const [list, got] = await Promise.all([lifeboat("policy", "list"), lifeboat("policy", "get", "nightly", "-o", "yaml")]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^NAME\s+CLUSTERS\s+SCHEDULE\s+PAUSED\s+REPOSITORY\s+LAST-RUN\s+NEXT-RUN$/);
    expect(list.stdout).toMatch(/^nightly\s+env=prod\s+0 2 \* \* \*\s+no\s+main\s/m);

    // What `get -o yaml` prints is what `create -f` takes: a listed policy can be copied.
    expect(got.code, got.stderr).toBe(0);
    const copy = parse(got.stdout) as Record<string, unknown>;
    for (const field of ["id", "createTime", "updateTime", "lastRunTime", "nextRunTime"]) delete copy[field];
    const copyFile = join(root, "copy.yaml");
    await writeFile(copyFile, stringify({ ...copy, name: "nightly-copy" }));
    // Pausing by id as well as by name.
    const [copied, paused] = await Promise.all([lifeboat("policy", "create", "-f", copyFile, "-o", "json"), lifeboat("policy", "pause", policy.id, "-o", "json")]);
    expect(copied.code, copied.stderr).toBe(0);
    expect(JSON.parse(copied.stdout)).toMatchObject({ name: "nightly-copy", backup: { ttl: "2592000s", mode: "BACKUP_MODE_NORMAL" } });
    expect(paused.code, paused.stderr).toBe(0);
    expect(JSON.parse(paused.stdout)).toMatchObject({ name: "nightly", paused: true });
    expect((JSON.parse(paused.stdout) as { nextRunTime?: string }).nextRunTime).toBeUndefined();
    // A policy that names the repository keeps it from being forgotten.
    const [resumed, inUse] = await Promise.all([lifeboat("policy", "resume", "nightly"), lifeboat("repository", "delete", "main")]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^paused:\s+no$/m);
    expectOneErrorLine(inUse, 1, /main/, PASSWORD);

    for (const deleted of await Promise.all([lifeboat("policy", "delete", "nightly"), lifeboat("policy", "delete", "nightly-copy")])) {
      expect(deleted.code, deleted.stderr).toBe(0);
    }
    const gone = await lifeboat("policy", "get", "nightly");
    expectOneErrorLine(gone, 3, /nightly/, PASSWORD);
  });

  it("creates a policy from flags, and refuses bad ones with the field named, creating none of them", async () => {
    // The file's other mistakes (enums, durations, types) are covered by hub/src/cli/backup/policy-file.test.ts.
    const badFile = join(root, "bad-field.yaml");
    await writeFile(badFile, (await readFile(EXAMPLE_POLICY, "utf8")).replace("excludedNamespaces:", "excludeNamespaces:"));
    const base = ["policy", "create", "--cluster-selector", "env=prod"];
    const [created, cron, repository, field] = await Promise.all([
      lifeboat(
        "policy", "create", "--name", "shop-often", "--cluster-selector", "team=shop", "--schedule", "@every 2h30m", "--repository", "main",
        "--include-namespaces", "shop", "--mode", "resources-only", "--ttl", "7d", "--keep-last", "4", "--keep-daily", "7", "--paused", "-o", "json",
        "--volumes", "fs", "--volume-policy", "fast-ssd=snapshot", "--snapshot-class", "csi-snap", "--volume-timeout", "30m",
      ),
      lifeboat(...base, "--name", "bad-cron", "--schedule", "61 * * * *", "--repository", "main"),
      lifeboat(...base, "--name", "bad-repository", "--schedule", "0 2 * * *", "--repository", "nope"),
      lifeboat("policy", "create", "-f", badFile),
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      name: "shop-often",
      clusterSelector: "team=shop",
      schedule: "@every 2h30m",
      paused: true,
      backup: {
        repository: "main",
        includedNamespaces: ["shop"],
        mode: "BACKUP_MODE_RESOURCES_ONLY",
        ttl: "604800s",
        volumes: { defaultPolicy: "VOLUME_POLICY_FS", storageClassPolicies: { "fast-ssd": "VOLUME_POLICY_SNAPSHOT" }, snapshotClass: "csi-snap", timeout: "1800s" },
      },
      retention: { keepLast: 4, keepDaily: 7 },
    });
    expectOneErrorLine(cron, 2, /policy\.schedule "61 \* \* \* \*" is not a valid cron expression/, PASSWORD);
    expectOneErrorLine(repository, 3, /policy\.backup\.repository "nope" not found/, PASSWORD);
    expectOneErrorLine(field, 2, /bad-field\.yaml: backup\.excludeNamespaces is not a field of BackupSpec/, PASSWORD);
    const list = await lifeboat("policy", "list", "-o", "json");
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((p) => p.name)).toEqual(["shop-often"]);
  });
});

describe("lifeboat backup", () => {
  it("lists no backups yet, and exits 3 for an unknown backup or cluster", async () => {
    const unknownId = randomUUID().replace(/-/g, "");
    const [list, describeUnknown, unknownCluster] = await Promise.all([
      lifeboat("backup", "list", "--since", "24h", "-o", "json"),
      lifeboat("backup", "describe", unknownId),
      lifeboat("backup", "create", "--cluster", "no-such-cluster", "--repository", "main"),
    ]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
    expectOneErrorLine(describeUnknown, 3, new RegExp(unknownId), PASSWORD);
    expectOneErrorLine(unknownCluster, 3, /--cluster "no-such-cluster": no cluster has this id or name/, PASSWORD);
  });

  it("refuses bad flags with exit 2 naming the flag, before calling the hub", async () => {
    // Every flag's checks are covered by hub/src/cli/backup/spec-flags.test.ts; these show the exit status and the one line.
    const results = await Promise.all([
      lifeboat("backup", "delete", "bk-1"),
      lifeboat("task", "create", randomUUID(), "--kind", "backup"),
      lifeboat("backup", "create", "--cluster", "eu-1", "--repository", "main", "--volumes", "copy"),
      lifeboat("backup", "create", "--cluster", "eu-1", "--repository", "main", "--volume-policy", "Fast=fs"),
      lifeboat("migrate", "--from-cluster", "a", "--to-cluster", "b", "--volumes", "fs", "--skip-volume-data"),
    ]);
    const expected = [
      /--confirm is required/,
      /lifeboat backup create/,
      /--volumes "copy" is invalid: expected a policy of fs, snapshot, none/,
      /--volume-policy "Fast=fs" is invalid: expected a storage class name/,
      /--skip-volume-data cannot be used with --volumes/,
    ];
    results.forEach((result, i) => expectOneErrorLine(result, 2, expected[i]!), PASSWORD);
  });
});

describe("lifeboat repository on S3", () => {
  let s3: RunningS3Server;
  let url: string;
  beforeAll(async () => {
    s3 = await startS3Server({ buckets: ["lifeboat-fleet"] });
    url = `s3://lifeboat-fleet/backups?endpoint=${encodeURIComponent(s3.endpoint)}&region=${s3.region}&pathStyle=true`;
    const made = await runCli(["repo", "init", "--repo", url, "--password-file", passwordFile], { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey });
    expect(made.code, made.stderr).toBe(0);
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it("takes the S3 keys from the variables the flags name, keeps them for the hub and never prints them", async () => {
    const keys = { FLEET_KEY_ID: s3.accessKeyId, FLEET_SECRET: s3.secretAccessKey };
    const withKeys = (...args: string[]) => runCli([...args, ...connection], keys);
    const [unset, added] = await Promise.all([
      withKeys("repository", "add", "fleet", "--url", url, "--password-file", passwordFile, "--access-key-id-env", "FLEET_KEY_ID", "--secret-access-key-env", "NOT_SET_ANYWHERE"),
      withKeys("repository", "add", "fleet", "--url", url, "--password-file", passwordFile, "--access-key-id-env", "FLEET_KEY_ID", "--secret-access-key-env", "FLEET_SECRET", "-o", "yaml"),
    ]);
    expectOneErrorLine(unset, 2, /--secret-access-key-env: the environment variable NOT_SET_ANYWHERE is not set/, PASSWORD);
    expect(added.code, added.stderr).toBe(0);
    expect((parse(added.stdout) as { credentialNames: string[] }).credentialNames).toEqual(expect.arrayContaining(["password", "accessKeyId", "secretAccessKey"]));
    expect(added.stdout + added.stderr).not.toContain(s3.secretAccessKey);

    // The hub opens it with the keys it stored: this process's environment has none.
    const check = await lifeboat("repository", "check", "fleet");
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^ok:\s+yes$/m);
    expect(check.stdout).not.toContain(s3.secretAccessKey);
    const deleted = await lifeboat("repository", "delete", "fleet");
    expect(deleted.code, deleted.stderr).toBe(0);
  });
});
