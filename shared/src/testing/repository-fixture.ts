// A real repository on the filesystem backend in a temp directory, for tests of the layers above
// storage. Small scrypt cost and tiny packs keep tests fast while still making many packs.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { putSnapshot, newRecordId, snapshotName } from "../repo/manifest/index.js";
import { snapshotTree, type ContentId } from "../repo/object/index.js";
import { Repository, type OpenRepositoryOptions } from "../repo/repository.js";
import { FilesystemStorage } from "../repo/storage/index.js";

export const TEST_PASSWORD = "correct horse battery staple";

export interface RepositoryFixture {
  dir: string;
  storage: FilesystemStorage;
  open(options?: OpenRepositoryOptions): Promise<Repository>;
  cleanup(): Promise<void>;
}

export async function makeRepository(): Promise<RepositoryFixture> {
  const dir = await mkdtemp(join(tmpdir(), "lifeboat-repo-"));
  const storage = new FilesystemStorage(join(dir, "repo"));
  await Repository.init(storage, TEST_PASSWORD, { kdf: { N: 1024 } });
  return {
    dir,
    storage,
    open: (options = {}) => Repository.open(storage, TEST_PASSWORD, { workers: 0, packSize: 64 * 1024, ...options }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Writes files (path -> content) under `root`, creating directories. */
export async function writeTree(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [path, data] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), data);
  }
}

/** Snapshots `root` into `repo` and commits its record; returns the record name and tree. */
export async function commitSnapshot(repo: Repository, root: string, parent?: ContentId): Promise<{ name: string; id: string; tree: ContentId }> {
  const { tree, stats } = await snapshotTree(root, { content: repo.content, parent, chunker: { minSize: 2048, avgSize: 8192, maxSize: 32768 } });
  await repo.prepareCommit();
  const id = newRecordId();
  await putSnapshot(repo.manifests, {
    id,
    time: new Date().toISOString(),
    host: "test",
    paths: [root],
    tree,
    stats: { files: stats.files, directories: stats.dirs, bytes: stats.bytes },
  });
  return { name: snapshotName(id), id, tree };
}
