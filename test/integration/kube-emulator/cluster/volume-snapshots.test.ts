// CSI volume snapshots (snapshot.storage.k8s.io/v1) against real kubectl on 1.30 with
// volumeSnapshots on: the CRDs and classes a cluster starts with, a snapshot as a
// point-in-time copy of a claim's data (modes, times, symlinks, holes) that a new claim is
// restored from, the errors of a missing class, an unbound claim, a missing or unready
// snapshot and a too-small claim, and what deleting a snapshot does per deletionPolicy.
import { createHash } from "node:crypto";
import { chmod, lstat, lutimes, mkdir, readdir, readFile, readlink, symlink, truncate, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunningEmulator } from "@lifeboat/kube-emulator";
import { describe, it } from "vitest";
import { persistentVolumeDir, snapshotDir } from "../../../kube-emulator/src/kubelet/volume-layout.js";
import { useEmulator } from "../support/clusters.js";
import { eventually } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

interface Obj {
  apiVersion?: string;
  metadata: { name: string; namespace?: string; uid: string; annotations?: Record<string, string> };
  spec?: any;
  status?: any;
  [key: string]: any;
}

const group = "snapshot.storage.k8s.io";
const snapshotsKey = `${group}/volumesnapshots`;
const contentsKey = `${group}/volumesnapshotcontents`;
const settles = 20_000;
const storageOnly = ["crd-registrar", "namespace-lifecycle", "garbage-collector", "persistent-volume-binder"] as const;

function claim(name: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, ...spec } };
}

function snapshot(name: string, claimName: string, className?: string) {
  return {
    apiVersion: `${group}/v1`,
    kind: "VolumeSnapshot",
    metadata: { name },
    spec: { ...(className ? { volumeSnapshotClassName: className } : {}), source: { persistentVolumeClaimName: claimName } },
  };
}

const fromSnapshot = (name: string) => ({ dataSource: { apiGroup: group, kind: "VolumeSnapshot", name } });

const stored = (cluster: RunningEmulator, key: string, ns: string, name: string) => cluster.service.store.get(key, ns, name) as Obj | undefined;

function eventsAbout(cluster: RunningEmulator, ns: string, name: string): { reason: string; message: string; type: string }[] {
  return cluster.service.store.list("/events", ns).items.filter((e) => (e.involvedObject as { name: string }).name === name) as never;
}

/** Everything about a directory tree a restore must keep: type, mode, mtime, size, content digest, link target. */
async function treeManifest(root: string, rel = ""): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(join(root, rel))).sort()) {
    const path = join(root, rel, name);
    const key = join(rel, name);
    const s = await lstat(path);
    const common = `mode=${(s.mode & 0o7777).toString(8)} mtime=${Math.floor(s.mtimeMs)}`;
    if (s.isSymbolicLink()) out[key] = `link -> ${await readlink(path)} mtime=${Math.floor(s.mtimeMs)}`;
    else if (s.isDirectory()) {
      out[key] = `dir ${common}`;
      Object.assign(out, await treeManifest(root, key));
    } else out[key] = `file ${common} size=${s.size} sha256=${createHash("sha256").update(await readFile(path)).digest("hex")}`;
  }
  return out;
}

describe("volume snapshots on 1.30", () => {
  const session = useKubectlCluster<Obj>("1.30", "http", { volumeSnapshots: true, controllers: [...storageOnly] });
  const { k, getJson, namespace } = session;
  const apply = (ns: string, obj: unknown) => k(["-n", ns, "apply", "-f", "-"], JSON.stringify(obj));

  /** The PV directory of a claim once it is Bound. */
  const boundDir = (ns: string, name: string) =>
    eventually(`claim ${ns}/${name} bound`, async () => {
      const c = stored(session.cluster, "/persistentvolumeclaims", ns, name);
      return c?.status?.phase === "Bound" ? persistentVolumeDir(session.cluster.dataDir, c.spec.volumeName) : undefined;
    }, settles);
  const readySnapshot = (ns: string, name: string) =>
    eventually(`snapshot ${ns}/${name} ready`, async () => {
      const s = stored(session.cluster, snapshotsKey, ns, name);
      return s?.status?.readyToUse === true ? s : undefined;
    }, settles);
  const eventNamed = (ns: string, name: string, reason: string) =>
    eventually(`${reason} about ${name}`, async () => eventsAbout(session.cluster, ns, name).find((e) => e.reason === reason), settles);

  it.concurrent("serves the snapshot CRDs and starts with a VolumeSnapshotClass per CSI driver", async ({ expect }) => {
    const crds = await getJson<{ items: Obj[] }>(["get", "crd"]);
    const ours = crds.items.filter((c) => c.spec.group === group).map((c) => `${c.metadata.name} ${c.spec.scope} ${c.spec.versions.map((v: any) => `${v.name}:${v.served}:${v.storage}`).join(",")}`);
    expect(ours.sort()).toEqual([
      `volumesnapshotclasses.${group} Cluster v1:true:true`,
      `volumesnapshotcontents.${group} Cluster v1:true:true`,
      `volumesnapshots.${group} Namespaced v1:true:true`,
    ]);
    const resources = await k(["api-resources", `--api-group=${group}`, "-o", "name"]);
    expect(resources.trim().split("\n").sort()).toEqual([`volumesnapshotclasses.${group}`, `volumesnapshotcontents.${group}`, `volumesnapshots.${group}`]);
    // Other tests here add classes of their own (retain-…) alongside.
    const classes = (await getJson<{ items: Obj[] }>(["get", "volumesnapshotclasses"])).items.filter((c) => !c.metadata.name.startsWith("retain-"));
    expect(classes.map((c) => `${c.metadata.name} ${c.driver} ${c.deletionPolicy} ${c.metadata.annotations?.["snapshot.storage.kubernetes.io/is-default-class"] ?? "-"}`).sort()).toEqual([
      "csi-hostpath-snapclass hostpath.csi.lifeboat.dev Delete true",
      "disk-snapclass disk.csi.azure.com Delete -",
      "ebs-snapclass ebs.csi.aws.com Delete -",
      "pd-snapclass pd.csi.storage.gke.io Delete -",
    ]);
  });

  it.concurrent("snapshots a claim's data at a point in time and restores exactly that into a new claim", async ({ expect }) => {
    const ns = await namespace("snap-restore");
    await apply(ns, claim("data"));
    const source = await boundDir(ns, "data");
    await mkdir(join(source, "db"), { mode: 0o750 });
    await chmod(join(source, "db"), 0o750);
    await writeFile(join(source, "db", "rows"), "v1 rows\n");
    await writeFile(join(source, "empty"), "");
    await writeFile(join(source, "secret.key"), "k3y", { mode: 0o600 });
    await chmod(join(source, "secret.key"), 0o600);
    await symlink("db/rows", join(source, "current"));
    // A 4 MiB file with one written block: a copy must keep the hole.
    await writeFile(join(source, "sparse.img"), "tail");
    await truncate(join(source, "sparse.img"), 4 << 20);
    const past = new Date("2024-02-03T04:05:06.789Z");
    for (const name of ["db/rows", "empty", "secret.key", "sparse.img", "db"]) await utimes(join(source, name), past, past);
    await lutimes(join(source, "current"), past, past);
    const before = await treeManifest(source);

    await apply(ns, snapshot("snap", "data"));
    const snap = await readySnapshot(ns, "snap");
    // Writes after the snapshot is ready must not show in it, nor in a claim restored from it.
    await writeFile(join(source, "late.txt"), "after the snapshot");
    await writeFile(join(source, "db", "rows"), "v2 rows\n");
    await chmod(join(source, "secret.key"), 0o644);

    expect(snap.spec.volumeSnapshotClassName).toBe("csi-hostpath-snapclass");
    expect(snap.status).toMatchObject({ boundVolumeSnapshotContentName: `snapcontent-${snap.metadata.uid}`, readyToUse: true, restoreSize: "1Gi" });
    expect(snap.status.creationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const pvName = stored(session.cluster, "/persistentvolumeclaims", ns, "data")!.spec.volumeName;
    const pv = stored(session.cluster, "/persistentvolumes", "", pvName)!;
    const content = stored(session.cluster, contentsKey, "", snap.status.boundVolumeSnapshotContentName)!;
    expect(content.spec).toEqual({
      deletionPolicy: "Delete",
      driver: "hostpath.csi.lifeboat.dev",
      source: { volumeHandle: pv.spec.csi.volumeHandle },
      volumeSnapshotClassName: "csi-hostpath-snapclass",
      volumeSnapshotRef: { apiVersion: `${group}/v1`, kind: "VolumeSnapshot", name: "snap", namespace: ns, resourceVersion: expect.any(String), uid: snap.metadata.uid },
    });
    expect(content.status).toMatchObject({ readyToUse: true, restoreSize: 1 << 30, snapshotHandle: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(Math.abs(content.status.creationTime / 1e6 - Date.parse(snap.status.creationTime))).toBeLessThan(1000);
    expect(await treeManifest(snapshotDir(session.cluster.dataDir, content.status.snapshotHandle))).toEqual(before);
    expect(eventsAbout(session.cluster, ns, "snap").map((e) => e.reason)).toEqual(expect.arrayContaining(["CreatingSnapshot", "SnapshotCreated", "SnapshotReady"]));

    await apply(ns, claim("restored", fromSnapshot("snap")));
    const restored = await boundDir(ns, "restored");
    expect(restored).not.toBe(source);
    expect(await treeManifest(restored)).toEqual(before);
    expect(await readFile(join(restored, "current"), "utf8")).toBe("v1 rows\n");
    const sparse = await lstat(join(restored, "sparse.img"));
    expect(sparse.size).toBe(4 << 20);
    expect(sparse.blocks * 512).toBeLessThan(1 << 20);
  });

  it.concurrent("ends a snapshot naming a missing class with status.error naming the class", async ({ expect }) => {
    const ns = await namespace("snap-noclass");
    await apply(ns, claim("data"));
    await boundDir(ns, "data");
    await apply(ns, snapshot("snap", "data", "no-such-class"));
    const failed = await eventually("status.error", async () => stored(session.cluster, snapshotsKey, ns, "snap")?.status?.error, settles);
    const message = `Failed to create snapshot content with error failed to get input parameters to create snapshot snap: "volumesnapshotclass.${group} \\"no-such-class\\" not found"`;
    expect(failed).toEqual({ message, time: expect.stringMatching(/Z$/) });
    const s = (await getJson(["-n", ns, "get", "volumesnapshot", "snap"])) as Obj;
    expect(s.status.readyToUse).toBe(false);
    expect(s.status.boundVolumeSnapshotContentName).toBeUndefined();
    expect(await eventNamed(ns, "snap", "SnapshotContentCreationFailed")).toMatchObject({ type: "Warning", message });
    expect(stored(session.cluster, contentsKey, "", `snapcontent-${s.metadata.uid}`)).toBeUndefined();
  });

  it.concurrent("deletes a snapshot's content and data with it under Delete, and keeps them under Retain", async ({ expect }) => {
    const ns = await namespace("snap-delete");
    await k(["apply", "-f", "-"], JSON.stringify({ apiVersion: `${group}/v1`, kind: "VolumeSnapshotClass", metadata: { name: `retain-${ns}` }, driver: "hostpath.csi.lifeboat.dev", deletionPolicy: "Retain" }));
    await apply(ns, claim("data"));
    await writeFile(join(await boundDir(ns, "data"), "f"), "x");
    await apply(ns, snapshot("gone", "data"));
    await apply(ns, snapshot("kept", "data", `retain-${ns}`));
    const [gone, kept] = [await readySnapshot(ns, "gone"), await readySnapshot(ns, "kept")];
    const handleOf = (s: Obj) => stored(session.cluster, contentsKey, "", s.status.boundVolumeSnapshotContentName)!.status.snapshotHandle as string;
    const [goneDir, keptDir] = [snapshotDir(session.cluster.dataDir, handleOf(gone)), snapshotDir(session.cluster.dataDir, handleOf(kept))];
    expect(await readFile(join(goneDir, "f"), "utf8")).toBe("x");

    await k(["-n", ns, "delete", "volumesnapshot", "gone", "kept"]);
    await eventually("the Delete content gone", async () => (stored(session.cluster, contentsKey, "", gone.status.boundVolumeSnapshotContentName) ? undefined : true), settles);
    await eventually("the Delete snapshot's data gone", async () => lstat(goneDir).then(() => undefined, () => true), settles);
    const keptContent = stored(session.cluster, contentsKey, "", kept.status.boundVolumeSnapshotContentName);
    expect(keptContent?.spec.deletionPolicy).toBe("Retain");
    expect(await readFile(join(keptDir, "f"), "utf8")).toBe("x");
    // A Retain content deleted by hand leaves the data on the storage, as a real driver does.
    await k(["delete", "volumesnapshotcontent", kept.status.boundVolumeSnapshotContentName]);
    expect(await readFile(join(keptDir, "f"), "utf8")).toBe("x");
  });

  it.concurrent("keeps a claim from an unready snapshot Pending, and refuses a missing snapshot and a claim smaller than the snapshot", async ({ expect }) => {
    const ns = await namespace("snap-refused");
    // A WaitForFirstConsumer claim no pod uses never binds, so its snapshot never becomes ready.
    await apply(ns, claim("unbound", { storageClassName: "standard-wait" }));
    await apply(ns, snapshot("pending", "unbound"));
    const unbound = await eventually("status.error", async () => stored(session.cluster, snapshotsKey, ns, "pending")?.status?.error?.message as string | undefined, settles);
    expect(unbound).toBe('Failed to create snapshot content with error failed to get input parameters to create snapshot pending: "the PVC unbound is not yet bound to a PV, will not attempt to take a snapshot"');
    await apply(ns, claim("from-pending", fromSnapshot("pending")));
    expect((await eventNamed(ns, "from-pending", "ProvisioningFailed")).message).toBe("error getting handle for DataSource Type VolumeSnapshot by Name pending: snapshot pending is not Ready");

    await apply(ns, claim("from-missing", fromSnapshot("nope")));
    expect((await eventNamed(ns, "from-missing", "ProvisioningFailed")).message).toBe(
      `error getting handle for DataSource Type VolumeSnapshot by Name nope: error getting snapshot nope from api server: volumesnapshots.${group} "nope" not found`,
    );

    await apply(ns, claim("data"));
    await boundDir(ns, "data");
    await apply(ns, snapshot("snap", "data"));
    await readySnapshot(ns, "snap");
    await apply(ns, claim("too-small", { ...fromSnapshot("snap"), resources: { requests: { storage: "512Mi" } } }));
    expect((await eventNamed(ns, "too-small", "ProvisioningFailed")).message).toBe("requested volume size 536870912 is less than the size 1073741824 for the source snapshot snap");

    for (const name of ["from-pending", "from-missing", "too-small"]) {
      const c = (await getJson(["-n", ns, "get", "pvc", name])) as Obj;
      expect(`${name} ${c.status.phase} ${c.spec.volumeName ?? "-"}`).toBe(`${name} Pending -`);
    }
  });
});

describe("volume snapshots asked for on 1.16", () => {
  const handle = useEmulator({ k8sVersion: "1.16", volumeSnapshots: true, controllers: [...storageOnly] });

  it("are not installed: the persona predates the v1 snapshot API", async ({ expect }) => {
    const { registry, store } = handle.emulator.service;
    expect(registry.allResources().filter((r) => r.group === group)).toEqual([]);
    expect(store.list("apiextensions.k8s.io/customresourcedefinitions").items).toEqual([]);
  });
});
