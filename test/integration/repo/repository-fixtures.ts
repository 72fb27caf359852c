// Shared pieces of the repository integration suites: backends (a temp directory, an S3 bucket on
// the harness server), trees written to disk from plain descriptions, and a walk that compares two
// trees byte for byte with their modes, times and symlink targets.
import { createHash, randomBytes } from "node:crypto";
import { lstat, mkdir, mkdtemp, open, readFile, readdir, readlink, rm, symlink, utimes, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { newRecordId, putSnapshot, snapshotName } from "../../../shared/src/repo/manifest/index.js";
import { snapshotTree, type ContentId, type SnapshotStats } from "../../../shared/src/repo/object/index.js";
import type { Repository } from "../../../shared/src/repo/repository.js";
import { FilesystemStorage, S3Storage, type BlobStorage, type S3StorageOptions } from "../../../shared/src/repo/storage/index.js";
import type { RunningS3Server } from "../../harness/src/s3-server.js";
export { failure } from "../../../shared/src/testing/failure.js";
import { seededBytes } from "../../../shared/src/testing/seeded-bytes.js";
export { seededBytes };

export const PASSWORD = "correct horse battery staple";
export const KIB = 1024;
/** Small chunks so a file of a few hundred KiB spans many of them. */
export const SMALL_CHUNKS = { minSize: 2048, avgSize: 8192, maxSize: 32768 };

export async function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `lifeboat-${label}-`));
}

/** S3 storage on a fresh bucket of `server`, reached at `endpoint` (the server's or a fault proxy's). */
export async function s3Bucket(server: RunningS3Server, options: Partial<S3StorageOptions> & { endpoint?: string } = {}): Promise<{ bucket: string; storage: S3Storage }> {
  const bucket = `repo-${randomBytes(6).toString("hex")}`;
  await server.createBucket(bucket);
  return { bucket, storage: s3Storage(server, bucket, options) };
}

export function s3Storage(server: RunningS3Server, bucket: string, options: Partial<S3StorageOptions> = {}): S3Storage {
  return new S3Storage({
    bucket,
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    ...options,
  });
}

export function filesystemStorage(dir: string): FilesystemStorage {
  return new FilesystemStorage(dir);
}

/** Snapshots `root` and commits its record in the documented order; the backup exists once the record does. */
export async function commitSnapshot(repo: Repository, root: string, parent?: ContentId): Promise<{ id: string; name: string; tree: ContentId; stats: SnapshotStats }> {
  const { tree, stats } = await snapshotTree(root, { content: repo.content, parent, chunker: SMALL_CHUNKS });
  await repo.prepareCommit();
  const id = newRecordId();
  await putSnapshot(repo.manifests, {
    id, time: new Date().toISOString(), host: "test", paths: [root], tree,
    stats: { files: stats.files, directories: stats.dirs, bytes: stats.bytes },
  });
  return { id, name: snapshotName(id), tree, stats };
}

/** Every blob's name and size under `prefix`, sorted. */
export async function listBlobs(storage: BlobStorage, prefix = ""): Promise<Array<{ name: string; size: number }>> {
  const blobs: Array<{ name: string; size: number }> = [];
  for await (const blob of storage.list(prefix)) blobs.push({ name: blob.name, size: blob.size });
  return blobs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Name -> sha256 of every blob, for "storage is unchanged" assertions. */
export async function storageDigest(storage: BlobStorage): Promise<Record<string, string>> {
  const digest: Record<string, string> = {};
  for (const { name } of await listBlobs(storage)) digest[name] = createHash("sha256").update(await storage.get(name)).digest("hex");
  return digest;
}

export async function packBytes(storage: BlobStorage): Promise<number> {
  return (await listBlobs(storage, "packs/")).reduce((sum, blob) => sum + blob.size, 0);
}

/** The error a call fails with; the test fails if the call succeeds. */
// ---- Trees described as plain data ----

export type FileBody =
  | { kind: "bytes"; data: Uint8Array }
  /** `size` pseudo-random bytes from `seed`: big files without big fast-check values. */
  | { kind: "random"; seed: number; size: number }
  /** A hole of `size` bytes with `data` written at `at`. */
  | { kind: "sparse"; size: number; at: number; data: Uint8Array };

export type Node =
  | { type: "file"; body: FileBody; mode: number; mtime: number }
  | { type: "symlink"; target: string }
  | { type: "dir"; mode: number; mtime: number; children: Record<string, Node> };

const name = fc.stringMatching(/^[a-zA-Z0-9_.-]{1,12}$/).filter((n) => n !== "." && n !== "..");
const mode = fc.constantFrom(0o600, 0o644, 0o755);
/** Seconds since the epoch, whole or with milliseconds, from 1990 to 2037. */
const mtime = fc.integer({ min: 631_152_000_000, max: 2_145_916_800_000 }).map((ms) => ms / 1000);
const body: fc.Arbitrary<FileBody> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<FileBody>({ kind: "bytes", data: new Uint8Array(0) }) },
  { weight: 5, arbitrary: fc.uint8Array({ maxLength: 3000 }).map((data): FileBody => ({ kind: "bytes", data })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("random" as const), seed: fc.integer(), size: fc.integer({ min: 40 * KIB, max: 200 * KIB }) }) },
);
const leaf: fc.Arbitrary<Node> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant("file" as const), body, mode, mtime }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("symlink" as const), target: fc.constantFrom("../elsewhere", "sibling", "/etc/hostname", "a/b/c") }) },
);
const dirOf = (children: fc.Arbitrary<Record<string, Node>>): fc.Arbitrary<Node> =>
  fc.record({ type: fc.constant("dir" as const), mode: fc.constantFrom(0o700, 0o755), mtime, children });
const { tree: randomDir } = fc.letrec<{ tree: Node; node: Node }>((tie) => ({
  tree: dirOf(fc.dictionary(name, tie("node"), { maxKeys: 6 })),
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("tree")),
}));

/**
 * A random tree that always holds a multi-chunk file and a sparse file, beside whatever nested
 * directories, empty and small files and symlinks the generator picks.
 */
export const treeArbitrary: fc.Arbitrary<Record<string, Node>> = fc
  .record({
    random: randomDir,
    bigSeed: fc.integer(),
    bigSize: fc.integer({ min: 150 * KIB, max: 400 * KIB }),
    sparseAt: fc.integer({ min: 0, max: 900 * KIB }),
    sparseData: fc.uint8Array({ minLength: 1, maxLength: 5000 }),
    mtime,
  })
  .map(({ random, bigSeed, bigSize, sparseAt, sparseData, mtime: time }) => ({
    random,
    "big.bin": { type: "file", body: { kind: "random", seed: bigSeed, size: bigSize }, mode: 0o644, mtime: time },
    "sparse.img": { type: "file", body: { kind: "sparse", size: 1024 * KIB, at: sparseAt, data: sparseData }, mode: 0o600, mtime: time },
  }));

/** Writes `children` under `root` (created); directory times are set after their contents. */
export async function writeTree(root: string, children: Record<string, Node>): Promise<void> {
  await mkdir(root, { recursive: true });
  for (const [entry, node] of Object.entries(children)) {
    const path = join(root, entry);
    if (node.type === "symlink") {
      await symlink(node.target, path);
    } else if (node.type === "dir") {
      await writeTree(path, node.children);
      await chmod(path, node.mode);
      await utimes(path, node.mtime, node.mtime);
    } else {
      await writeBody(path, node.body);
      await chmod(path, node.mode);
      await utimes(path, node.mtime, node.mtime);
    }
  }
}

async function writeBody(path: string, body: FileBody): Promise<void> {
  const file = await open(path, "w");
  try {
    if (body.kind === "bytes") await file.write(body.data);
    else if (body.kind === "random") await file.write(seededBytes(body.seed, body.size));
    else {
      await file.truncate(body.size);
      await file.write(body.data, 0, body.data.length, Math.min(body.at, body.size - body.data.length));
    }
  } finally {
    await file.close();
  }
}

/** What a tree looks like, path by path: type, mode, mtime (ns), content digest or link target. */
export async function describeTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const entry of (await readdir(dir)).sort()) {
      const path = join(dir, entry);
      const key = rel === "" ? entry : `${rel}/${entry}`;
      const st = await lstat(path, { bigint: true });
      const meta = `mode=${(st.mode & 0o7777n).toString(8)}`;
      if (st.isSymbolicLink()) out[key] = `symlink -> ${await readlink(path)}`;
      else if (st.isDirectory()) {
        await walk(path, key);
        out[key] = `dir ${meta} mtime=${st.mtimeNs}`;
      } else {
        const digest = createHash("sha256").update(await readFile(path)).digest("hex");
        out[key] = `file ${meta} mtime=${st.mtimeNs} size=${st.size} sha256=${digest}`;
      }
    }
  };
  await walk(root, "");
  return out;
}

/** Bytes a file really occupies on disk (a sparse file's holes take none). */
export async function allocatedBytes(path: string): Promise<number> {
  return (await lstat(path)).blocks * 512;
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}
