// Index blobs: index/<random>, each listing the entries of some packs. Every writer writes its own
// (random names, so writers never contend), readers merge them all, and maintenance compacts many
// small ones into few. Layout before compression and sealing: version byte, then per pack its
// 16-byte id, an entry count, and the entries.
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { LifeboatError, isLifeboatError } from "../../errors/index.js";
import { openWithKey, sealWithKey } from "../keys/index.js";
import type { BlobStorage } from "../storage/blob-storage.js";
import { ENTRY_BYTES, readEntry, writeEntry, type IndexEntry } from "./index-entry.js";
import type { PackId } from "./pack-format.js";
import { PackIndex } from "./pack-index.js";

const zstd = createRequire(import.meta.url)("zstd-napi") as { compress(b: Uint8Array): Buffer; decompress(b: Uint8Array): Buffer };

export const INDEX_PREFIX = "index/";
const VERSION = 1;
const LOAD_CONCURRENCY = 8;

export interface PackEntries {
  pack: PackId;
  entries: readonly IndexEntry[];
}

function aad(name: string): Buffer {
  return Buffer.from(`lifeboat index ${name}`);
}

export function encodeIndexBlob(name: string, packs: readonly PackEntries[], key: Uint8Array): Uint8Array {
  const size = 1 + packs.reduce((sum, p) => sum + 20 + p.entries.length * ENTRY_BYTES, 0);
  const out = Buffer.allocUnsafe(size);
  out[0] = VERSION;
  let at = 1;
  for (const { pack, entries } of packs) {
    at += Buffer.from(pack, "hex").copy(out, at);
    at = out.writeUInt32LE(entries.length, at);
    for (const entry of entries) at = writeEntry(entry, out, at);
  }
  return sealWithKey(key, zstd.compress(out), aad(name));
}

export function decodeIndexBlob(name: string, sealed: Uint8Array, key: Uint8Array): PackEntries[] {
  let plain: Buffer;
  try {
    plain = zstd.decompress(openWithKey(key, sealed, aad(name), `index blob ${name}`));
  } catch (err) {
    if (isLifeboatError(err)) throw err;
    throw new LifeboatError("CORRUPT", `index blob ${name} does not decompress`, { field: "index", value: name, cause: err });
  }
  if (plain[0] !== VERSION) throw new LifeboatError("CORRUPT", `index blob ${name} has unknown version ${plain[0]}`, { field: "index", value: name });
  const packs: PackEntries[] = [];
  let at = 1;
  while (at < plain.length) {
    if (at + 20 > plain.length) throw new LifeboatError("CORRUPT", `index blob ${name} is truncated`, { field: "index", value: name });
    const pack = plain.subarray(at, at + 16).toString("hex") as PackId;
    const count = plain.readUInt32LE(at + 16);
    at += 20;
    const entries: IndexEntry[] = [];
    for (let i = 0; i < count; i++, at += ENTRY_BYTES) entries.push(readEntry(plain, at, `index blob ${name}`));
    packs.push({ pack, entries });
  }
  return packs;
}

export function newIndexBlobName(): string {
  return `${INDEX_PREFIX}${randomBytes(16).toString("hex")}`;
}

export async function writeIndexBlob(storage: BlobStorage, packs: readonly PackEntries[], key: Uint8Array): Promise<string> {
  const name = newIndexBlobName();
  await storage.put(name, encodeIndexBlob(name, packs, key));
  return name;
}

export interface LoadedIndex {
  index: PackIndex;
  /** Names of the index blobs merged, for compaction. */
  names: string[];
  /** Index blobs skipped as corrupt (only with `onCorrupt`), with the reason. */
  corrupt: Array<{ name: string; message: string }>;
}

export interface LoadIndexOptions {
  /** Entries in these packs are skipped, so another copy of the same content is indexed instead. */
  excludePacks?: ReadonlySet<string>;
  /** Called for a corrupt index blob instead of failing the load (repository checks use it). */
  onCorrupt?: (name: string, err: unknown) => void;
}

/** Reads and merges every index blob. A corrupt one fails the load, naming it, unless `onCorrupt` is given. */
export async function loadIndex(storage: BlobStorage, key: Uint8Array, options: LoadIndexOptions = {}): Promise<LoadedIndex> {
  const exclude = options.excludePacks ?? new Set<string>();
  const names: string[] = [];
  const corrupt: LoadedIndex["corrupt"] = [];
  for await (const blob of storage.list(INDEX_PREFIX)) names.push(blob.name);
  names.sort();
  const index = new PackIndex();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++]!;
      let packs: PackEntries[];
      try {
        packs = decodeIndexBlob(name, await storage.get(name), key);
      } catch (err) {
        if (!options.onCorrupt || !isLifeboatError(err) || err.code !== "CORRUPT") throw err;
        options.onCorrupt(name, err);
        corrupt.push({ name, message: err.message });
        continue;
      }
      for (const { pack, entries } of packs) {
        if (exclude.has(pack)) continue;
        for (const entry of entries) index.add(pack, entry);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, names.length) }, worker));
  return { index, names, corrupt };
}
