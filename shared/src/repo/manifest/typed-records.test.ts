import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BlobStorage } from "../storage/blob-storage.js";
import { FilesystemStorage } from "../storage/filesystem-storage.js";
import { ManifestStore } from "./manifest-store.js";
import { newRecordId } from "./record-names.js";
import type { BackupManifest, SnapshotRecord } from "./records.js";
import { backupManifest, contentId, snapshotRecord } from "./test-records.js";
import {
  getBackupManifest,
  getSnapshot,
  listBackups,
  listSnapshots,
  putBackupManifest,
  putSnapshot,
} from "./typed-records.js";
import { failure } from "../../testing/failure.js";

/** An Ingress item with `overrides`. */
function item(overrides: Record<string, unknown>): Record<string, unknown> {
  return { group: "networking.k8s.io", version: "v1beta1", resource: "ingresses", namespace: "shop", name: "web", content: contentId(), ...overrides };
}

let dir: string;
let storage: BlobStorage;
let store: ManifestStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-records-"));
  storage = new FilesystemStorage(dir);
  store = new ManifestStore(storage, randomBytes(32));
});
afterEach(async () => {
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

describe("snapshot records", () => {
  it("round-trip, with and without the optional fields", async () => {
    const plain = snapshotRecord();
    const full = snapshotRecord({ parent: plain.id, tags: ["nightly"], stats: { files: 1, directories: 0, bytes: 1, reused: 5 } });
    await putSnapshot(store, plain);
    await putSnapshot(store, full);
    expect(await getSnapshot(store, plain.id)).toEqual(plain);
    expect(await getSnapshot(store, full.id)).toEqual(full);
    expect(await listSnapshots(store)).toEqual([plain.id, full.id].sort());
  });

  it.each<[string, Partial<Record<keyof SnapshotRecord, unknown>>, string]>([
    ["a bad tree id", { tree: "xyz" }, "tree"],
    ["a negative byte count", { stats: { files: 1, directories: 1, bytes: -1 } }, "stats.bytes"],
    ["missing stats", { stats: undefined }, "stats"],
    ["a bad parent", { parent: "p" }, "parent"],
    ["a time that is not ISO", { time: "now" }, "time"],
  ])("refuses to write a snapshot with %s, writing nothing", async (_, overrides, field) => {
    const record = { ...snapshotRecord(), ...overrides } as SnapshotRecord;
    const err = await failure(putSnapshot(store, record));
    expect(err.code).toBe("INVALID_ARGUMENT");
    expect(err.field).toBe(field);
    expect(await store.list("")).toEqual([]);
  });

  it("reports a stored record of the wrong shape as CORRUPT", async () => {
    const id = newRecordId();
    await store.put(`snapshots/${id}`, { id, tree: "not an id" });
    expect((await failure(getSnapshot(store, id))).code).toBe("CORRUPT");
  });

  it("refuses a malformed id as INVALID_ARGUMENT", async () => {
    expect((await failure(getSnapshot(store, "../x"))).code).toBe("INVALID_ARGUMENT");
  });
});

describe("backup manifests", () => {
  it("round-trip", async () => {
    const manifest = backupManifest();
    await putBackupManifest(store, manifest);
    expect(await getBackupManifest(store, manifest.id)).toEqual(manifest);
  });

  it("round-trip an item served under two groups, each version naming its group and resource when not the item's own", async () => {
    const [own, older, legacy] = [contentId(), contentId(), contentId()];
    const ingress = {
      group: "networking.k8s.io",
      version: "v1beta1",
      resource: "ingresses",
      kind: "Ingress",
      namespace: "shop",
      name: "web",
      content: own,
      versions: [
        { version: "v1beta1", content: own },
        { group: "extensions", resource: "ingresses", version: "v1beta1", content: legacy },
      ],
    };
    const event = {
      group: "",
      version: "v1",
      resource: "events",
      kind: "Event",
      namespace: "shop",
      name: "web.1",
      content: older,
      versions: [{ version: "v1", content: older }, { group: "events.k8s.io", version: "v1beta1", content: contentId() }],
    };
    // A version in the core group of an item of another group says so with "".
    const coreAlias = { ...event, group: "events.k8s.io", version: "v1beta1", name: "web.2", versions: [{ version: "v1beta1", content: older }, { group: "", version: "v1", content: contentId() }] };
    const manifest = backupManifest({ items: [ingress, event, coreAlias] });
    await putBackupManifest(store, manifest);
    const read = await getBackupManifest(store, manifest.id);
    expect(read).toEqual(manifest);
    expect(read.items[0]!.versions![0]).not.toHaveProperty("group");
    expect(read.items[2]!.versions![1]).toEqual({ group: "", version: "v1", content: coreAlias.versions[1]!.content });
  });

  it("list only backups whose manifest is written, ignoring one still in progress", async () => {
    const done = backupManifest();
    const inProgress = newRecordId();
    await store.put(`backups/${done.id}/log`, ["started", "finished"]);
    await putBackupManifest(store, done);
    await store.put(`backups/${inProgress}/log`, ["started"]);
    expect(await listBackups(store)).toEqual([done.id]);
  });

  it.each<[string, Partial<Record<keyof BackupManifest, unknown>>, string]>([
    ["an item without a content id", { items: [{ group: "", version: "v1", resource: "pods", namespace: "a", name: "b" }] }, "items[0].content"],
    ["a bad root", { roots: ["nope"] }, "roots[0]"],
    ["a version whose group is not a string", { items: [item({ versions: [{ group: 1, version: "v1", content: contentId() }] })] }, "items[0].versions[0].group"],
    ["a version with an empty resource", { items: [item({ versions: [{ group: "extensions", resource: "", version: "v1beta1", content: contentId() }] })] }, "items[0].versions[0].resource"],
    ["a version without a content id", { items: [item({ versions: [{ group: "extensions", version: "v1beta1" }] })] }, "items[0].versions[0].content"],
    ["no cluster", { cluster: "" }, "cluster"],
    ["a count that is not a number", { counts: { items: "2" } }, "counts.items"],
  ])("refuse to write a manifest with %s", async (_, overrides, field) => {
    const manifest = { ...backupManifest(), ...overrides } as BackupManifest;
    const err = await failure(putBackupManifest(store, manifest));
    expect(err.code).toBe("INVALID_ARGUMENT");
    expect(err.field).toBe(field);
    expect(await listBackups(store)).toEqual([]);
  });

  it("report CORRUPT when a manifest's bytes are moved to another backup", async () => {
    const a = backupManifest();
    const b = backupManifest();
    await putBackupManifest(store, a);
    await putBackupManifest(store, b);
    await storage.put(`backups/${b.id}/manifest`, await storage.get(`backups/${a.id}/manifest`));
    const err = await failure(getBackupManifest(store, b.id));
    expect(err.code).toBe("CORRUPT");
    expect(err.message).toContain(`backups/${b.id}/manifest`);
  });
});
