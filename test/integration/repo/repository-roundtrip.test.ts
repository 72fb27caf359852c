// The repository end to end on each backend: random trees go in through snapshot and commit, come
// back through a fresh open and restore exactly as they were; an unchanged tree costs nothing the
// second time; equal content from two clusters is stored once; and the result checks clean.
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRepository } from "../../../shared/src/repo/maintenance/index.js";
import { getSnapshot, listSnapshots } from "../../../shared/src/repo/manifest/index.js";
import { restoreTree } from "../../../shared/src/repo/object/index.js";
import { Repository } from "../../../shared/src/repo/repository.js";
import type { BlobStorage } from "../../../shared/src/repo/storage/index.js";
import { startS3Server, type RunningS3Server } from "../../harness/src/s3-server.js";
import {
  KIB, PASSWORD, allocatedBytes, commitSnapshot, describeTree, filesystemStorage, listBlobs, packBytes, removeDir,
  s3Bucket, tempDir, treeArbitrary, writeTree, type Node,
} from "./repository-fixtures.js";

interface Backend {
  storage: BlobStorage;
  cleanup(): Promise<void>;
}

const RUNS = 8;

/** Opens for writing with one worker thread (so file chunking takes the worker path) and 64 KiB packs. */
const openRepo = (storage: BlobStorage) => Repository.open(storage, PASSWORD, { workers: 1, packSize: 64 * KIB });

function describeRoundTrip(label: string, backend: () => Promise<Backend>): void {
  describe(`a repository on ${label}`, () => {
    it("restores random trees bit for bit, reuses an unchanged tree, stores shared content once, and checks clean", async () => {
      await fc.assert(
        fc.asyncProperty(treeArbitrary, async (files) => {
          const work = await tempDir("roundtrip");
          const { storage, cleanup } = await backend();
          try {
            await roundTrip(storage, work, files);
          } finally {
            await cleanup();
            await removeDir(work);
          }
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    });
  });
}

async function roundTrip(storage: BlobStorage, work: string, files: Record<string, Node>): Promise<void> {
  const clusterA = join(work, "cluster-a");
  await writeTree(clusterA, files);
  await Repository.init(storage, PASSWORD, { kdf: { N: 1024 } });

  let repo = await openRepo(storage);
  const first = await commitSnapshot(repo, clusterA);
  await repo.close();

  // A fresh open sees only what was committed to storage.
  repo = await openRepo(storage);
  try {
    expect(await listSnapshots(repo.manifests)).toEqual([first.id]);
    const record = await getSnapshot(repo.manifests, first.id);
    const restored = join(work, "restored");
    await restoreTree(record.tree, restored, { content: repo.content });
    expect(await describeTree(restored)).toEqual(await describeTree(clusterA));
    // The sparse file's megabyte is mostly hole on disk, as in the original.
    expect(await allocatedBytes(join(restored, "sparse.img"))).toBeLessThan(512 * KIB);

    // Unchanged since the first snapshot: every file comes from the parent, nothing is read or stored.
    const packsBefore = await listBlobs(storage, "packs/");
    const newBlobsBefore = repo.content.stats.newBlobs;
    const second = await commitSnapshot(repo, clusterA, first.tree);
    expect(second.stats.reusedFiles).toBe(second.stats.files);
    expect(second.stats.readBytes).toBe(0);
    expect(second.tree).toBe(first.tree);
    expect(repo.content.stats.newBlobs).toBe(newBlobsBefore);
    expect(await listBlobs(storage, "packs/")).toEqual(packsBefore);

    // A second cluster holding the big file's bytes under another path and mode stores only its own file.
    const big = files["big.bin"] as Extract<Node, { type: "file" }>;
    const bigSize = big.body.kind === "random" ? big.body.size : 0;
    const clusterB = join(work, "cluster-b");
    await writeTree(clusterB, {
      other: { type: "dir", mode: 0o755, mtime: 1_000_000_000, children: { "copy-of-big": { ...big, mode: 0o755 } } },
      "own.txt": { type: "file", body: { kind: "bytes", data: new TextEncoder().encode(`cluster b ${work}`) }, mode: 0o600, mtime: 1_000_000_000 },
    });
    const bytesBefore = await packBytes(storage);
    const reusedBefore = repo.content.stats.reusedBytes;
    await commitSnapshot(repo, clusterB);
    expect(repo.content.stats.reusedBytes - reusedBefore).toBeGreaterThanOrEqual(bigSize);
    // The big file is random bytes: storing it again would add at least its size.
    expect((await packBytes(storage)) - bytesBefore).toBeLessThan(16 * KIB);
  } finally {
    await repo.close();
  }

  const checker = await Repository.open(storage, PASSWORD, { write: false, workers: 0 });
  try {
    const report = await checkRepository(checker, { readData: true });
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.records).toBe(3);
    expect(report.packsRead).toBe(report.packs);
  } finally {
    await checker.close();
  }
}

describeRoundTrip("the filesystem", async () => {
  const dir = await tempDir("repo-fs");
  return { storage: filesystemStorage(join(dir, "repo")), cleanup: () => removeDir(dir) };
});

describe("the harness S3 server", () => {
  let server: RunningS3Server;
  beforeAll(async () => {
    server = await startS3Server();
  });
  afterAll(async () => {
    await server?.stop();
  });
  // Each run gets its own bucket; the server holds objects in memory until it stops.
  describeRoundTrip("S3, a bucket per run", async () => {
    const { storage } = await s3Bucket(server);
    return { storage, cleanup: () => storage.close() };
  });
});
