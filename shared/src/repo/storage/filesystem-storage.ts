import { randomBytes } from "node:crypto";
import { mkdir, open, opendir, readFile, rename, rm, stat, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  isTemporaryName,
  rangeBeyondEnd,
  temporaryName,
  validateBlobName,
  validateBlobPrefix,
  validateRange,
} from "./blob-name.js";
import type { BlobInfo, BlobStorage, PutOptions } from "./blob-storage.js";
import { errnoCode, filesystemError } from "./filesystem-errors.js";

/**
 * Blobs as files under `root`: blob "packs/3f/3f9a" is the file root/packs/3f/3f9a.
 * A put writes a temporary file beside the target, syncs it and renames it over, so a crash
 * leaves the old blob or the new one, never a part. `retainUntil` is ignored.
 */
export class FilesystemStorage implements BlobStorage {
  readonly description: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.description = pathToFileURL(this.root).href;
  }

  async put(name: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    validateBlobName(name, this.description);
    const path = this.pathOf(name);
    const dir = dirname(path);
    const temporary = join(dir, temporaryName(basename(path), randomBytes(8).toString("hex")));
    let handle: FileHandle | undefined;
    try {
      await mkdir(dir, { recursive: true });
      handle = await open(temporary, "wx");
      await handle.writeFile(data);
      if (!options.ephemeral) await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(temporary, path);
    } catch (err) {
      await handle?.close().catch(() => undefined);
      await rm(temporary, { force: true }).catch(() => undefined);
      throw filesystemError(err, "put", name, this.description);
    }
    // The rename is durable only once the directory entry is.
    if (options.ephemeral) return;
    await this.syncDirectory(dir).catch((err: unknown) => {
      throw filesystemError(err, "put", name, this.description);
    });
  }

  async get(name: string): Promise<Uint8Array> {
    validateBlobName(name, this.description);
    try {
      // A view, not new Uint8Array(buffer): that would copy every pack read.
      const data = await readFile(this.pathOf(name));
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } catch (err) {
      throw filesystemError(err, "get", name, this.description);
    }
  }

  async getRange(name: string, offset: number, length: number): Promise<Uint8Array> {
    validateBlobName(name, this.description);
    validateRange(name, offset, length, this.description);
    let handle: FileHandle | undefined;
    try {
      handle = await open(this.pathOf(name), "r");
      const { size } = await handle.stat();
      if (offset + length > size) throw rangeBeyondEnd(name, offset, length, size, this.description);
      const bytes = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(bytes, filled, length - filled, offset + filled);
        // The file shrank under us; blobs are immutable, so treat it as a short blob.
        if (bytesRead === 0) throw rangeBeyondEnd(name, offset, length, offset + filled, this.description);
        filled += bytesRead;
      }
      return bytes;
    } catch (err) {
      throw filesystemError(err, "getRange", name, this.description);
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  async head(name: string): Promise<BlobInfo | undefined> {
    validateBlobName(name, this.description);
    try {
      const info = await stat(this.pathOf(name));
      return info.isFile() ? { name, size: info.size, modified: info.mtime } : undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw filesystemError(err, "head", name, this.description);
    }
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    validateBlobPrefix(prefix, this.description);
    // Start at the deepest directory the prefix names in full; nothing above it can match.
    const start = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    yield* this.walk(start, prefix);
  }

  async delete(name: string): Promise<void> {
    validateBlobName(name, this.description);
    try {
      await unlink(this.pathOf(name));
    } catch (err) {
      if (!isMissing(err)) throw filesystemError(err, "delete", name, this.description);
    }
  }

  async close(): Promise<void> {}

  private pathOf(name: string): string {
    return join(this.root, ...name.split("/"));
  }

  private async *walk(relative: string, prefix: string): AsyncGenerator<BlobInfo> {
    let dir;
    try {
      dir = await opendir(relative === "" ? this.root : this.pathOf(relative));
    } catch (err) {
      if (isMissing(err)) return;
      throw filesystemError(err, "list", prefix, this.description);
    }
    for await (const entry of dir) {
      const name = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        const asPrefix = `${name}/`;
        if (asPrefix.startsWith(prefix) || prefix.startsWith(asPrefix)) yield* this.walk(name, prefix);
      } else if (entry.isFile() && !isTemporaryName(entry.name) && name.startsWith(prefix)) {
        const info = await this.head(name).catch((err: unknown) => {
          throw filesystemError(err, "list", prefix, this.description);
        });
        // Deleted between reading the directory and the stat: no longer part of the listing.
        if (info) yield info;
      }
    }
  }

  private async syncDirectory(dir: string): Promise<void> {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } catch (err) {
      // Some filesystems cannot sync a directory; the data itself is already synced.
      if (errnoCode(err) !== "EINVAL" && errnoCode(err) !== "ENOTSUP") throw err;
    } finally {
      await handle.close();
    }
  }
}

function isMissing(err: unknown): boolean {
  const code = errnoCode(err);
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}
