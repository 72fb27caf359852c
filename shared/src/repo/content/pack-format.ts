// Pack files: sealed blobs back to back, then the pack's header (its entries, sealed), then the
// header's length as 4 bytes little-endian. The header lets `repo check` and index repair read a
// pack without any index; sealing it with the pack id as associated data ties it to its pack.
import { randomBytes } from "node:crypto";
import { LifeboatError } from "../../errors/index.js";
import { openWithKey, sealWithKey } from "../keys/index.js";
import { ENTRY_BYTES, readEntry, writeEntry, type IndexEntry } from "./index-entry.js";

export type PackId = string & { readonly __brand: "PackId" };

export const PACKS_PREFIX = "packs/";
const PACK_NAME = /^packs\/([0-9a-f]{2})\/([0-9a-f]{32})$/;

export function newPackId(): PackId {
  return randomBytes(16).toString("hex") as PackId;
}

/** packs/<first two hex>/<id>: spreads packs over 256 folders so no directory grows huge. */
export function packBlobName(pack: PackId): string {
  return `${PACKS_PREFIX}${pack.slice(0, 2)}/${pack}`;
}

export function packIdFromBlobName(name: string): PackId | undefined {
  const match = PACK_NAME.exec(name);
  return match && match[1] === match[2]!.slice(0, 2) ? (match[2] as PackId) : undefined;
}

function headerAad(pack: PackId): Buffer {
  return Buffer.from(`lifeboat pack header ${pack}`);
}

/** The bytes that follow a pack's blobs. */
export function encodePackTrailer(pack: PackId, entries: readonly IndexEntry[], key: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(entries.length * ENTRY_BYTES);
  let at = 0;
  for (const entry of entries) at = writeEntry(entry, header, at);
  const sealed = sealWithKey(key, header, headerAad(pack));
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32LE(sealed.length, 0);
  return Buffer.concat([sealed, length]);
}

/** Reads a whole pack's header; CORRUPT naming the pack when it is truncated or fails authentication. */
export function decodePackHeader(pack: PackId, bytes: Uint8Array, key: Uint8Array): IndexEntry[] {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const where = `pack ${pack}`;
  if (data.length < 4) throw new LifeboatError("CORRUPT", `${where} is truncated: ${data.length} bytes`, { field: "pack", value: pack });
  const headerLength = data.readUInt32LE(data.length - 4);
  if (headerLength + 4 > data.length) {
    throw new LifeboatError("CORRUPT", `${where} is truncated: its header claims ${headerLength} bytes of ${data.length}`, { field: "pack", value: pack });
  }
  const sealed = data.subarray(data.length - 4 - headerLength, data.length - 4);
  const header = Buffer.from(openWithKey(key, sealed, headerAad(pack), `${where} header`));
  const entries: IndexEntry[] = [];
  for (let at = 0; at < header.length; at += ENTRY_BYTES) entries.push(readEntry(header, at, where));
  const blobsEnd = data.length - 4 - headerLength;
  for (const entry of entries) {
    if (entry.offset + entry.length > blobsEnd) {
      throw new LifeboatError("CORRUPT", `${where}: blob ${entry.id} runs past the pack's data`, { field: "pack", value: pack });
    }
  }
  return entries;
}
