// A node agent killed in the middle of a snapshot-mode copy: the copy is taken over by the
// restarted node agent and the backup completes with the whole volume; until then no manifest
// names a half-copied tree, and every temporary object is gone at the end.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CoreV1Api } from "@kubernetes/client-node";
import { BackupPhase, VolumeBackupPhase, VolumePolicy, type RepositoryAccess } from "@lifeboat/proto";
import { listBackups, restoreTree, type ContentId } from "@lifeboat/shared/repo";
import { startEmulator, type RunningEmulator } from "@lifeboat/kube-emulator";
import { startNodeAgents, type NodeAgents } from "@lifeboat/test-harness";
import { afterAll, beforeAll, expect, it } from "vitest";
import { VOLUME_RESOURCES, type VolumeBackupObject } from "../../../../agent/src/volumes/contract.js";
import { createKubeObjects } from "../../../../agent/src/volumes/kube-objects.js";
import { kubeConfigFor } from "../../kube-emulator/support/client-node.js";
import { initRepository, newBackupId, readRepository, runBackupTask } from "./support/volume-backups.js";
import { describeTree } from "./support/random-tree.js";

let dir: string;
let emulator: RunningEmulator;
let access: RepositoryAccess;
let agents: NodeAgents;
const NAMESPACE = "crash";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-node-crash-"));
  access = await initRepository(pathToFileURL(join(dir, "repo")).href);
  emulator = await startEmulator({
    k8sVersion: "1.30",
    kubeconfigPath: join(dir, "kubeconfig"),
    dataDir: join(dir, "cluster"),
    volumeSnapshots: true,
    controllers: ["crd-registrar", "namespace-lifecycle", "garbage-collector", "persistent-volume-binder", "scheduler", "kubelet", "service-account"],
  });
  const core = kubeConfigFor(emulator).makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  await core.createNamespacedPersistentVolumeClaim({ namespace: NAMESPACE, body: { metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "2Gi" } } } } });
  const nodeNames = (await core.listNode()).items.map((n) => n.metadata!.name!);
  agents = await startNodeAgents({ kubeconfigPath: join(dir, "kubeconfig"), dataDir: emulator.dataDir, nodeNames }, { concurrency: 1 });
}, 120_000);

afterAll(async () => {
  await agents?.stop();
  await emulator?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("restarts the copy after the node agent is killed and completes the backup with the whole volume", async () => {
  const kc = kubeConfigFor(emulator);
  const core = kc.makeApiClient(CoreV1Api);
  const pvName = await until(async () => (await core.readNamespacedPersistentVolumeClaim({ namespace: NAMESPACE, name: "data" })).spec?.volumeName);
  const data = join(emulator.dataDir, "volumes", pvName);
  // Enough incompressible data that the copy takes a few seconds.
  for (let d = 0; d < 4; d++) {
    await mkdir(join(data, `part-${d}`), { recursive: true });
    for (let f = 0; f < 12; f++) await writeFile(join(data, `part-${d}`, `blob-${f}`), randomBytes(4 * 1024 * 1024));
  }
  const expected = await describeTree(data);

  const id = newBackupId();
  const backup = runBackupTask({ id, kc, access, spec: { includedNamespaces: [NAMESPACE], volumes: { defaultPolicy: VolumePolicy.SNAPSHOT } } });
  const kube = createKubeObjects(kc);
  // Kill the node agent that took the copy once it has moved some bytes.
  const taken = await until(async () => {
    const [copy] = await kube.list<VolumeBackupObject>(VOLUME_RESOURCES.backups, "lifeboat-system");
    return copy?.status?.phase === "InProgress" && (copy.status.progress?.bytesDone ?? 0) > 0 ? copy : undefined;
  }, 90_000, 20);
  await agents.kill(taken.spec.node);
  expect(await readRepository(access, (repo) => listBackups(repo.manifests))).not.toContain(id);
  await agents.restart(taken.spec.node);

  const run = await backup;
  expect(run.result.phase).toBe(BackupPhase.COMPLETED);
  const volume = run.result.summary!.volumes.find((v) => v.claim === "data")!;
  expect(volume.phase).toBe(VolumeBackupPhase.COMPLETED);
  expect(run.logLines.some((line) => line.includes("copied on attempt 2"))).toBe(true);
  const restored = await mkdtemp(join(dir, "restored-"));
  await readRepository(access, (repo) => restoreTree(volume.snapshotId as ContentId, restored, { content: repo.content }));
  expect(await describeTree(restored)).toEqual(expected);

  // Nothing temporary is left: no snapshot, no extra claim or pod, no copy object.
  expect((await core.listNamespacedPersistentVolumeClaim({ namespace: NAMESPACE })).items.map((c) => c.metadata!.name)).toEqual(["data"]);
  expect((await core.listNamespacedPod({ namespace: NAMESPACE })).items).toEqual([]);
  expect(await kube.list({ group: "snapshot.storage.k8s.io", version: "v1", resource: "volumesnapshots" }, NAMESPACE)).toEqual([]);
  expect(await kube.list(VOLUME_RESOURCES.backups, "lifeboat-system")).toEqual([]);
}, 240_000);

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
