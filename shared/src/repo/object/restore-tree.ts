import { chmod, lchown, lstat, lutimes, mkdir, open, symlink, unlink, utimes, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { LifeboatError } from "../../errors/index.js";
import type { ContentId, ContentReader } from "./content-access.js";
import { smallFileSize } from "./file-writer.js";
import { errnoOf, fileError } from "./fs-errors.js";
import { Semaphore, forEachLimited } from "./in-flight.js";
import { ignorePermission, needsChown, writeSmallFileSync } from "./small-file-sync.js";
import { RestoreWriter, type SealedContentSource } from "./restore-writer.js";
import { decodeTreeListing, type TreeEntry } from "./tree-listing.js";

export interface RestoreStats {
  files: number;
  dirs: number;
  symlinks: number;
  /** FIFOs, sockets, devices: not recreated (Node cannot make them). */
  skipped: number;
  /** File bytes restored, holes included. */
  bytes: number;
  /** Bytes written; all-zero chunks are left as holes. */
  writtenBytes: number;
}

export interface RestoreOptions {
  content: ContentReader;
  progress?: (stats: Readonly<RestoreStats>) => void;
  /** Files written at once across the whole tree. Default 8. */
  concurrency?: number;
  /** Chunks fetched ahead per file. Default 2; memory is about concurrency × this × max chunk. */
  readAhead?: number;
  signal?: AbortSignal;
}

/**
 * Recreates the tree `tree` under `target` (created if missing): directories, files (sparse: an
 * all-zero chunk is skipped and the file extended to its size), symlinks; then owners (as root),
 * modes and times, directories after their children. `target`'s own metadata is left alone.
 */
export async function restoreTree(tree: ContentId, target: string, options: RestoreOptions): Promise<RestoreStats> {
  await mkdir(target, { recursive: true }).catch((error: unknown) => {
    throw fileError("create directory", target, error);
  });
  const walk = new RestoreWalk(options);
  await walk.directory(tree, target);
  return walk.stats;
}

const SMALL_FILES_IN_FLIGHT = 256;

class RestoreWalk {
  readonly stats: RestoreStats = { files: 0, dirs: 0, symlinks: 0, skipped: 0, bytes: 0, writtenBytes: 0 };
  private readonly concurrency: number;
  private readonly slots: Semaphore;
  private zeros = new Uint8Array(0);
  /** With worker threads, small files and large files' chunks are decrypted and written there. */
  private readonly workerWriter: RestoreWriter | undefined;

  constructor(private readonly options: RestoreOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.slots = new Semaphore(this.concurrency);
    const source = options.content as Partial<SealedContentSource>;
    if (source.workers && source.sealedContent) this.workerWriter = new RestoreWriter(source.workers, source as SealedContentSource);
  }

  async directory(tree: ContentId, path: string): Promise<void> {
    this.options.signal?.throwIfAborted();
    const { entries } = decodeTreeListing(await this.options.content.getContent(tree));
    const dirs = entries.filter((e) => e.type === "dir");
    // Small files going to the workers are many and cheap: enough of them in flight fills a batch.
    const batched = (e: TreeEntry) => this.workerWriter !== undefined && e.type === "file" && e.size <= smallFileSize && e.content!.length === 1;
    const small = entries.filter(batched);
    const leaves = entries.filter((e) => e.type !== "dir" && !batched(e));
    const writeLeaves = Promise.all([
      forEachLimited(small.length, SMALL_FILES_IN_FLIGHT, (i) => this.leaf(small[i]!, join(path, small[i]!.name))),
      forEachLimited(leaves.length, this.concurrency, (i) => this.slots.run(() => this.leaf(leaves[i]!, join(path, leaves[i]!.name)))),
    ]);
    const walkDirs = (async () => {
      for (const entry of dirs) {
        const child = join(path, entry.name);
        await makeDirectory(child);
        await this.directory(entry.subtree!, child);
        // After the children: their creation moves the directory's mtime, and a read-only mode
        // would stop them being written.
        await setMetadata(child, entry);
        this.stats.dirs++;
        this.options.progress?.(this.stats);
      }
    })();
    const settled = await Promise.allSettled([writeLeaves, walkDirs]);
    for (const s of settled) if (s.status === "rejected") throw s.reason;
  }

  private async leaf(entry: TreeEntry, path: string): Promise<void> {
    this.options.signal?.throwIfAborted();
    if (entry.type === "file") {
      await this.file(entry, path);
      this.stats.files++;
      this.stats.bytes += entry.size;
    } else if (entry.type === "symlink") {
      await makeSymlink(entry.target!, path);
      if (needsChown(entry)) await lchown(path, entry.uid, entry.gid).catch(ignorePermission);
      await lutimes(path, nsToSeconds(entry.mtimeNs), nsToSeconds(entry.mtimeNs)).catch((error: unknown) => {
        throw fileError("set times of", path, error);
      });
      this.stats.symlinks++;
    } else {
      this.stats.skipped++;
    }
    this.options.progress?.(this.stats);
  }

  private async file(entry: TreeEntry, path: string): Promise<void> {
    if (entry.size <= smallFileSize && entry.content!.length <= 1) return this.smallFile(entry, path);
    let file: FileHandle;
    try {
      file = await open(path, "wx", 0o600).catch(async (error: unknown) => {
        if (errnoOf(error) !== "EEXIST") throw error;
        await unlink(path);
        return open(path, "wx", 0o600);
      });
    } catch (error) {
      throw fileError("create", path, error);
    }
    try {
      if (this.workerWriter) {
        // With workers, chunks are decrypted and written there: the main thread only reads packs.
        const { length, holeAtEnd } = await this.workerWriter.writeChunks(file.fd, entry.content!, Math.max(1, this.options.readAhead ?? 4));
        if (length !== entry.size) {
          throw new LifeboatError("CORRUPT", `file "${path}": its chunks hold ${length} bytes, its listing says ${entry.size}`, { field: "size", value: String(entry.size) });
        }
        if (holeAtEnd) await file.truncate(entry.size);
        this.stats.writtenBytes += length;
        await this.finishFile(file, entry);
        return;
      }
      const ids = entry.content!;
      const readAhead = Math.max(1, this.options.readAhead ?? 2);
      const fetches: Promise<Uint8Array>[] = [];
      const fetch = (k: number) => {
        if (k >= ids.length) return;
        const fetched = this.options.content.getContent(ids[k]!);
        // Marked handled now: a read-ahead may fail while an earlier chunk is awaited, and an
        // unhandled rejection would end the process. Awaiting it below still throws.
        fetched.catch(() => undefined);
        fetches[k] = fetched;
      };
      for (let k = 0; k < readAhead; k++) fetch(k);
      let offset = 0;
      let holeAtEnd = false;
      try {
        for (let k = 0; k < ids.length; k++) {
          const chunk = await fetches[k]!;
          delete fetches[k];
          fetch(k + readAhead);
          holeAtEnd = this.isZero(chunk);
          if (!holeAtEnd) {
            for (let done = 0; done < chunk.length; ) {
              const { bytesWritten } = await file.write(chunk, done, chunk.length - done, offset + done);
              done += bytesWritten;
            }
            this.stats.writtenBytes += chunk.length;
          }
          offset += chunk.length;
        }
      } finally {
        // Fetches still pending after a failure must settle before the error leaves.
        await Promise.allSettled(fetches);
      }
      if (offset !== entry.size) {
        throw new LifeboatError("CORRUPT", `file "${path}": its chunks hold ${offset} bytes, its listing says ${entry.size}`, {
          field: "size", value: String(entry.size),
        });
      }
      // Extends the file over a trailing hole.
      if (holeAtEnd) await file.truncate(entry.size);
      await this.finishFile(file, entry);
    } catch (error) {
      throw fileError("write", path, error);
    } finally {
      await file.close();
    }
  }

  private async finishFile(file: FileHandle, entry: TreeEntry): Promise<void> {
    if (needsChown(entry)) await file.chown(entry.uid, entry.gid).catch(ignorePermission);
    await file.chmod(entry.mode);
    await file.utimes(nsToSeconds(entry.mtimeNs), nsToSeconds(entry.mtimeNs));
  }

  /**
   * A file of at most one small chunk, written with synchronous calls: for thousands of small
   * files the thread-pool round trips of open/write/chmod/utimes/close cost more than the syscalls.
   */
  private async smallFile(entry: TreeEntry, path: string): Promise<void> {
    const ids = entry.content!;
    if (this.workerWriter && ids.length === 1) {
      const target = { path, size: entry.size, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: nsToSeconds(entry.mtimeNs) };
      this.stats.writtenBytes += await this.workerWriter.write(ids[0]!, target);
      return;
    }
    const data = ids.length === 0 ? new Uint8Array(0) : await this.options.content.getContent(ids[0]!);
    if (data.length !== entry.size) {
      throw new LifeboatError("CORRUPT", `file "${path}": its chunks hold ${data.length} bytes, its listing says ${entry.size}`, {
        field: "size", value: String(entry.size),
      });
    }
    try {
      this.stats.writtenBytes += writeSmallFileSync(path, data, { mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: nsToSeconds(entry.mtimeNs) });
    } catch (error) {
      throw fileError("write", path, error);
    }
  }

  private isZero(chunk: Uint8Array): boolean {
    if (chunk.length > this.zeros.length) this.zeros = new Uint8Array(chunk.length);
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).equals(this.zeros.subarray(0, chunk.length));
  }
}

/**
 * Seconds as Node's utimes takes them. Node (libuv) sets times to the microsecond, truncating the
 * double it is given, so the value aims at the middle of the wanted microsecond: the restored time
 * is the stored one truncated to the microsecond, never a microsecond early.
 */
export function nsToSeconds(ns: string): number {
  const micros = BigInt(ns) / 1000n - (BigInt(ns) < 0n && BigInt(ns) % 1000n !== 0n ? 1n : 0n);
  return Number(micros / 1_000_000n) + (Number(micros % 1_000_000n) + 0.5) / 1e6;
}

async function makeDirectory(path: string): Promise<void> {
  try {
    await mkdir(path);
  } catch (error) {
    // An existing directory is reused; anything else there (a symlink above all) is refused, so a
    // restore never writes outside its target.
    if (errnoOf(error) !== "EEXIST" || !(await lstat(path)).isDirectory()) throw fileError("create directory", path, error);
  }
}

async function makeSymlink(linkTarget: string, path: string): Promise<void> {
  try {
    await symlink(linkTarget, path);
  } catch (error) {
    if (errnoOf(error) !== "EEXIST") throw fileError("create symlink", path, error);
    await unlink(path).catch((e: unknown) => {
      throw fileError("replace", path, e);
    });
    await symlink(linkTarget, path);
  }
}

async function setMetadata(path: string, entry: TreeEntry): Promise<void> {
  try {
    if (needsChown(entry)) await lchown(path, entry.uid, entry.gid).catch(ignorePermission);
    await chmod(path, entry.mode);
    await utimes(path, nsToSeconds(entry.mtimeNs), nsToSeconds(entry.mtimeNs));
  } catch (error) {
    throw fileError("set metadata of", path, error);
  }
}
