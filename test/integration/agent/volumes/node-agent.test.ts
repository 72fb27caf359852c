// The node agent end to end: `lifeboat node-agent start` processes against an emulator whose
// kubelet lays pods' claims out on disk, and a filesystem repository. VolumeBackups and
// VolumeRestores go in as objects; the data, the status and the repository are checked.
import { createHash, randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { startEmulator, type RunningEmulator } from "@lifeboat/kube-emulator";
import type { RepositoryAccess } from "@lifeboat/proto";
import { startNodeAgents, type NodeAgents } from "@lifeboat/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  NODE_LABEL,
  VOLUME_RESOURCES,
  volumeCrds,
  type VolumeBackupObject,
  type VolumeBackupSpec,
  type VolumeObject,
  type VolumeRestoreObject,
  type VolumeRestoreSpec,
} from "../../../../agent/src/volumes/contract.js";
import { CORE, createKubeObjects, type KubeObjects } from "../../../../agent/src/volumes/kube-objects.js";
import { putRepositorySecret } from "../../../../agent/src/volumes/repository-secret.js";
import { kubeConfigFor } from "../../kube-emulator/support/client-node.js";
import { initRepository } from "../backup/support/backup-runner.js";

const NAMESPACE = "lifeboat-system";
const APP = "shop";
const NODE = "node-1";

let dir: string;
let emulator: RunningEmulator;
let kc: KubeConfig;
let kube: KubeObjects;
let access: RepositoryAccess;
let secretName: string;
let agents: NodeAgents;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-node-agent-"));
  access = await initRepository(pathToFileURL(join(dir, "repo")).href);
  emulator = await startEmulator({
    k8sVersion: "1.30",
    kubeconfigPath: join(dir, "kubeconfig"),
    dataDir: join(dir, "cluster"),
    controllers: ["crd-registrar", "namespace-lifecycle", "garbage-collector", "persistent-volume-binder", "kubelet"],
  });
  kc = kubeConfigFor(emulator);
  kube = createKubeObjects(kc);
  const core = kc.makeApiClient(CoreV1Api);
  for (const name of [NAMESPACE, APP]) await core.createNamespace({ body: { metadata: { name } } });
  for (const crd of volumeCrds()) await kube.create(CORE.crds, "", crd);
  await waitFor("the volume CRDs to be served", async () => {
    for (const ref of Object.values(VOLUME_RESOURCES)) await kube.list(ref, NAMESPACE);
    return true;
  });
  secretName = await putRepositorySecret(kube, NAMESPACE, {}, "node-agent-test", access);
  const nodeNames = (await core.listNode()).items.map((n) => n.metadata!.name!);
  agents = await startNodeAgents({ kubeconfigPath: join(dir, "kubeconfig"), dataDir: emulator.dataDir, nodeNames }, { namespace: NAMESPACE });
}, 60_000);

afterAll(async () => {
  await agents?.stop();
  await emulator?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface MountedPod {
  name: string;
  uid: string;
  /** The PV's name: the claim's directory name under the kubelet's CSI plugin directory. */
  pv: string;
  /** The volume as the kubelet mounted it (a link to the PV's directory). */
  mount: string;
}

/** A pod on NODE with a claim mounted as volume "data", once the kubelet has laid it out. */
async function mountedPod(name: string): Promise<MountedPod> {
  const core = kc.makeApiClient(CoreV1Api);
  const claim = `${name}-data`;
  await core.createNamespacedPersistentVolumeClaim({ namespace: APP, body: { metadata: { name: claim }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } } });
  const pod = await core.createNamespacedPod({
    namespace: APP,
    body: { metadata: { name }, spec: { nodeName: NODE, containers: [{ name: "app", image: "busybox:1.36" }], volumes: [{ name: "data", persistentVolumeClaim: { claimName: claim } }] } },
  });
  const uid = pod.metadata!.uid!;
  return waitFor(`the kubelet to mount ${claim} into pod ${name}`, async () => {
    const pv = (await core.readNamespacedPersistentVolumeClaim({ namespace: APP, name: claim })).spec?.volumeName;
    if (!pv) return undefined;
    const mount = join(emulator.dataDir, "nodes", NODE, "pods", uid, "volumes", "kubernetes.io~csi", pv, "mount");
    return (await lstat(mount)).isSymbolicLink() ? { name, uid, pv, mount } : undefined;
  });
}

function location(pod: MountedPod) {
  return { node: NODE, pod: { namespace: APP, name: pod.name, uid: pod.uid }, volume: "data", dirName: pod.pv };
}

/**
 * Polls `probe` until it returns a value other than undefined; a probe that throws (the object or
 * directory is not there yet) counts as not yet. The machine is shared: deadlines are generous.
 */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

async function createCopy(kind: keyof typeof VOLUME_RESOURCES, name: string, spec: VolumeBackupSpec | VolumeRestoreSpec): Promise<void> {
  const ref = VOLUME_RESOURCES[kind];
  await kube.create(ref, NAMESPACE, { apiVersion: `${ref.group}/${ref.version}`, kind: ref.kind, metadata: { name, labels: { [NODE_LABEL]: spec.node } }, spec });
}

async function settled<T extends VolumeObject<unknown, unknown>>(kind: keyof typeof VOLUME_RESOURCES, name: string, timeoutMs = 30_000): Promise<T> {
  return waitFor(`${kind} ${name} to end`, async () => {
    const object = await kube.get<T>(VOLUME_RESOURCES[kind], NAMESPACE, name);
    const phase = object?.status?.phase;
    return phase === "Completed" || phase === "Failed" ? object : undefined;
  }, timeoutMs);
}

interface Entry {
  type: string;
  mode: number;
  mtimeMs: number;
  size: number;
  digest?: string;
  target?: string;
}

/** Every entry under `root` by relative path, links not followed; `skip` names top-level entries left out. */
async function describeTree(root: string, skip: string[] = []): Promise<Record<string, Entry>> {
  const out: Record<string, Entry> = {};
  const walk = async (path: string, rel: string): Promise<void> => {
    for (const name of (await readdir(path)).sort()) {
      if (rel === "" && skip.includes(name)) continue;
      const full = join(path, name);
      const key = rel ? `${rel}/${name}` : name;
      const st = await lstat(full);
      const entry: Entry = { type: st.isDirectory() ? "dir" : st.isSymbolicLink() ? "link" : "file", mode: st.mode & 0o7777, mtimeMs: Math.floor(st.mtimeMs), size: st.isDirectory() ? 0 : st.size };
      if (st.isSymbolicLink()) entry.target = await readlink(full);
      else if (st.isFile()) entry.digest = createHash("sha256").update(await readFile(full)).digest("hex");
      out[key] = entry;
      if (st.isDirectory()) await walk(full, key);
    }
  };
  await walk(root, "");
  return out;
}

/** A small tree with what a bit-for-bit copy must keep: modes, times, links (one dangling), empty files, depth. */
async function writeSampleTree(root: string): Promise<number> {
  const files: Array<[string, Buffer, number]> = [
    ["README", Buffer.from("shop data\n"), 0o644],
    ["empty", Buffer.alloc(0), 0o600],
    ["run.sh", Buffer.from("#!/bin/sh\necho hi\n"), 0o755],
    ["db/base/1.dat", randomBytes(300_000), 0o640],
    ["db/base/2.dat", randomBytes(2_500_000), 0o640],
    ["db/wal/000001", randomBytes(64 * 1024), 0o600],
    ["db/wal/empty-segment", Buffer.alloc(0), 0o600],
    ["deep/a/b/c/d/leaf.txt", Buffer.from("leaf\n"), 0o444],
  ];
  for (const [path, body, mode] of files) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), body);
    await chmod(join(root, path), mode);
  }
  await mkdir(join(root, "empty-dir"));
  await symlink("db/base/1.dat", join(root, "current"));
  await symlink("../nowhere", join(root, "dangling"));
  await chmod(join(root, "deep/a"), 0o750);
  const when = new Date("2024-02-29T12:34:56.789Z");
  for (const [path] of files) await utimes(join(root, path), when, when);
  for (const path of ["deep/a/b/c/d", "deep/a/b/c", "deep/a/b", "deep/a", "deep", "db/base", "db/wal", "db", "empty-dir"]) await utimes(join(root, path), when, when);
  return files.length;
}

describe("a node agent", () => {
  let source: MountedPod;
  let first: VolumeBackupObject;
  let fileCount: number;

  beforeAll(async () => {
    source = await mountedPod("db-0");
    fileCount = await writeSampleTree(source.mount);
    await createCopy("backups", "b1-db-0-data", { ...location(source), backupId: "b1", repositorySecret: secretName });
    first = await settled<VolumeBackupObject>("backups", "b1-db-0-data");
  }, 60_000);

  it("backs up a pod's volume into the repository and says what it stored", () => {
    expect(first.status?.message).toBeUndefined();
    expect(first.status).toMatchObject({ phase: "Completed", attempt: 1 });
    expect(first.status?.nodeAgent).toMatch(new RegExp(`^${NODE}-`));
    const result = first.status!.result!;
    expect(result.tree).toMatch(/^[0-9a-f]+$/);
    expect(result).toMatchObject({ files: fileCount, symlinks: 2, reusedFiles: 0 });
    expect(result.bytes).toBe(10 + 18 + 300_000 + 2_500_000 + 64 * 1024 + 5);
    expect(result.readBytes).toBe(result.bytes);
    expect(first.status?.progress).toMatchObject({ bytesDone: result.bytes, filesDone: fileCount, bytesTotal: result.bytes, filesTotal: fileCount });
  });

  it("restores the tree into another pod's volume bit for bit and leaves its marker", async () => {
    const target = await mountedPod("db-0-copy");
    await createCopy("restores", "r1-db-0-copy-data", { ...location(target), restoreId: "r1", repositorySecret: secretName, tree: first.status!.result!.tree });
    const restored = await settled<VolumeRestoreObject>("restores", "r1-db-0-copy-data");
    expect(restored.status?.message).toBeUndefined();
    expect(restored.status).toMatchObject({ phase: "Completed", attempt: 1, result: { files: fileCount, bytes: first.status!.result!.bytes } });
    expect(await describeTree(target.mount, [".lifeboat"])).toEqual(await describeTree(source.mount));
    expect((await lstat(join(target.mount, ".lifeboat", "restored-r1"))).isFile()).toBe(true);
  });

  it("reads only the changed file when given the parent tree", async () => {
    const changed = join(source.mount, "db/wal/000001");
    await writeFile(changed, randomBytes(70_000));
    await createCopy("backups", "b2-db-0-data", { ...location(source), backupId: "b2", repositorySecret: secretName, parentTree: first.status!.result!.tree });
    const second = await settled<VolumeBackupObject>("backups", "b2-db-0-data");
    expect(second.status?.message).toBeUndefined();
    const result = second.status!.result!;
    expect(result.tree).not.toBe(first.status!.result!.tree);
    expect(result).toMatchObject({ files: fileCount, reusedFiles: fileCount - 1, readBytes: 70_000 });
  });

  it("backs up without the parent when the parent tree is not in the repository, and says so", async () => {
    await createCopy("backups", "b3-db-0-data", { ...location(source), backupId: "b3", repositorySecret: secretName, parentTree: "00".repeat(32) });
    const third = await settled<VolumeBackupObject>("backups", "b3-db-0-data");
    expect(third.status?.message).toBeUndefined();
    expect(third.status?.result).toMatchObject({ files: fileCount, reusedFiles: 0 });
    expect(agents.output(NODE)).toContain("parent tree cannot be read");
  });

  it("fails a copy whose pod directory is not on the node, naming the pod and volume", async () => {
    await createCopy("backups", "b4-gone", { node: NODE, pod: { namespace: APP, name: "db-9", uid: "0b0e0000-0000-4000-8000-000000000000" }, volume: "data", dirName: "pvc-gone", backupId: "b4", repositorySecret: secretName });
    const failed = await settled<VolumeBackupObject>("backups", "b4-gone");
    expect(failed.status?.phase).toBe("Failed");
    expect(failed.status?.message).toBe(`volume directory for pod ${APP}/db-9 volume data (pvc-gone) not found on node ${NODE}: the pod may have moved or been deleted`);
  });

  it("never logs the repository access", () => {
    expect(agents.output(NODE)).not.toContain(access.credentials!.password);
  });
});

describe("a node agent stopped mid-copy", () => {
  const PARTS = 6;
  const PART_BYTES = 4 * 1024 * 1024;
  let big: MountedPod;

  beforeAll(async () => {
    big = await mountedPod("big-0");
    // Large enough that a copy is still running when the signal lands, small enough for a quick test.
    for (let i = 0; i < PARTS; i++) await writeFile(join(big.mount, `part-${i}`), randomBytes(PART_BYTES));
  }, 60_000);

  async function startedCopy(name: string): Promise<VolumeBackupObject> {
    return waitFor(`${name} to start`, async () => {
      const object = await kube.get<VolumeBackupObject>(VOLUME_RESOURCES.backups, NAMESPACE, name);
      return object?.status?.phase === "InProgress" ? object : undefined;
    }, 20_000, 20);
  }

  it("by SIGKILL is taken over by the restarted node agent, which completes it as attempt 2 with progress on the way", async () => {
    await createCopy("backups", "b5-big-0-data", { ...location(big), backupId: "b5", repositorySecret: secretName });
    const taken = await startedCopy("b5-big-0-data");
    await agents.kill(NODE);
    const orphan = await kube.get<VolumeBackupObject>(VOLUME_RESOURCES.backups, NAMESPACE, "b5-big-0-data");
    expect(orphan?.status).toMatchObject({ phase: "InProgress", attempt: 1, nodeAgent: taken.status!.nodeAgent });

    await agents.restart(NODE);
    // The size walk beside the copy gives the total while the copy is still running.
    const sized = await waitFor("a progress report with the total", async () => {
      const object = await kube.get<VolumeBackupObject>(VOLUME_RESOURCES.backups, NAMESPACE, "b5-big-0-data");
      return object?.status?.progress?.bytesTotal !== undefined ? object : undefined;
    }, 60_000, 50);
    expect(sized.status?.progress).toMatchObject({ bytesTotal: PARTS * PART_BYTES, filesTotal: PARTS });
    const done = await settled<VolumeBackupObject>("backups", "b5-big-0-data", 60_000);
    expect(done.status?.message).toBeUndefined();
    expect(done.status).toMatchObject({ phase: "Completed", attempt: 2, result: { files: PARTS, bytes: PARTS * PART_BYTES } });
    expect(done.status?.nodeAgent).not.toBe(taken.status!.nodeAgent);
    expect(agents.output(NODE)).toContain("taking over a copy");
  }, 90_000);

  it("by SIGTERM hands the copy back, and the next node agent takes it", async () => {
    await createCopy("backups", "b6-big-0-data", { ...location(big), backupId: "b6", repositorySecret: secretName });
    await startedCopy("b6-big-0-data");
    await agents.stop(NODE);
    const handedBack = await kube.get<VolumeBackupObject>(VOLUME_RESOURCES.backups, NAMESPACE, "b6-big-0-data");
    expect(handedBack?.status?.phase).toBe("");
    expect(handedBack?.status?.nodeAgent).toBeUndefined();

    await agents.restart(NODE);
    const done = await settled<VolumeBackupObject>("backups", "b6-big-0-data", 60_000);
    expect(done.status).toMatchObject({ phase: "Completed", attempt: 2, result: { files: PARTS, bytes: PARTS * PART_BYTES } });
  }, 90_000);
});
