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
import { backupManifest, snapshotRecord } from "./test-records.js";
import {
  getBackupManifest,
  getSnapshot,
  listBackups,
  listSnapshots,
  putBackupManifest,
  putSnapshot,
} from "./typed-records.js";
import { failure } from "../../testing/failure.js";

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

  it("list only backups whose manifest is written, ignoring one still in progress", async () => {
    const done = backupManifest();
    const inProgress = newRecordId();
    await store.put(`backups/${done.id}/log`, ["started", "finished"]);
    await putBackupManifest(store, done);
    await store.put(`backups/${inProgress}/log`, ["started"]);
    expect(await listBackups(store)).toEqual([done.id]);
  });

  it.each<[string, Partial<Record<keyof BackupManifest, unknown>>, string]>([
    ["no item index", { itemIndex: undefined }, "itemIndex"],
    ["an item index page that is not a content id", { itemIndex: { count: 1, pages: ["nope"] } }, "itemIndex.pages[0]"],
    ["a negative item count", { itemIndex: { count: -1, pages: [] } }, "itemIndex.count"],
    ["a bad root", { roots: ["nope"] }, "roots[0]"],
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
