// The size of a tree, for progress totals: a walk beside the copy that only lstats (files are
// never opened) and holds only the directories on its current path.
import { lstat, opendir } from "node:fs/promises";
import { join } from "node:path";
import pLimit from "p-limit";

export interface TreeSize {
  files: number;
  bytes: number;
}

export interface SizeWalkOptions {
  /** lstat calls in flight at once. Default 8. */
  concurrency?: number;
  signal?: AbortSignal;
}

/**
 * Counts the regular files under `root` and their bytes, as the snapshot counts them (symlinks
 * are not followed; entries that vanish mid-walk are skipped). Directories are read as streams,
 * so memory does not grow with their size.
 */
export async function measureTree(root: string, options: SizeWalkOptions = {}): Promise<TreeSize> {
  const size: TreeSize = { files: 0, bytes: 0 };
  const limit = pLimit(Math.max(1, options.concurrency ?? 8));
  await walk(root, size, limit, options.signal);
  return size;
}

async function walk(dir: string, size: TreeSize, limit: ReturnType<typeof pLimit>, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  const handle = await opendir(dir).catch(() => undefined);
  if (!handle) return;
  const pending = new Set<Promise<void>>();
  for await (const entry of handle) {
    signal?.throwIfAborted();
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      await walk(path, size, limit, signal);
    } else if (entry.isFile()) {
      const sized = limit(async () => {
        const st = await lstat(path).catch(() => undefined);
        if (st?.isFile()) {
          size.files++;
          size.bytes += st.size;
        }
      }).finally(() => pending.delete(sized));
      pending.add(sized);
      // Bound what waits in the limiter's queue, not only what runs.
      if (pending.size >= limit.concurrency * 2) await Promise.race(pending);
    }
  }
  await Promise.all(pending);
}
