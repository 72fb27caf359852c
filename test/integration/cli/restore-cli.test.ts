import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { BackupPhase, RepositoryAccessSchema, RestorePhase } from "@lifeboat/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { silentLog, startHub, type RunningHub } from "@lifeboat/hub";
import { startRedis, type RunningRedis } from "../../harness/src/redis-server.js";
import { FakeAgentRun, TestDirectory, registerCluster, waitFor } from "../hub/backups/support/catalog-fixture.js";
import { recordBackup, startRestoreHub, type RestoreHub } from "../hub/restores/support/restore-fixture.js";
import { assertCliBuilt, expectOneErrorLine, lifeboatAt, runCli } from "./support/cli.js";

// `lifeboat restore` against a real hub, redis-server and filesystem repository. The agent's side
// of a restore is played through the real task queue on the hub's Redis.

const PASSWORD = `pw-${randomUUID()}`;
const west = "west" as Parameters<typeof FakeAgentRun.lease>[1];
const east = "east" as Parameters<typeof FakeAgentRun.lease>[1];

/** Leases the next task queued for `cluster`, waiting for one to be queued. */
async function nextRun(cluster: Parameters<typeof FakeAgentRun.lease>[1]): Promise<FakeAgentRun> {
  let run: FakeAgentRun | undefined;
  await waitFor(`a task queued for ${cluster}`, async () => {
    run = await FakeAgentRun.lease(side.queue, cluster).catch(() => undefined);
    return run !== undefined;
  }, 30_000);
  return run!;
}

let redis: RunningRedis;
let hub: RunningHub;
let root: string;
let connection: string[];
let side: RestoreHub;
let completedBackup: string;

const lifeboat = lifeboatAt(() => connection);


beforeAll(async () => {
  assertCliBuilt();
  redis = await startRedis();
  root = await mkdtemp(join(tmpdir(), "lifeboat-restore-cli-"));
  const dataDir = join(root, "hub");
  const passwordFile = join(root, "repo-password");
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  const repoUrl = `file://${join(root, "repo")}`;
  const prefix = `t-${randomUUID().slice(0, 8)}:`;
  const [init, made] = await Promise.all([
    runCli(["hub", "init", "--data-dir", dataDir, "--redis-url", redis.url, "--key-prefix", prefix]),
    runCli(["repo", "init", "--repo", repoUrl, "--password-file", passwordFile]),
  ]);
  expect(init.code, init.stderr).toBe(0);
  expect(made.code, made.stderr).toBe(0);
  hub = await startHub({ dataDir, listen: "127.0.0.1:0", hubId: "restore-cli-hub", log: silentLog });
  connection = ["--hub", hub.address, "--data-dir", dataDir];
  const added = await lifeboat("repository", "add", "main", "--url", repoUrl, "--password-file", passwordFile);
  expect(added.code, added.stderr).toBe(0);
  // The same Redis and prefix as the hub: clusters and backups recorded through the real stores.
  side = await startRestoreHub(redis.url, prefix, new TestDirectory(create(RepositoryAccessSchema, { name: "main", url: repoUrl })));
  await registerCluster(side, "east");
  await registerCluster(side, "west");
  completedBackup = (await recordBackup(side, "east")).id;
});

afterAll(async () => {
  await side?.close();
  await hub?.stop();
  await redis?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("lifeboat restore", () => {
  it("creates a restore with mappings, lists it and describes it as it ends", async () => {
    const created = await lifeboat(
      "restore", "create", "--from-backup", completedBackup, "--to-cluster", "west", "--include-namespaces", "shop",
      "--namespace-mapping", "shop:shop-copy", "--storage-class-mapping", "gp2:gp3,standard:fast", "--image-registry-mapping", "quay.io/coreos:registry.example:5000/mirror",
      "--existing-resource-policy", "update", "--label", "reason=drill", "-o", "json",
    );
    expect(created.code, created.stderr).toBe(0);
    const restore = JSON.parse(created.stdout) as { id: string; phase: string; spec: Record<string, unknown>; sourceClusterId: string; clusterId: string };
    expect(restore).toMatchObject({ phase: "RESTORE_PHASE_NEW", clusterId: "west", sourceClusterId: "east" });
    expect(restore.spec).toMatchObject({
      backupId: completedBackup,
      includedNamespaces: ["shop"],
      namespaceMapping: { shop: "shop-copy" },
      storageClassMapping: { gp2: "gp3", standard: "fast" },
      imageRegistryMapping: { "quay.io/coreos": "registry.example:5000/mirror" },
      existingResourcePolicy: "EXISTING_RESOURCE_POLICY_UPDATE",
      labels: { reason: "drill" },
    });

    const [table, json, otherCluster] = await Promise.all([lifeboat("restore", "list"), lifeboat("restore", "list", "--backup", completedBackup, "-o", "json"), lifeboat("restore", "list", "--cluster", "east", "-o", "json")]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+BACKUP\s+FROM\s+TO\s+PHASE\s+ITEMS\s+CREATED$/);
    expect(table.stdout).toMatch(new RegExp(`^${restore.id}\\s+${completedBackup}\\s+east-name\\s+west\\s+NEW\\s`, "m"));
    expect((JSON.parse(json.stdout) as { id: string }[]).map((r) => r.id)).toEqual([restore.id]);
    expect(JSON.parse(otherCluster.stdout)).toEqual([]);

    // The agent's part, through the real queue: the hub's tracker records the result.
    const run = await FakeAgentRun.lease(side.queue, west);
    await run.complete({
      kind: {
        case: "restore",
        value: {
          phase: RestorePhase.PARTIALLY_FAILED,
          kubernetesVersion: "v1.30.2",
          summary: {
            items: 5n, created: 3n, updated: 1n, skipped: 0n, failed: 1n,
            itemsPerResource: { "deployments.apps": 2n, services: 3n },
            itemsPerNamespace: { "shop-copy": 5n },
            conversions: { "ingresses.extensions/v1beta1 -> networking.k8s.io/v1": 1n },
            failures: [{ resource: "services", namespace: "shop-copy", name: "web", message: "port 30080 is already allocated" }],
          },
        },
      },
    });
    await waitFor("the restore to end", async () => (await side.restores.get(restore.id)).phase === RestorePhase.PARTIALLY_FAILED, 30_000);
    const [described, yaml] = await Promise.all([lifeboat("restore", "describe", restore.id), lifeboat("restore", "describe", restore.id, "-o", "yaml")]);
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toMatch(/^phase:\s+PARTIALLY_FAILED$/m);
    expect(described.stdout).toMatch(/^from → to:\s+east-name \(east\) → west$/m);
    expect(described.stdout).toMatch(/^items:\s+5 \(3 created, 1 updated, 0 skipped, 1 failed\)$/m);
    expect(described.stdout).toMatch(/namespace mapping:\s+shop→shop-copy/);
    expect(described.stdout).toMatch(/^\s+services\s+3$/m);
    expect(described.stdout).toMatch(/ingresses\.extensions\/v1beta1 -> networking\.k8s\.io\/v1\s+1/);
    expect(described.stdout).toMatch(/^Failures \(1\):\n\s+services shop-copy\/web: port 30080 is already allocated$/m);
    expect(parse(yaml.stdout)).toMatchObject({ id: restore.id, kubernetesVersion: "v1.30.2" });

    const deleted = await lifeboat("restore", "delete", restore.id);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe(`restore ${restore.id} deleted\n`);
    await expect(side.restores.get(restore.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("exits 1 from --wait when the restore fails, with the reason", async () => {
    const waiting = lifeboat("restore", "create", "--from-backup", completedBackup, "--to-cluster", "west");
    const waited = runCli(["restore", "create", "--from-backup", completedBackup, "--to-cluster", "west", "--wait", ...connection]);
    expect((await waiting).code).toBe(0);
    // Both are queued on west; fail both (the waited one is among them).
    for (let i = 0; i < 2; i++) await (await nextRun(west)).fail("INTERNAL", "the API server went away");
    const result = await waited;
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^phase:\s+FAILED$/m);
    expect(result.stderr).toMatch(/ended FAILED: the API server went away/);
  });

  it("refuses bad flags (exit 2), an unknown backup or cluster (exit 3) and an unfinished backup (exit 1), recording nothing", async () => {
    const running = (await recordBackup(side, "east", BackupPhase.IN_PROGRESS)).id;
    const before = (await side.restores.list({}, { size: 100 })).restores.length;
    const base = ["restore", "create", "--from-backup", completedBackup, "--to-cluster", "west"];
    const [mapping, policy, unknownBackup, unknownCluster, unfinished] = await Promise.all([
      lifeboat(...base, "--namespace-mapping", "shop"),
      lifeboat(...base, "--existing-resource-policy", "sometimes"),
      lifeboat("restore", "create", "--from-backup", "f".repeat(32), "--to-cluster", "west"),
      lifeboat("restore", "create", "--from-backup", completedBackup, "--to-cluster", "nowhere"),
      lifeboat("restore", "create", "--from-backup", running, "--to-cluster", "west"),
    ]);
    expectOneErrorLine(mapping, 2, /--namespace-mapping/);
    expectOneErrorLine(policy, 2, /--existing-resource-policy "sometimes" is invalid: expected one of skip, update/);
    expectOneErrorLine(unknownBackup, 3, /backup f{32} not found/);
    expectOneErrorLine(unknownCluster, 3, /cluster "nowhere" not found/);
    expectOneErrorLine(unfinished, 1, /is IN_PROGRESS; only a COMPLETED or PARTIALLY_FAILED backup can be restored/);
    expect((await side.restores.list({}, { size: 100 })).restores).toHaveLength(before);
  });

  it("migrates: backs up the source now, restores that backup into the target and prints one report", async () => {
    const migrating = runCli(["migrate", "--from-cluster", "east", "--to-cluster", "west", "--include-namespaces", "shop", "--namespace-mapping", "shop:shop-moved", ...connection]);
    // The agents' parts, through the real queue: east backs up, then west restores that backup.
    const backupRun = await nextRun(east);
    await backupRun.complete({ kind: { case: "backup", value: { phase: BackupPhase.COMPLETED, summary: { items: 7n, itemsPerNamespace: { shop: 7n } }, kubernetesVersion: "v1.16.15" } } });
    const restoreRun = await nextRun(west);
    const task = await side.queue.get(restoreRun.taskId);
    expect(JSON.stringify(task?.spec)).toContain(backupRun.taskId);
    await restoreRun.complete({ kind: { case: "restore", value: { phase: RestorePhase.COMPLETED, summary: { items: 7n, created: 7n, itemsPerNamespace: { "shop-moved": 7n } } } } });
    const result = await migrating;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^backup:\\s+${backupRun.taskId} of east: COMPLETED$`, "m"));
    expect(result.stdout).toMatch(/^backed up:\s+7 items in 1 namespaces$/m);
    expect(result.stdout).toMatch(/^items:\s+7 \(7 created, 0 updated, 0 skipped, 0 failed\)$/m);
    expect(result.stdout).toMatch(/namespace mapping:\s+shop→shop-moved/);
    expect((await side.restores.get(restoreRun.taskId)).spec).toMatchObject({ backupId: backupRun.taskId, includedNamespaces: ["shop"] });
  });
});
