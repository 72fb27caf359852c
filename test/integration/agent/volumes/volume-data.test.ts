// Volume data end to end at the agent level: the backup task copies claims' data through the node
// agents into a real repository (file by file, incrementally), and the restore task writes it into
// newly provisioned claims of another cluster, in a mapped storage class, before the pods that
// mount them exist.
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BackupPhase, RestorePhase, VolumeBackupPhase, VolumePolicy, type RepositoryAccess, type VolumeBackup } from "@lifeboat/proto";
import { getBackupManifest } from "@lifeboat/shared/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiControllers, uniqueName } from "../../kube-emulator/support/clusters.js";
import { useClientNode } from "../../kube-emulator/support/client-node.js";
import { initRepository, readRepository, runBackupTask } from "../backup/support/backup-runner.js";
import { runRestoreTask } from "../restore/restore-runner.js";
import { describeTree, makeRandomTree } from "./support/random-tree.js";
import { claimDir, startNodeAgents, startPodWithClaims, type PodWithClaims } from "./support/volume-cluster.js";

const controllers = [...apiControllers, "persistent-volume-binder", "scheduler", "kubelet", "service-account"] as const;
const source = useClientNode({ k8sVersion: "1.30", controllers: [...controllers], nodes: 2, volumeSnapshots: true }, "vol-src");
const target = useClientNode({ k8sVersion: "1.30", controllers: [...controllers] }, "vol-dst");
let dir: string;
let access: RepositoryAccess;
let agents: Array<{ stop(): Promise<void> }> = [];
let namespace: string;
let db: PodWithClaims;

const FS = { defaultPolicy: VolumePolicy.FS };
const volumeOf = (volumes: readonly VolumeBackup[], claim: string) => volumes.find((v) => v.claim === claim);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-volumes-"));
  access = await initRepository(pathToFileURL(join(dir, "repo")).href);
  agents = [await startNodeAgents(source.kc, source), await startNodeAgents(target.kc, target)];
  namespace = await source.namespace();
  await source.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "settings" }, data: { a: "1" } } });
  db = await startPodWithClaims(source, namespace, "db", {
    claims: { data: "data-db", cache: "cache-db" },
    annotations: { "backup.lifeboat.io/exclude-volumes": "cache", "backup.lifeboat.io/include-volumes": "scratch" },
    extraVolumes: [{ name: "settings", configMap: { name: "settings" } }, { name: "logs", hostPath: { path: "/var/log" } }, { name: "scratch", emptyDir: {} }],
  });
  await makeRandomTree(db.dirs["data-db"]!);
  await writeFile(join(db.dirs["cache-db"]!, "cache.bin"), "not wanted");
}, 120_000);

afterAll(async () => {
  for (const a of agents) await a.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a file-level backup of a pod's volumes", () => {
  let first: Awaited<ReturnType<typeof runBackupTask>>;

  beforeAll(async () => {
    first = await runBackupTask({ kc: source.kc, access, spec: { includedNamespaces: [namespace], volumes: FS } });
  }, 120_000);

  it("copies the claim, the opted-in emptyDir, and skips the rest with reasons", () => {
    const volumes = first.result.summary!.volumes;
    expect(first.result.phase).toBe(BackupPhase.COMPLETED);
    const data = volumeOf(volumes, "data-db")!;
    expect(data).toMatchObject({ phase: VolumeBackupPhase.COMPLETED, pod: "db", volume: "data", storageClass: "standard", driver: "hostpath.csi.lifeboat.dev", mode: VolumePolicy.FS, node: db.node, capacity: "1Gi", parentSnapshotId: "" });
    expect(data.files).toBeGreaterThanOrEqual(40n);
    expect(data.bytes).toBeGreaterThan(0n);
    expect(data.snapshotId).toMatch(/^[0-9a-f]{64}$/);
    expect(volumes.find((v) => v.volume === "scratch")).toMatchObject({ phase: VolumeBackupPhase.COMPLETED, claim: "", driver: "kubernetes.io/empty-dir" });
    const reasons = Object.fromEntries(volumes.filter((v) => v.phase === VolumeBackupPhase.SKIPPED).map((v) => [v.volume, v.reason]));
    expect(reasons.cache).toMatch(/exclude-volumes/);
    expect(reasons.settings).toMatch(/configMap volume/);
    expect(reasons.logs).toMatch(/hostPath volume/);
  });

  it("lists each copied volume in the manifest and keeps its tree alive as a root", async () => {
    const manifest = await readRepository(access, (repo) => getBackupManifest(repo.manifests, first.id));
    const data = volumeOf(first.result.summary!.volumes, "data-db")!;
    expect(manifest.roots).toContain(data.snapshotId);
    expect(manifest.volumeSnapshots).toContainEqual(expect.objectContaining({ claim: "data-db", snapshotId: data.snapshotId, persistentVolume: data.persistentVolume }));
  });

  it("reports the volume stage's progress with bytes and volumes counted", () => {
    const volumeReadings = first.progress.filter((p) => p.message === "volumes");
    expect(volumeReadings.length).toBeGreaterThan(0);
    const last = volumeReadings.at(-1)!.counters!;
    expect(Number(last.volumes_total)).toBe(2);
    expect(Number(last.volumes_done)).toBe(2);
    expect(Number(last.volume_bytes_done)).toBeGreaterThan(0);
  });

  it("reads only what changed the next time, from the same claim's last snapshot", async () => {
    const tree = await describeTree(db.dirs["data-db"]!);
    const files = Object.entries(tree).filter(([, e]) => e.type === "file");
    const [changed] = files.find(([path]) => path.endsWith("file-1.bin"))!;
    await appendFile(join(db.dirs["data-db"]!, changed), "one more line\n");
    const second = await runBackupTask({ kc: source.kc, access, spec: { includedNamespaces: [namespace], volumes: FS } });
    const before = volumeOf(first.result.summary!.volumes, "data-db")!;
    const after = volumeOf(second.result.summary!.volumes, "data-db")!;
    expect(after.parentSnapshotId).toBe(before.snapshotId);
    expect(after.filesReused).toBe(after.files - 1n);
    expect(after.bytesRead).toBe(BigInt(tree[changed]!.size! + "one more line\n".length));
    expect(after.snapshotId).not.toBe(before.snapshotId);
  }, 120_000);

  it("finds the parent when the pod moved to another node", async () => {
    await source.core.deleteNamespacedPod({ namespace, name: "db", gracePeriodSeconds: 0 });
    const nodes = (await source.core.listNode()).items.map((n) => n.metadata!.name!);
    const other = nodes.find((n) => n !== db.node)!;
    await waitGone(() => source.core.readNamespacedPod({ namespace, name: "db" }));
    const moved = await startPodWithClaims(source, namespace, "db", { claims: { data: "data-db" }, nodeName: other });
    const third = await runBackupTask({ kc: source.kc, access, spec: { includedNamespaces: [namespace], volumes: FS } });
    const data = volumeOf(third.result.summary!.volumes, "data-db")!;
    expect(data).toMatchObject({ phase: VolumeBackupPhase.COMPLETED, node: moved.node });
    expect(moved.node).toBe(other);
    expect(data.parentSnapshotId).not.toBe("");
    expect(data.filesReused).toBe(data.files);
    db = moved;
  }, 120_000);
});

describe("restoring volume data into another cluster", () => {
  let backupId: string;
  let expected: Awaited<ReturnType<typeof describeTree>>;

  beforeAll(async () => {
    const made = await runBackupTask({ kc: source.kc, access, spec: { includedNamespaces: [namespace], volumes: FS } });
    expect(made.result.phase).toBe(BackupPhase.COMPLETED);
    backupId = made.id;
    expected = await describeTree(db.dirs["data-db"]!);
  }, 120_000);

  it("writes the data into a new claim of the mapped class before the pod that mounts it exists", async () => {
    const restored = uniqueName("vol-copy");
    // Watch for the pod while the restore runs: when it first shows, its claim's data must be there.
    let seenPod: { markerThere: boolean } | undefined;
    let watching = true;
    const watcher = (async () => {
      while (watching && !seenPod) {
        const pods = await target.core.listNamespacedPod({ namespace: restored }).catch(() => undefined);
        if (pods?.items.some((p) => p.metadata?.name === "db")) {
          const dataDir = await claimDir(target, restored, "data-db");
          seenPod = { markerThere: existsSync(join(dataDir, ".lifeboat")) && (await readdir(join(dataDir, ".lifeboat"))).some((f) => f.startsWith("restored-")) };
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const run = await runRestoreTask({ kc: target.kc, access, backupId, spec: { namespaceMapping: { [namespace]: restored }, storageClassMapping: { standard: "standard-wait" } } });
    watching = false;
    await watcher;
    expect(run.result.summary!.failures).toEqual([]);
    expect(run.result.phase).toBe(RestorePhase.COMPLETED);
    const volume = run.result.summary!.volumes.find((v) => v.claim === "data-db")!;
    expect(volume).toMatchObject({ namespace: restored, succeeded: true, storageClass: "standard-wait" });
    expect(seenPod).toEqual({ markerThere: true });
    const claim = await target.core.readNamespacedPersistentVolumeClaim({ namespace: restored, name: "data-db" });
    expect(claim.spec?.storageClassName).toBe("standard-wait");
    expect(claim.spec?.resources?.requests?.storage).toBe("1Gi");
    expect(await describeTree(await claimDir(target, restored, "data-db"))).toEqual(expected);

    // A retried attempt of the same restore does not write the volume again: what the app wrote since stays.
    const dataDir = await claimDir(target, restored, "data-db");
    expect(expected["file-0.bin"]?.type).toBe("file");
    await writeFile(join(dataDir, "file-0.bin"), "written by the app after the restore");
    const again = await runRestoreTask({ id: run.id, kc: target.kc, access, backupId, spec: { namespaceMapping: { [namespace]: restored }, storageClassMapping: { standard: "standard-wait" } } });
    expect(again.result.summary!.volumes.find((v) => v.claim === "data-db")).toMatchObject({ succeeded: true });
    expect(await readFile(join(dataDir, "file-0.bin"), "utf8")).toBe("written by the app after the restore");
  }, 180_000);

  it("refuses a storage-class mapping onto a class the target lacks, before anything is applied", async () => {
    const restored = uniqueName("vol-none");
    await expect(runRestoreTask({ kc: target.kc, access, backupId, spec: { namespaceMapping: { [namespace]: restored }, storageClassMapping: { standard: "gold" } } })).rejects.toThrow(
      /storage_class_mapping maps standard to gold, but the target cluster has no storage class gold/,
    );
    await expect(target.core.readNamespace({ name: restored })).rejects.toMatchObject({ code: 404 });
  }, 60_000);
});

async function waitGone(read: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await read();
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("still there");
}
