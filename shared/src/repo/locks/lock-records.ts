// Lock blobs under locks/: writer leases and garbage-collection locks, sealed like every other
// record so a reader of the bucket learns nothing from them. Their age is the storage's clock
// (BlobInfo.modified), never a writer's, so skewed hosts cannot make a live lease look stale.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { LifeboatError } from "../../errors/index.js";
import { openWithKey, sealWithKey } from "../keys/index.js";
import type { BlobInfo, BlobStorage } from "../storage/blob-storage.js";

export const LOCKS_PREFIX = "locks/";
export const WRITER_PREFIX = `${LOCKS_PREFIX}writer-`;
export const GC_PREFIX = `${LOCKS_PREFIX}gc-`;

export interface WriterLease {
  host: string;
  pid: number;
  started: string;
  /** Garbage-collection locks this writer had read (and whose doomed packs it avoids). */
  sawGc: string[];
}

export interface GcLock {
  host: string;
  pid: number;
  started: string;
  /** Packs this collection will delete; writers that see the lock neither read nor reuse them. */
  doomedPacks: string[];
}

export function newLockName(prefix: string): string {
  return `${prefix}${randomBytes(12).toString("hex")}`;
}

export function describeSelf(): { host: string; pid: number; started: string } {
  return { host: hostname(), pid: process.pid, started: new Date().toISOString() };
}

export async function putLock(storage: BlobStorage, key: Uint8Array, name: string, value: WriterLease | GcLock): Promise<void> {
  await storage.put(name, sealWithKey(key, Buffer.from(JSON.stringify(value)), Buffer.from(name)), { ephemeral: true });
}

export async function readLock<T extends WriterLease | GcLock>(storage: BlobStorage, key: Uint8Array, name: string): Promise<T> {
  const plain = openWithKey(key, await storage.get(name), Buffer.from(name), `lock ${name}`);
  try {
    return JSON.parse(Buffer.from(plain).toString("utf8")) as T;
  } catch (cause) {
    throw new LifeboatError("CORRUPT", `lock ${name} is not valid JSON`, { field: "lock", value: name, cause });
  }
}

/** Locks under `prefix` refreshed within `staleMs`; older ones belong to processes that died. */
export async function listLiveLocks(storage: BlobStorage, prefix: string, staleMs: number): Promise<BlobInfo[]> {
  const live: BlobInfo[] = [];
  const now = Date.now();
  for await (const info of storage.list(prefix)) if (now - info.modified.getTime() < staleMs) live.push(info);
  return live.sort((a, b) => a.name.localeCompare(b.name));
}
