// Writing one small file whole, with synchronous calls: for thousands of small files a chain of
// asynchronous calls per file costs several times more than the work. Used on the main thread and
// on worker threads alike (see restore-handlers.ts).
import { closeSync, fchmodSync, fchownSync, ftruncateSync, futimesSync, openSync, unlinkSync, writeSync } from "node:fs";
import { errnoOf } from "./fs-errors.js";

export interface SmallFileMeta {
  mode: number;
  uid: number;
  gid: number;
  /** Seconds as utimes takes them (see nsToSeconds). */
  mtime: number;
}

const isRoot = process.getuid?.() === 0;

/** chown is needed only as root, and only when the owner differs from the one a new file gets. */
export function needsChown(meta: { uid: number; gid: number }): boolean {
  return isRoot && (meta.uid !== process.getuid?.() || meta.gid !== process.getgid?.());
}

export function ignorePermission(error: unknown): void {
  if (errnoOf(error) !== "EPERM") throw error;
}

/**
 * Creates `path` exclusively (O_EXCL never follows a symlink, so a restore cannot write outside its
 * target); an existing file or symlink there is replaced.
 */
export function createFileSync(path: string): number {
  try {
    return openSync(path, "wx", 0o600);
  } catch (error) {
    if (errnoOf(error) !== "EEXIST") throw error;
    unlinkSync(path);
    return openSync(path, "wx", 0o600);
  }
}

/** Writes `data` as the whole of `path` with its metadata; all zeros become a hole. Returns bytes written. */
export function writeSmallFileSync(path: string, data: Uint8Array, meta: SmallFileMeta): number {
  const fd = createFileSync(path);
  let written = 0;
  try {
    if (isAllZero(data)) {
      if (data.length > 0) ftruncateSync(fd, data.length);
    } else {
      for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done, done);
      written = data.length;
    }
    if (needsChown(meta)) {
      try {
        fchownSync(fd, meta.uid, meta.gid);
      } catch (error) {
        ignorePermission(error);
      }
    }
    fchmodSync(fd, meta.mode);
    futimesSync(fd, meta.mtime, meta.mtime);
  } finally {
    closeSync(fd);
  }
  return written;
}

export function isAllZero(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) return false;
  return true;
}
