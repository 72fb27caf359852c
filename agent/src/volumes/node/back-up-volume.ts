// One VolumeBackup: the pod's volume directory into the repository, as a tree whose unchanged
// files reuse the parent snapshot's content (never opened), sized beside the copy for progress.
import { isLifeboatError, snapshotTree, type ContentId, type Repository } from "@lifeboat/shared/repo";
import type { VolumeBackupResult, VolumeBackupSpec } from "../contract.js";
import type { CopyContext } from "./copy-context.js";
import { measureTree } from "./size-walk.js";
import { resolveVolumeRoot } from "./volume-root.js";

// Files read at once: a node agent shares its node with the workloads it backs up.
const READ_CONCURRENCY = 8;
const SIZE_WALK_CONCURRENCY = 4;

/** Stores the volume and commits it; the result names the tree only once it is durable. */
export async function backUpVolume(spec: VolumeBackupSpec, context: CopyContext): Promise<VolumeBackupResult> {
  const root = await resolveVolumeRoot(context.kubeletRoot, spec);
  const repo = await context.openRepository(context.access, {});
  try {
    const parent = spec.parentTree ? await readableParent(repo, spec.parentTree as ContentId, context) : undefined;
    // An incremental copy's totals come from its parent (a good guess, and a second walk of a
    // volume that barely changed would cost as much as the copy); a first copy sizes the tree.
    const sizing = spec.expected ? expectedSize(spec.expected, context) : sizeBeside(root, context);
    const { tree, stats } = await snapshotTree(root, {
      content: repo.content,
      parent,
      concurrency: READ_CONCURRENCY,
      signal: context.signal,
      progress: (s) => context.progress({ bytesDone: s.bytes, filesDone: s.files }),
    }).finally(() => sizing.stop());
    await repo.prepareCommit();
    await repo.close();
    await repo.storage.close();
    context.progress({ bytesDone: stats.bytes, filesDone: stats.files, bytesTotal: stats.bytes, filesTotal: stats.files });
    return {
      tree,
      files: stats.files,
      dirs: stats.dirs,
      symlinks: stats.symlinks,
      bytes: stats.bytes,
      readBytes: stats.readBytes,
      reusedFiles: stats.reusedFiles,
      reusedBytes: stats.reusedBytes,
    };
  } catch (err) {
    await repo.abort().catch(() => undefined);
    await repo.storage.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The parent tree when the repository still has it. One garbage-collected (or from another
 * repository) only costs reading every file, so the copy goes on without it.
 */
async function readableParent(repo: Repository, parent: ContentId, context: CopyContext): Promise<ContentId | undefined> {
  try {
    await repo.content.getContent(parent);
    return parent;
  } catch (err) {
    if (!isLifeboatError(err) || (err.code !== "NOT_FOUND" && err.code !== "CORRUPT")) throw err;
    context.logger.warn({ parentTree: parent, reason: err.message }, "parent tree cannot be read; backing up without a parent, every file is read");
    return undefined;
  }
}

function expectedSize(expected: { bytes: number; files: number }, context: CopyContext): { stop(): void } {
  context.progress({ bytesTotal: expected.bytes, filesTotal: expected.files });
  return { stop: () => undefined };
}

/** Sizes the tree for the progress totals; stopping it (the copy ended first) is not an error. */
function sizeBeside(root: string, context: CopyContext): { stop(): void } {
  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, context.signal]);
  measureTree(root, { concurrency: SIZE_WALK_CONCURRENCY, signal })
    .then((size) => context.progress({ bytesTotal: size.bytes, filesTotal: size.files }))
    .catch(() => undefined);
  return { stop: () => controller.abort() };
}
