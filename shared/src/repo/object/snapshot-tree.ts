import type { BigIntStats } from "node:fs";
import { lstatSync } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { LifeboatError } from "../../errors/index.js";
import { defaultChunkerOptions, type ChunkerOptions } from "./chunker.js";
import type { ContentId, ContentReader, ContentWriter } from "./content-access.js";
import { defaultReadBufferSize, readSmallFile, smallFileSize, writeFileContent } from "./file-writer.js";
import { errnoOf, fileError } from "./fs-errors.js";
import { Semaphore, forEachLimited } from "./in-flight.js";
import { compareNames, decodeTreeListing, encodeTreeListing, type TreeEntry } from "./tree-listing.js";
import { writeFileOnWorker, type SealedContentSink } from "./worker-file-writer.js";

export interface SnapshotStats {
  files: number;
  dirs: number;
  symlinks: number;
  /** FIFOs, sockets, devices: recorded with their metadata only. */
  others: number;
  /** Size of all files. */
  bytes: number;
  /** Bytes read and chunked (files that changed since the parent, or all without one). */
  readBytes: number;
  /** Files whose content ids came from the parent snapshot, unopened. */
  reusedFiles: number;
  reusedBytes: number;
  /** "data" contents handed to the content layer (before its deduplication). */
  chunks: number;
  /** Entries that disappeared between listing their directory and reading them. */
  vanished: number;
}

const INLINE_READ_BYTES = 16 * 1024 * 1024;

export interface SnapshotOptions {
  content: ContentWriter & ContentReader;
  /** A previous snapshot's tree: unchanged files reuse its content ids. */
  parent?: ContentId;
  /** Called after each entry with running totals. */
  progress?: (stats: Readonly<SnapshotStats>) => void;
  /** Files read (and entries stat'ed) at once across the whole walk. Default 8. */
  concurrency?: number;
  /** With worker threads: bytes read on the calling thread before files go to the workers. Default 16 MiB. */
  inlineBytes?: number;
  signal?: AbortSignal;
  chunker?: ChunkerOptions;
}

/**
 * Stores the directory tree under `root` as listings and file chunks; returns the root listing's
 * id. Depth first; a directory's listing is written after its children, so memory holds only the
 * directories on the current path. A file whose size, mtime, ctime and inode match the parent's
 * entry of the same path keeps the parent's content ids and is never opened. Symlinks are
 * recorded, not followed. Extended attributes are not captured yet (Node has no xattr API).
 */
export async function snapshotTree(root: string, options: SnapshotOptions): Promise<{ tree: ContentId; stats: SnapshotStats }> {
  const rootStat = await lstat(root, { bigint: true }).catch((error: unknown) => {
    throw fileError("read", root, error);
  });
  if (!rootStat.isDirectory()) {
    throw new LifeboatError("INVALID_ARGUMENT", `snapshot root "${root}" is not a directory`, { field: "root", value: root });
  }
  const walk = new SnapshotWalk(options);
  const tree = await walk.directory(root, options.parent);
  return { tree, stats: walk.stats };
}

class SnapshotWalk {
  readonly stats: SnapshotStats = {
    files: 0, dirs: 0, symlinks: 0, others: 0, bytes: 0, readBytes: 0, reusedFiles: 0, reusedBytes: 0, chunks: 0, vanished: 0,
  };
  private readonly concurrency: number;
  private readonly slots: Semaphore;
  private readonly buffers: Uint8Array[] = [];
  /** Files chunking on workers at once: each holds a batch of chunks there, so this bounds memory. */
  private readonly workerFiles = new Semaphore(4);
  /** Files below this are one chunk, read in one synchronous call. */
  private readonly smallBelow: number;

  constructor(private readonly options: SnapshotOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.slots = new Semaphore(this.concurrency);
    this.smallBelow = Math.min(smallFileSize + 1, options.chunker?.minSize ?? defaultChunkerOptions.minSize);
  }

  async directory(path: string, parentTree: ContentId | undefined): Promise<ContentId> {
    const { signal, content } = this.options;
    signal?.throwIfAborted();
    const names = await readdir(path).catch((error: unknown) => {
      throw fileError("list directory", path, error);
    });
    names.sort(compareNames);
    const parent = parentTree === undefined ? undefined : await this.loadParent(parentTree);
    const entries: (TreeEntry | undefined)[] = new Array(names.length);
    const dirs: number[] = [];
    const files: number[] = [];
    await forEachLimited(names.length, this.concurrency, (i) =>
      this.slots.run(async () => {
        const entry = await this.describe(join(path, names[i]!), names[i]!);
        entries[i] = entry;
        if (entry?.type === "dir") dirs.push(i);
        else if (entry?.type === "file") files.push(i);
      }),
    );
    dirs.sort((a, b) => a - b);
    // Files of this directory are read while its subdirectories are walked one after another:
    // the shared slots bound the reads, and only the current path of directories is in memory.
    const readFiles = forEachLimited(files.length, this.concurrency, (k) => {
      const i = files[k]!;
      return this.slots.run(() => this.file(join(path, names[i]!), entries, i, parent?.get(names[i]!)));
    });
    const walkDirs = (async () => {
      for (const i of dirs) {
        const before = parent?.get(names[i]!);
        const subtree = await this.directory(join(path, names[i]!), before?.type === "dir" ? before.subtree : undefined);
        entries[i]!.subtree = subtree;
        this.stats.dirs++;
        this.options.progress?.(this.stats);
      }
    })();
    const settled = await Promise.allSettled([readFiles, walkDirs]);
    for (const s of settled) if (s.status === "rejected") throw s.reason;
    const listing = entries.filter((e): e is TreeEntry => e !== undefined && (e.type !== "file" || e.content !== undefined));
    return content.putContent("tree", encodeTreeListing({ entries: listing }));
  }

  private async loadParent(tree: ContentId): Promise<Map<string, TreeEntry>> {
    const listing = decodeTreeListing(await this.options.content.getContent(tree));
    return new Map(listing.entries.map((e) => [e.name, e]));
  }

  /** lstat (and readlink) one entry; undefined if it vanished. Files get their content later. */
  private async describe(path: string, name: string): Promise<TreeEntry | undefined> {
    this.options.signal?.throwIfAborted();
    let st: BigIntStats;
    try {
      // Synchronous: for small entries the thread-pool round trip costs more than the syscall.
      st = lstatSync(path, { bigint: true });
    } catch (error) {
      if (errnoOf(error) === "ENOENT") return this.vanish();
      throw fileError("read", path, error);
    }
    const type = st.isFile() ? "file" : st.isDirectory() ? "dir" : st.isSymbolicLink() ? "symlink" : "other";
    const entry: TreeEntry = {
      name, type, mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid),
      size: type === "file" || type === "symlink" ? Number(st.size) : 0,
      mtimeNs: st.mtimeNs.toString(), ctimeNs: st.ctimeNs.toString(), inode: st.ino.toString(),
    };
    if (type === "symlink") {
      try {
        entry.target = await readlink(path);
      } catch (error) {
        if (errnoOf(error) === "ENOENT") return this.vanish();
        throw fileError("read link", path, error);
      }
      this.stats.symlinks++;
      this.options.progress?.(this.stats);
    } else if (type === "other") {
      this.stats.others++;
      this.options.progress?.(this.stats);
    }
    return entry;
  }

  private async file(path: string, entries: (TreeEntry | undefined)[], i: number, before: TreeEntry | undefined): Promise<void> {
    const entry = entries[i]!;
    this.options.signal?.throwIfAborted();
    if (
      before?.type === "file" && before.content !== undefined && before.size === entry.size &&
      before.mtimeNs === entry.mtimeNs && before.ctimeNs === entry.ctimeNs && before.inode === entry.inode
    ) {
      entry.content = before.content;
      this.stats.reusedFiles++;
      this.stats.reusedBytes += entry.size;
    } else if (entry.size < this.smallBelow) {
      try {
        const data = readSmallFile(path, entry.size);
        entry.content = data.length === 0 ? [] : [await this.options.content.putContent("data", data)];
        entry.size = data.length;
        this.stats.readBytes += data.length;
        this.stats.chunks += entry.content.length;
      } catch (error) {
        if (errnoOf(error) === "ENOENT") {
          this.vanish();
          return;
        }
        throw fileError("read", path, error);
      }
    } else {
      // With worker threads, a file is read, chunked, hashed and sealed on a worker: the main thread
      // only decides which chunks are new, so both cores work on one large file.
      const sink = this.options.content as Partial<SealedContentSink>;
      // The first few MiB are read here: a backup where little changed never starts the workers.
      const onWorker = sink.workers !== undefined && sink.claim !== undefined && (sink.workers.started || this.stats.readBytes >= (this.options.inlineBytes ?? INLINE_READ_BYTES));
      const buffer = onWorker ? undefined : (this.buffers.pop() ?? new Uint8Array(defaultReadBufferSize));
      try {
        const { content, size } = onWorker
          ? await this.workerFiles.run(() => writeFileOnWorker(sink.workers!, sink as SealedContentSink, path, this.options.chunker))
          : await writeFileContent(path, this.options.content, {
            buffer, expectedSize: entry.size, chunker: this.options.chunker, signal: this.options.signal,
          });
        entry.content = content;
        entry.size = size;
        this.stats.readBytes += size;
        this.stats.chunks += content.length;
      } catch (error) {
        if (errnoOf(error) === "ENOENT") {
          this.vanish();
          return;
        }
        throw fileError("read", path, error);
      } finally {
        if (buffer) this.buffers.push(buffer);
      }
    }
    this.stats.files++;
    this.stats.bytes += entry.size;
    this.options.progress?.(this.stats);
  }

  private vanish(): undefined {
    this.stats.vanished++;
    return undefined;
  }
}
