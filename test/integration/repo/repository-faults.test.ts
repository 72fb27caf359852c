// The repository when its storage misbehaves or is damaged: transient S3 faults are ridden out,
// lasting ones and a full disk fail clearly without committing a snapshot, damage is reported by
// restore and check rather than restored silently, a wrong password changes nothing, and two
// writers at once both commit.
import { execFile } from "node:child_process";
import { truncate } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeIndexBlob } from "../../../shared/src/repo/content/index.js";
import { checkRepository, collectGarbage } from "../../../shared/src/repo/maintenance/index.js";
import { getSnapshot, listSnapshots } from "../../../shared/src/repo/manifest/index.js";
import { decodeTreeListing, restoreTree, type ContentId } from "../../../shared/src/repo/object/index.js";
import { Repository } from "../../../shared/src/repo/repository.js";
import type { BlobStorage } from "../../../shared/src/repo/storage/index.js";
import { startS3FaultProxy, type S3FaultProxy } from "../../harness/src/s3-fault-proxy.js";
import { startS3Server, type RunningS3Server } from "../../harness/src/s3-server.js";
import {
  KIB, PASSWORD, commitSnapshot, describeTree, failure, filesystemStorage, listBlobs, removeDir, s3Bucket, s3Storage,
  storageDigest, tempDir, writeTree, type Node,
} from "./repository-fixtures.js";

const run = promisify(execFile);
const MiB = 1024 * KIB;
const file = (seed: number, size: number, mode = 0o644): Node => ({ type: "file", body: { kind: "random", seed, size }, mode, mtime: 1_700_000_000 });
const small = (text: string): Node => ({ type: "file", body: { kind: "bytes", data: new TextEncoder().encode(text) }, mode: 0o600, mtime: 1_700_000_000 });
const open = (storage: BlobStorage, options: Parameters<typeof Repository.open>[2] = {}) =>
  Repository.open(storage, PASSWORD, { workers: 0, packSize: 64 * KIB, ...options });
const init = (storage: BlobStorage) => Repository.init(storage, PASSWORD, { kdf: { N: 1024 } });

let work: string;
let server: RunningS3Server;
let proxy: S3FaultProxy;
beforeAll(async () => {
  work = await tempDir("repo-faults");
  server = await startS3Server();
  proxy = await startS3FaultProxy(server.endpoint);
});
afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
  await removeDir(work);
});

/** A tree of `files` under a fresh directory of `work`. */
async function source(label: string, files: Record<string, Node>): Promise<string> {
  const root = join(work, label);
  await writeTree(root, files);
  return root;
}

/** Restores snapshot `id` into a fresh directory and returns its description. */
async function restored(repo: Repository, id: string, label: string): Promise<Record<string, string>> {
  const target = join(work, label);
  await restoreTree((await getSnapshot(repo.manifests, id)).tree, target, { content: repo.content });
  return describeTree(target);
}

describe("a repository on S3 behind a faulty network", () => {
  it("rides out 503 SlowDown and 500 answers during a snapshot and restores it bit for bit", async () => {
    const { bucket } = await s3Bucket(server);
    const viaProxy = s3Storage(server, bucket, { endpoint: proxy.endpoint });
    const root = await source("slow-down", { a: file(1, 400 * KIB), b: file(2, 300 * KIB), d: { type: "dir", mode: 0o755, mtime: 1_600_000_000, children: { c: small("c") } } });
    await init(viaProxy);
    const repo = await open(viaProxy);
    const before = proxy.faulted;
    proxy.failFor(800, "slow-down");
    const { id } = await commitSnapshot(repo, root);
    const duringSnapshot = proxy.faulted - before;
    proxy.failNext(3, "internal-error");
    await repo.close();
    expect(duringSnapshot).toBeGreaterThan(0);
    expect(proxy.faulted - before).toBe(duringSnapshot + 3);
    proxy.heal();
    const reader = await open(viaProxy, { write: false });
    expect(await restored(reader, id, "slow-down-restored")).toEqual(await describeTree(root));
    await reader.close();
    await viaProxy.close();
  });

  it("fails UNAVAILABLE without writing a snapshot record when 500s outlast the retries, and still checks clean", async () => {
    const { bucket, storage: direct } = await s3Bucket(server);
    const viaProxy = s3Storage(server, bucket, { endpoint: proxy.endpoint, maxAttempts: 2 });
    await init(direct);
    const first = await (async () => {
      const repo = await open(direct);
      const committed = await commitSnapshot(repo, await source("outlast-first", { a: small("first") }));
      await repo.close();
      return committed;
    })();
    const root = await source("outlast", { a: file(3, 600 * KIB), b: file(4, 200 * KIB) });
    const repo = await open(viaProxy);
    // The first pack upload fails from here on; so does everything after it, until healed.
    proxy.failFor(60_000, "internal-error");
    const err = await failure(commitSnapshot(repo, root));
    proxy.heal();
    await repo.abort();
    expect(err).toMatchObject({ code: "UNAVAILABLE", retryable: true });
    expect(err.message).toMatch(/InternalError \(HTTP 500\)/);
    expect(err.message).toContain("after 2 attempts");

    const checker = await open(direct, { write: false });
    expect(await listSnapshots(checker.manifests)).toEqual([first.id]);
    const report = await checkRepository(checker, { readData: true });
    expect(report.problems).toEqual([]);
    await checker.close();
    await viaProxy.close();
    await direct.close();
  });
});

describe("a repository on a full disk", () => {
  let disk: string;
  beforeAll(async () => {
    disk = await tempDir("repo-full");
    // A 4 MiB tmpfs the 8 MiB tree below cannot fit on. Needs root, which the suite has.
    await run("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", disk]);
  });
  afterAll(async () => {
    await run("umount", [disk]).catch(() => undefined);
    await removeDir(disk);
  });

  it("fails a snapshot with an error naming the full disk and writes no snapshot record", async () => {
    const storage = filesystemStorage(join(disk, "repo"));
    await init(storage);
    const root = await source("too-big", { a: file(5, 5 * MiB), b: file(6, 3 * MiB) });
    const repo = await open(storage, { packSize: 1 * MiB });
    const err = await failure(commitSnapshot(repo, root));
    await repo.abort();
    expect(err).toMatchObject({ code: "UNAVAILABLE" });
    expect(err.message).toContain("disk is full");
    expect(err.message).toContain(storage.description);
    const reader = await open(storage, { write: false });
    expect(await listSnapshots(reader.manifests)).toEqual([]);
    await reader.close();
  });
});

describe("a repository with damaged storage", () => {
  /** A committed snapshot of a multi-pack tree on the filesystem backend. */
  async function committed(label: string) {
    const dir = join(work, `${label}-repo`);
    const storage = filesystemStorage(dir);
    await init(storage);
    const root = await source(label, { big: file(7, 500 * KIB), other: file(8, 100 * KIB) });
    const repo = await open(storage);
    const snapshot = await commitSnapshot(repo, root);
    await repo.close();
    return { dir, storage, snapshot };
  }

  it("refuses to restore from a truncated pack, and check names the pack and the snapshot", async () => {
    const { dir, storage, snapshot } = await committed("truncated");
    const largest = (await listBlobs(storage, "packs/")).sort((a, b) => b.size - a.size)[0]!;
    const pack = largest.name.split("/").pop()!;
    await truncate(join(dir, largest.name), Math.floor(largest.size / 2));

    const repo = await open(storage, { write: false });
    // Read-ahead fetches that fail while an earlier chunk is awaited must not surface as unhandled
    // rejections: Node ends the process on one, so restore would crash instead of failing.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const err = await failure(restoreTree(snapshot.tree, join(work, "truncated-restored"), { content: repo.content, concurrency: 1 }));
    await new Promise((settle) => setTimeout(settle, 50));
    process.off("unhandledRejection", onUnhandled);
    expect(unhandled.map(String)).toEqual([]);
    expect(["CORRUPT", "NOT_FOUND"]).toContain(err.code);
    expect(err.message).toContain(pack);
    // A file cut short by the failure may remain, but none passes for whole with the wrong bytes.
    const original = await describeTree(join(work, "truncated"));
    const sha = (entry: string | undefined) => /sha256=(\w+)/.exec(entry ?? "")?.[1];
    const size = (entry: string | undefined) => /size=(\d+)/.exec(entry ?? "")?.[1];
    for (const [path, entry] of Object.entries(await describeTree(join(work, "truncated-restored")))) {
      if (size(entry) === size(original[path])) expect(sha(entry), path).toBe(sha(original[path]));
    }
    const report = await checkRepository(repo, { readData: true });
    const problem = report.problems.find((p) => p.message.includes(pack));
    expect(problem?.message).toContain("truncated");
    expect(problem?.records).toContain(snapshot.name);
    await repo.close();
  });

  it("refuses to restore content whose index blobs were deleted, and check names the content and the snapshot", async () => {
    const { storage, snapshot } = await committed("unindexed");
    const indexes = await listBlobs(storage, "index/");
    expect(indexes.length).toBeGreaterThan(0);
    for (const blob of indexes) await storage.delete(blob.name);

    const repo = await open(storage, { write: false });
    const err = await failure(restoreTree(snapshot.tree, join(work, "unindexed-restored"), { content: repo.content }));
    expect(err).toMatchObject({ code: "NOT_FOUND", field: "content" });
    expect(err.message).toContain(snapshot.tree);
    const report = await checkRepository(repo, { readData: true });
    expect(report.problems.map((p) => p.message)).toContain(`content ${snapshot.tree} is referenced but cannot be read: not in the index`);
    expect(report.problems.flatMap((p) => p.records ?? [])).toContain(snapshot.name);
    expect(report.warnings.join("\n")).toMatch(/packs are in no index/);
    await repo.close();
  });
});

describe("garbage collection", () => {
  it("does not let the collecting repository deduplicate against the packs it deleted", async () => {
    const storage = filesystemStorage(join(work, "gc-repo"));
    await init(storage);
    const root = await source("gc", { y: file(12, 200 * KIB) });
    const writer = await open(storage);
    const dropped = await commitSnapshot(writer, root);
    await writer.close();
    await storage.delete(dropped.name);

    // The same repository collects, then snapshots the same tree again: the content it finds
    // "already stored" must really still be there.
    const collector = await open(storage);
    const report = await collectGarbage(collector, { graceMs: 0 });
    expect(report.packsDeleted).toBeGreaterThan(0);
    const again = await commitSnapshot(collector, root);
    await collector.close();

    const reader = await open(storage, { write: false });
    try {
      expect((await checkRepository(reader)).problems).toEqual([]);
      expect(await restored(reader, again.id, "gc-restored")).toEqual(await describeTree(root));
    } finally {
      await reader.close();
    }
  });

  it("lets the collecting repository read the content it moved to new packs", async () => {
    const storage = filesystemStorage(join(work, "repack-repo"));
    await init(storage);
    const writer = await open(storage);
    const dropped = await commitSnapshot(writer, await source("repack-old", { x: small("kept"), y: file(13, 200 * KIB) }));
    const kept = await commitSnapshot(writer, await source("repack-new", { x: small("kept") }));
    await writer.close();
    await storage.delete(dropped.name);

    const collector = await open(storage);
    try {
      const report = await collectGarbage(collector, { graceMs: 0 });
      expect(report.packsRepacked).toBeGreaterThan(0);
      expect(await restored(collector, kept.id, "repack-restored")).toEqual(await describeTree(join(work, "repack-new")));
    } finally {
      await collector.close();
    }
  });
});

describe("opening with a wrong password", () => {
  it.each(["filesystem", "S3"])("is UNAUTHENTICATED and leaves %s storage byte for byte unchanged", async (backend) => {
    const storage = backend === "S3" ? (await s3Bucket(server)).storage : filesystemStorage(join(work, "password-repo"));
    await init(storage);
    const repo = await open(storage);
    await commitSnapshot(repo, await source(`password-${backend}`, { a: small("secret") }));
    await repo.close();
    const before = await storageDigest(storage);
    const err = await failure(Repository.open(storage, "not the password", { workers: 0 }));
    expect(err).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(err.message).not.toContain(PASSWORD);
    expect(await storageDigest(storage)).toEqual(before);
    await storage.close();
  });
});

describe("two writers at once on S3", () => {
  /** How many index rows (copies in packs) each id has, across every index blob. */
  async function copies(storage: BlobStorage, key: Uint8Array, ids: readonly ContentId[]): Promise<number[]> {
    const count = new Map<string, number>();
    for (const { name } of await listBlobs(storage, "index/")) {
      for (const { entries } of decodeIndexBlob(name, await storage.get(name), key)) {
        for (const entry of entries) count.set(entry.id, (count.get(entry.id) ?? 0) + 1);
      }
    }
    return ids.map((id) => count.get(id) ?? 0);
  }

  it("commits both snapshots, restores both, and keeps one copy of the content they share", async () => {
    const { storage } = await s3Bucket(server);
    await init(storage);
    const shared = file(9, 300 * KIB);
    const rootA = await source("writer-a", { shared, own: file(10, 100 * KIB), note: small("a") });
    const rootB = await source("writer-b", { nested: { type: "dir", mode: 0o700, mtime: 1_500_000_000, children: { copy: shared } }, own: file(11, 120 * KIB) });
    const [repoA, repoB] = await Promise.all([open(storage, { workers: 1 }), open(storage, { workers: 1 })]);
    const [a, b] = await Promise.all([commitSnapshot(repoA, rootA), commitSnapshot(repoB, rootB)]);
    await Promise.all([repoA.close(), repoB.close()]);

    const check = async (label: string): Promise<void> => {
      const repo = await open(storage, { write: false });
      try {
        expect(await listSnapshots(repo.manifests)).toEqual([a.id, b.id].sort());
        expect(await restored(repo, a.id, `writer-a-${label}`)).toEqual(await describeTree(rootA));
        expect(await restored(repo, b.id, `writer-b-${label}`)).toEqual(await describeTree(rootB));
        const report = await checkRepository(repo, { readData: true });
        expect(report.problems).toEqual([]);
        if (label === "collected") expect(report.warnings).toEqual([]);
      } finally {
        await repo.close();
      }
    };
    await check("raced");

    const reader = await open(storage, { write: false });
    const sharedIds = decodeTreeListing(await reader.content.getContent(a.tree)).entries.find((e) => e.name === "shared")!.content!;
    const key = reader.unlocked.keys.encryptionKey;
    await reader.close();
    // Neither writer saw the other's index while both ran, so each may have stored the shared
    // chunks; a collection keeps one copy and loses nothing either snapshot needs. By default it
    // rewrites only mostly-dead packs, so a duplicate beside live content may wait; repackBelow 1
    // makes it rewrite every pack with anything dead, duplicates included.
    const racing = await copies(storage, key, sharedIds);
    expect(Math.min(...racing)).toBeGreaterThanOrEqual(1);
    const gc = await open(storage, { write: false });
    await collectGarbage(gc, { graceMs: 0, repackBelow: 1 });
    await gc.close();
    expect({ racing, collected: await copies(storage, key, sharedIds) }).toEqual({ racing, collected: sharedIds.map(() => 1) });
    await check("collected");
    await storage.close();
  });
});
