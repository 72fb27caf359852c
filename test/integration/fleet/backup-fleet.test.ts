import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BackupPhase, RestorePhase, TaskState, type Backup, type Restore } from "@lifeboat/proto";
import { getBackupManifest, listBackups, openStorage, readAllItems, Repository } from "@lifeboat/shared/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "@lifeboat/kube-emulator";
import { kubectlOk } from "../../harness/src/kubectl.js";
import type { ProcessGroup } from "../../harness/src/process-group.js";
import { startRedis, type RunningRedis } from "../../harness/src/redis-server.js";
import { startKubeGate, type KubeGate } from "../agent/support/kube-gate.js";
import { assertCliBuilt } from "../cli/support/cli.js";
import { connectedCluster, FleetProcesses, killGroup, sleep, until, type AdminClient, type HubDataDir, type HubProcess } from "./support/fleet-processes.js";

// Backups across a fleet with real processes: redis-server, `lifeboat hub start`, one `lifeboat
// agent start` per emulator, and a filesystem repository. One policy over three clusters, a
// schedule firing on a real interval, an agent killed in the middle of a backup, and a hub
// restarted while a schedule is due.

const PASSWORD = "fleet-backup-password-9c1e";
const SECRET_VALUE = "s3cr3t-value-that-must-never-appear-in-the-repository";

let root: string;
let redis: RunningRedis;
let fleet: FleetProcesses;
let hubDir: HubDataDir;
let hub: HubProcess;
let admin: AdminClient;
let repositoryUrl: string;
const emulators: RunningEmulator[] = [];
let gate: KubeGate;
const clusterIds: string[] = [];
const agents: ProcessGroup[] = [];

function shop(namespace: string) {
  return {
    apiVersion: "v1",
    kind: "List",
    items: [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace }, data: { CURRENCY: "EUR" } },
      { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace }, stringData: { password: SECRET_VALUE } },
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace, labels: { app: "web" } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "web", image: "nginx:1.25", envFrom: [{ configMapRef: { name: "settings" } }, { secretRef: { name: "db" } }] }] },
          },
        },
      },
      { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } },
    ],
  };
}

beforeAll(async () => {
  assertCliBuilt();
  root = await mkdtemp(join(tmpdir(), "lifeboat-backup-fleet-"));
  redis = await startRedis({ appendOnly: true });
  fleet = new FleetProcesses(root, redis.url);
  for (const [i, version] of (["1.16", "1.30", "1.30"] as const).entries()) {
    const emulator = await startEmulator({ k8sVersion: version, kubeconfigPath: join(root, `cluster-${i}.kubeconfig`), controllers: [] });
    emulators.push(emulator);
    const target = { kubeconfigPath: emulator.kubeconfigPath!, kubectlCacheDir: join(root, `kubectl-${i}`) };
    await kubectlOk(target, ["apply", "-f", "-"], JSON.stringify(shop("shop")));
  }
  // The third cluster's agent reaches its API server through a gate the kill test holds.
  gate = await startKubeGate(emulators[2]!.url);
  await gate.writeKubeconfig(emulators[2]!.kubeconfig, emulators[2]!.url, join(root, "gated.kubeconfig"));

  const repositoryDir = join(root, "repository");
  repositoryUrl = `file://${repositoryDir}`;
  const storage = openStorage(repositoryUrl);
  await Repository.init(storage, PASSWORD, { kdf: { N: 1024 } });
  await storage.close();

  // Short leases: a killed agent's task goes back to the queue within seconds.
  hubDir = await fleet.initHub("hub", { agents: { leaseMs: 4_000 } });
  hub = await fleet.startHub(hubDir, "hub-a");
  admin = fleet.admin(hubDir, hub.address);
  for (const [i, emulator] of emulators.entries()) {
    const { secret } = await admin.createToken({ labels: { fleet: "backup-test", index: String(i) } });
    const agent = await fleet.startAgent({
      hubs: [hub.address],
      hub: hubDir,
      stateDir: join(root, `agent-${i}`),
      kubeconfig: i === 2 ? join(root, "gated.kubeconfig") : emulator.kubeconfigPath!,
      token: secret,
      name: `cluster-${i}`,
    });
    agents.push(agent);
  }
  for (let i = 0; i < emulators.length; i++) clusterIds.push((await connectedCluster(admin, `cluster-${i}`)).id);
  await admin.addRepository({ repository: { name: "fleet-repo", url: repositoryUrl, credentials: { password: PASSWORD } } });
}, 180_000);

afterAll(async () => {
  await fleet?.stopAll();
  await gate?.close();
  for (const emulator of emulators) await emulator.stop();
  await redis?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

function settled(id: string, timeoutMs = 90_000): Promise<Backup> {
  return until(
    `backup ${id} to settle`,
    async () => {
      const { backup } = await admin.getBackup({ id });
      return backup && [BackupPhase.COMPLETED, BackupPhase.PARTIALLY_FAILED, BackupPhase.FAILED, BackupPhase.FAILED_VALIDATION].includes(backup.phase) ? backup : undefined;
    },
    timeoutMs,
    250,
  );
}

function settledRestore(id: string, timeoutMs = 90_000): Promise<Restore> {
  return until(
    `restore ${id} to settle`,
    async () => {
      const { restore } = await admin.getRestore({ id });
      return restore && [RestorePhase.COMPLETED, RestorePhase.PARTIALLY_FAILED, RestorePhase.FAILED, RestorePhase.FAILED_VALIDATION].includes(restore.phase) ? restore : undefined;
    },
    timeoutMs,
    250,
  );
}

async function openRepository(): Promise<Repository> {
  return Repository.open(openStorage(repositoryUrl), PASSWORD, { write: false });
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

const spec = (extra: Record<string, unknown> = {}) => ({ repository: "fleet-repo", includedNamespaces: ["shop"], ...extra });

describe("one policy over the fleet", () => {
  it("backs up every matching cluster: one Completed backup each, its items in the repository and its secrets encrypted", async () => {
    const { policy } = await admin.createPolicy({ policy: { name: "fleet-nightly", clusterSelector: "fleet=backup-test", backup: spec(), schedule: "0 2 * * *", timeZone: "Europe/Berlin" } });
    expect(policy!.nextRunTime).toBeDefined();
    const { backups } = await admin.runPolicy({ policy: "fleet-nightly" });
    expect(backups.map((b) => b.clusterId).sort()).toEqual([...clusterIds].sort());
    const done = await Promise.all(backups.map((b) => settled(b.id)));
    for (const backup of done) {
      expect(backup.phase, backup.failureReason).toBe(BackupPhase.COMPLETED);
      expect(backup.policyId).toBe(policy!.id);
      expect(backup.summary!.itemsPerResource["secrets"]).toBe(1n);
      expect(backup.summary!.itemsPerResource["configmaps"]).toBeGreaterThanOrEqual(1n);
      expect(backup.summary!.itemsPerResource["deployments.apps"]).toBe(1n);
    }

    const repo = await openRepository();
    try {
      const ids = await listBackups(repo.manifests);
      for (const backup of done) {
        expect(ids).toContain(backup.id);
        const manifest = await getBackupManifest(repo.manifests, backup.id);
        const secret = (await readAllItems(repo.content, manifest.itemIndex)).find((item) => item.resource === "secrets" && item.name === "db");
        expect(secret).toBeDefined();
        const json = JSON.parse(Buffer.from(await repo.content.getContent(secret!.content)).toString("utf8")) as { data: Record<string, string> };
        expect(Buffer.from(json.data.password!, "base64").toString()).toBe(SECRET_VALUE);
      }
    } finally {
      await repo.close();
      await repo.storage.close();
    }
    // Nothing in the repository holds the secret in the clear, in plain or base64 form.
    for (const file of await filesUnder(join(root, "repository"))) {
      const bytes = await readFile(file);
      expect(bytes.includes(SECRET_VALUE), file).toBe(false);
      expect(bytes.includes(Buffer.from(SECRET_VALUE).toString("base64")), file).toBe(false);
    }
    const listed = await admin.listBackups({ policy: "fleet-nightly" });
    expect(listed.backups).toHaveLength(3);
  }, 180_000);

  it("an invalid spec is refused with the field named and queues nothing", async () => {
    const before = (await admin.listTasks({})).tasks.length;
    await expect(admin.createPolicy({ policy: { name: "bad-cron", clusterSelector: "fleet=backup-test", backup: spec(), schedule: "61 * * * *" } })).rejects.toThrow(/schedule/);
    await expect(admin.createPolicy({ policy: { name: "bad-repo", clusterSelector: "fleet=backup-test", backup: spec({ repository: "nope" }), schedule: "@every 1h" } })).rejects.toThrow(/nope|repository/);
    const { backups } = await admin.createBackup({ clusterIds: [clusterIds[0]!], spec: spec({ includedNamespaces: ["shop"], excludedNamespaces: ["shop"] }) });
    expect(backups[0]!.phase).toBe(BackupPhase.FAILED_VALIDATION);
    expect(backups[0]!.validationErrors.join(" ")).toMatch(/namespaces/);
    expect((await admin.listTasks({})).tasks.length).toBe(before);
  });
});

describe("schedules", () => {
  it("an @every schedule fires on its interval; pausing stops it and resuming starts it again", async () => {
    const { policy } = await admin.createPolicy({ policy: { name: "every-two", clusterNames: ["cluster-1"], backup: spec(), schedule: "@every 2s" } });
    const count = async () => (await admin.listBackups({ policy: policy!.id })).backups.length;
    await until("two scheduled backups", async () => ((await count()) >= 2 ? true : undefined), 30_000, 250);
    await admin.setPolicyPaused({ policy: "every-two", paused: true });
    await sleep(1_000);
    const paused = await count();
    await sleep(4_500);
    expect(await count()).toBe(paused);
    await admin.setPolicyPaused({ policy: "every-two", paused: false });
    await until("a backup after resuming", async () => ((await count()) > paused ? true : undefined), 30_000, 250);
    await admin.deletePolicy({ policy: "every-two" });
  }, 90_000);

  it("a schedule due while the hub was down fires once when it comes back, not once per missed interval", async () => {
    const { policy } = await admin.createPolicy({ policy: { name: "while-down", clusterNames: ["cluster-0"], backup: spec(), schedule: "@every 2s" } });
    const count = async () => (await admin.listBackups({ policy: policy!.id })).backups.length;
    await until("a first scheduled backup", async () => ((await count()) >= 1 ? true : undefined), 30_000, 250);
    await killGroup(hub.group);
    await sleep(9_000); // four intervals missed
    hub = await fleet.startHub(hubDir, "hub-a", hub.port);
    admin = fleet.admin(hubDir, hub.address);
    const before = await until("the hub to answer", async () => count(), 30_000, 250);
    await sleep(1_500);
    // At most one catch-up firing (plus at most one regular firing in the 1.5 s since).
    expect((await count()) - before).toBeLessThanOrEqual(2);
    await admin.deletePolicy({ policy: "while-down" });
    await connectedCluster(admin, "cluster-0");
  }, 120_000);
});

describe("restores through the hub", () => {
  it("restores a 1.16 cluster's backup into a 1.30 cluster: the target's agent reads it from the repository", async () => {
    const { backups } = await admin.createBackup({ clusterIds: [clusterIds[0]!], spec: spec() });
    const backup = await settled(backups[0]!.id);
    expect(backup.phase, backup.failureReason).toBe(BackupPhase.COMPLETED);
    const { restore } = await admin.createRestore({ cluster: "cluster-1", spec: { backupId: backup.id, namespaceMapping: { shop: "shop-from-old" } } });
    expect(restore!.sourceClusterId).toBe(clusterIds[0]);
    const done = await settledRestore(restore!.id);
    expect(done.phase, `${done.failureReason} ${done.summary?.failures.map((f) => f.message).join("; ")}`).toBe(RestorePhase.COMPLETED);
    expect(done.summary!.itemsPerNamespace["shop-from-old"]).toBeGreaterThanOrEqual(4n);
    const target = { kubeconfigPath: emulators[1]!.kubeconfigPath!, kubectlCacheDir: join(root, "kubectl-1") };
    const secret = JSON.parse(await kubectlOk(target, ["get", "secret", "db", "-n", "shop-from-old", "-o", "json"])) as { data: { password: string }; metadata: { labels: Record<string, string> } };
    expect(Buffer.from(secret.data.password, "base64").toString()).toBe(SECRET_VALUE);
    expect(secret.metadata.labels["lifeboat.io/restore"]).toBe(restore!.id);
    const logs = await admin.getRestoreLogs({ id: restore!.id });
    expect(logs.lines.join("\n")).toContain("restore completed");
    expect(logs.lines.join("\n")).not.toContain(SECRET_VALUE);
  }, 180_000);
});

describe("faults", () => {
  it("an agent killed in the middle of a backup: the task is retried and the backup completes once", async () => {
    gate.hold();
    const { backups } = await admin.createBackup({ clusterIds: [clusterIds[2]!], spec: spec() });
    const id = backups[0]!.id;
    // Leased by this agent (not merely queued behind its inventory, whose requests the gate holds
    // too): only then does killing it make the task's lease expire and a second attempt run it.
    await until(
      "the backup's task to be leased and the agent waiting on the gated API server",
      async () => {
        const taskId = (await admin.getBackup({ id })).backup?.taskId;
        const task = taskId ? (await admin.getTask({ id: taskId })).task : undefined;
        return task?.state === TaskState.LEASED && gate.waiting > 0 ? true : undefined;
      },
      30_000,
      100,
    );
    await killGroup(agents[2]!);
    gate.release();
    agents[2] = await fleet.startAgent({ hubs: [hub.address], hub: hubDir, stateDir: join(root, "agent-2"), kubeconfig: join(root, "gated.kubeconfig"), name: "cluster-2" });
    const done = await settled(id, 120_000);
    expect(done.phase, done.failureReason).toBe(BackupPhase.COMPLETED);
    const { task } = await admin.getTask({ id: done.taskId });
    expect(task!.attempt).toBeGreaterThanOrEqual(2);
    const repo = await openRepository();
    try {
      expect((await listBackups(repo.manifests)).filter((b) => b === id)).toHaveLength(1);
    } finally {
      await repo.close();
      await repo.storage.close();
    }
  }, 180_000);

  it("an agent killed in the middle of a restore: the task is retried and the restore completes once, every item counted once", async () => {
    const { backups } = await admin.createBackup({ clusterIds: [clusterIds[0]!], spec: spec() });
    const backup = await settled(backups[0]!.id);
    gate.hold();
    const { restore } = await admin.createRestore({ cluster: "cluster-2", spec: { backupId: backup.id, namespaceMapping: { shop: "shop-after-kill" } } });
    await until(
      "the restore's task to be leased and the agent waiting on the gated API server",
      async () => {
        const task = (await admin.getTask({ id: restore!.taskId || restore!.id })).task;
        return task?.state === TaskState.LEASED && gate.waiting > 0 ? true : undefined;
      },
      30_000,
      100,
    );
    await killGroup(agents[2]!);
    gate.release();
    agents[2] = await fleet.startAgent({ hubs: [hub.address], hub: hubDir, stateDir: join(root, "agent-2"), kubeconfig: join(root, "gated.kubeconfig"), name: "cluster-2" });
    const done = await settledRestore(restore!.id, 120_000);
    expect(done.phase, done.failureReason).toBe(RestorePhase.COMPLETED);
    expect((await admin.getTask({ id: done.taskId || done.id })).task!.attempt).toBeGreaterThanOrEqual(2);
    const summary = done.summary!;
    expect(summary.created + summary.updated + summary.skipped + summary.failed).toBe(summary.items);
    expect(summary.created).toBeGreaterThanOrEqual(4n);
    const target = { kubeconfigPath: emulators[2]!.kubeconfigPath!, kubectlCacheDir: join(root, "kubectl-2") };
    expect(JSON.parse(await kubectlOk(target, ["get", "configmaps", "-n", "shop-after-kill", "-l", "lifeboat.io/restore", "-o", "json"])).items).toHaveLength(1);
  }, 180_000);
});
