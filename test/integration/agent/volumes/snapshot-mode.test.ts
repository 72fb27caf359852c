// CSI snapshot mode and the faults around volume copies: a snapshot is cut between the pod's pre
// and post hooks, so what the post hook writes is not in the backup (crash-consistency); every
// temporary object goes afterwards; a missing snapshot class fails before anything is written; a
// volume that disappears fails alone; an S3 that stumbles costs retries, not data.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BackupPhase, HookErrorMode, VolumeBackupPhase, VolumePolicy, type RepositoryAccess } from "@lifeboat/proto";
import { listBackups, restoreTree, type ContentId } from "@lifeboat/shared/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3FaultProxy, type S3FaultProxy } from "../../../harness/src/s3-fault-proxy.js";
import { startS3Server, type RunningS3Server } from "../../../harness/src/s3-server.js";
import { VOLUME_RESOURCES } from "../../../../agent/src/volumes/contract.js";
import { apiControllers } from "../../kube-emulator/support/clusters.js";
import { useClientNode } from "../../kube-emulator/support/client-node.js";
import { initRepository, newBackupId, readRepository, runBackupTask } from "./support/volume-backups.js";
import { describeTree, makeRandomTree } from "./support/random-tree.js";
import { startNodeAgents, startPodWithClaims, type PodWithClaims } from "./support/volume-cluster.js";

const controllers = [...apiControllers, "persistent-volume-binder", "scheduler", "kubelet", "service-account"] as const;
const cluster = useClientNode({ k8sVersion: "1.30", controllers: [...controllers], nodes: 2, volumeSnapshots: true }, "vol-snap");
let dir: string;
let access: RepositoryAccess;
let agents: { stop(): Promise<void> };
let namespace: string;
let app: PodWithClaims;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-snapshots-"));
  access = await initRepository(pathToFileURL(join(dir, "repo")).href);
  agents = await startNodeAgents(cluster.kc, cluster);
  namespace = await cluster.namespace();
  app = await startPodWithClaims(cluster, namespace, "app", { claims: { data: "data-app" } });
  await makeRandomTree(app.dirs["data-app"]!, 30);
}, 120_000);

afterAll(async () => {
  await agents?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function restoredTree(tree: string): Promise<Awaited<ReturnType<typeof describeTree>>> {
  const target = await mkdtemp(join(dir, "restored-"));
  await readRepository(access, (repo) => restoreTree(tree as ContentId, target, { content: repo.content }));
  return describeTree(target);
}

describe("snapshot mode", () => {
  it("copies the snapshot cut between the pod's hooks, then deletes every temporary object", async () => {
    const hooks = [
      {
        name: "freeze",
        includedNamespaces: [namespace],
        pre: [{ command: ["sh", "-c", "echo flushed > /mnt/data/flushed.txt"], onError: HookErrorMode.FAIL }],
        post: [{ command: ["sh", "-c", "echo after-the-cut > /mnt/data/late.txt"], onError: HookErrorMode.FAIL }],
      },
    ];
    const run = await runBackupTask({ kc: cluster.kc, access, spec: { includedNamespaces: [namespace], volumes: { defaultPolicy: VolumePolicy.SNAPSHOT }, hooks } });
    expect(run.result.phase).toBe(BackupPhase.COMPLETED);
    const volume = run.result.summary!.volumes.find((v) => v.claim === "data-app")!;
    expect(volume).toMatchObject({ phase: VolumeBackupPhase.COMPLETED, mode: VolumePolicy.SNAPSHOT, snapshotClass: "csi-hostpath-snapclass", driver: "hostpath.csi.lifeboat.dev" });
    expect(run.result.summary!.hooks.map((h) => `${h.phase}:${h.succeeded}`)).toEqual(["pre:true", "post:true"]);

    // The post hook ran after the cut: its file is in the volume, not in the backup.
    expect(existsSync(join(app.dirs["data-app"]!, "late.txt"))).toBe(true);
    const live = await describeTree(app.dirs["data-app"]!);
    const { ["late.txt"]: late, ...atTheCut } = live;
    expect(late).toBeDefined();
    expect(await restoredTree(volume.snapshotId)).toEqual(atTheCut);

    const snapshots = await cluster.custom.listNamespacedCustomObject({ group: "snapshot.storage.k8s.io", version: "v1", namespace, plural: "volumesnapshots" }) as { items: unknown[] };
    expect(snapshots.items).toEqual([]);
    expect((await cluster.core.listNamespacedPersistentVolumeClaim({ namespace })).items.map((c) => c.metadata!.name)).toEqual(["data-app"]);
    expect((await cluster.core.listNamespacedPod({ namespace })).items.map((p) => p.metadata!.name)).toEqual(["app"]);
    const tasks = await cluster.custom.listNamespacedCustomObject({ group: VOLUME_RESOURCES.backups.group, version: VOLUME_RESOURCES.backups.version, namespace: "lifeboat-system", plural: VOLUME_RESOURCES.backups.resource }) as { items: unknown[] };
    expect(tasks.items).toEqual([]);
    expect((await cluster.core.listNamespacedSecret({ namespace: "lifeboat-system" })).items.filter((s) => s.metadata!.name!.startsWith("lifeboat-repository-"))).toEqual([]);
    await unlink(join(app.dirs["data-app"]!, "late.txt"));
  }, 180_000);

  it("deletes the temporary objects an earlier attempt of the same backup left", async () => {
    const id = newBackupId();
    const labels = { "data.lifeboat.io/backup": id };
    await cluster.custom.createNamespacedCustomObject({
      group: "snapshot.storage.k8s.io", version: "v1", namespace, plural: "volumesnapshots",
      body: { apiVersion: "snapshot.storage.k8s.io/v1", kind: "VolumeSnapshot", metadata: { name: "lifeboat-left-over", labels }, spec: { source: { persistentVolumeClaimName: "data-app" } } },
    });
    await cluster.core.createNamespacedPersistentVolumeClaim({ namespace, body: { metadata: { name: "lifeboat-left-over", labels }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } } });
    await cluster.core.createNamespacedPod({ namespace, body: { metadata: { name: "lifeboat-left-over", labels }, spec: { containers: [{ name: "mover", image: "busybox:1.36" }] } } });
    const run = await runBackupTask({ id, kc: cluster.kc, access, spec: { includedNamespaces: [namespace], excludedResources: ["volumesnapshots.snapshot.storage.k8s.io"], volumes: { defaultPolicy: VolumePolicy.SNAPSHOT } } });
    expect(run.result.summary!.volumes.find((v) => v.claim === "data-app")?.phase).toBe(VolumeBackupPhase.COMPLETED);
    expect(run.logLines.some((line) => line.includes("temporary snapshot objects an earlier attempt of this backup left"))).toBe(true);
    const snapshots = await cluster.custom.listNamespacedCustomObject({ group: "snapshot.storage.k8s.io", version: "v1", namespace, plural: "volumesnapshots" }) as { items: unknown[] };
    expect(snapshots.items).toEqual([]);
    expect((await cluster.core.listNamespacedPersistentVolumeClaim({ namespace })).items.map((c) => c.metadata!.name)).toEqual(["data-app"]);
    expect((await cluster.core.listNamespacedPod({ namespace })).items.map((p) => p.metadata!.name)).toEqual(["app"]);
  }, 180_000);

  it("refuses a snapshot class that does not exist before it writes anything", async () => {
    const id = newBackupId();
    await expect(
      runBackupTask({ id, kc: cluster.kc, access, spec: { includedNamespaces: [namespace], volumes: { defaultPolicy: VolumePolicy.SNAPSHOT, snapshotClass: "gold-snapshots" } } }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/VolumeSnapshotClass "gold-snapshots" does not exist in this cluster; it has .*csi-hostpath-snapclass/) });
    expect(await readRepository(access, (repo) => listBackups(repo.manifests))).not.toContain(id);
  }, 60_000);
});

describe("faults around volume copies", () => {
  it("fails a volume whose directory disappeared, alone, and ends PARTIALLY_FAILED", async () => {
    const gone = await startPodWithClaims(cluster, namespace, "gone", { claims: { data: "data-gone" } });
    await writeFile(join(gone.dirs["data-gone"]!, "x"), "x");
    // The kubelet's view of the volume goes (the pod is being torn down) after the backup planned it.
    const pv = gone.dirs["data-gone"]!.split("/").at(-1)!;
    await rm(join(cluster.emulator.dataDir, "nodes", gone.node, "pods", gone.uid, "volumes", "kubernetes.io~csi", pv), { recursive: true, force: true });
    const run = await runBackupTask({ kc: cluster.kc, access, spec: { includedNamespaces: [namespace], volumes: { defaultPolicy: VolumePolicy.FS } } });
    expect(run.result.phase).toBe(BackupPhase.PARTIALLY_FAILED);
    const volumes = run.result.summary!.volumes;
    expect(volumes.find((v) => v.claim === "data-gone")).toMatchObject({ phase: VolumeBackupPhase.FAILED, reason: expect.stringMatching(/not found on node/) });
    expect(volumes.find((v) => v.claim === "data-app")).toMatchObject({ phase: VolumeBackupPhase.COMPLETED });
    expect(run.result.summary!.errors.some((e) => e.namespace === namespace && /data-gone|gone/.test(e.message))).toBe(true);
    await cluster.core.deleteNamespacedPod({ namespace, name: "gone", gracePeriodSeconds: 0 });
  }, 120_000);

  describe("an S3 repository that fails now and then", () => {
    let server: RunningS3Server;
    let proxy: S3FaultProxy;

    beforeAll(async () => {
      server = await startS3Server();
      proxy = await startS3FaultProxy(server.endpoint);
    });
    afterAll(async () => {
      await proxy?.stop();
      await server?.stop();
    });

    it("retries through slow-downs and stores the volume whole", async () => {
      const bucket = `volumes-${randomBytes(6).toString("hex")}`;
      await server.createBucket(bucket);
      const s3 = await initRepository(`s3://${bucket}/fleet?endpoint=${encodeURIComponent(proxy.endpoint)}&region=${server.region}&pathStyle=true`, { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });
      const expected = await describeTree(app.dirs["data-app"]!);
      proxy.failNext(2, "slow-down");
      const run = await runBackupTask({ kc: cluster.kc, access: s3, spec: { includedNamespaces: [namespace], volumes: { defaultPolicy: VolumePolicy.FS }, includedResources: ["pods", "persistentvolumeclaims"] } });
      expect(proxy.faulted).toBe(2);
      const volume = run.result.summary!.volumes.find((v) => v.claim === "data-app")!;
      expect(volume.phase).toBe(VolumeBackupPhase.COMPLETED);
      const target = await mkdtemp(join(dir, "from-s3-"));
      await readRepository(s3, (repo) => restoreTree(volume.snapshotId as ContentId, target, { content: repo.content }));
      expect(await describeTree(target)).toEqual(expected);
    }, 120_000);
  });
});
