// Where one blob lives, as pack headers and index blobs record it. Both use the same 46-byte
// binary row so an index can be rebuilt from pack headers alone.
import { LifeboatError } from "../../errors/index.js";
import { CONTENT_ID_BYTES, CONTENT_KINDS, contentIdBytes, contentIdFromBytes, type ContentId, type ContentKind } from "./content-id.js";

export interface IndexEntry {
  id: ContentId;
  kind: ContentKind;
  /** The sealed body is zstd-compressed. */
  compressed: boolean;
  /** Byte range of the sealed blob in its pack. */
  offset: number;
  length: number;
  /** Plaintext length. */
  rawLength: number;
}

export const ENTRY_BYTES = CONTENT_ID_BYTES + 2 + 12;

export function writeEntry(entry: IndexEntry, out: Buffer, at: number): number {
  contentIdBytes(entry.id).copy(out, at);
  out[at + 32] = CONTENT_KINDS.indexOf(entry.kind);
  out[at + 33] = entry.compressed ? 1 : 0;
  out.writeUInt32LE(entry.offset, at + 34);
  out.writeUInt32LE(entry.length, at + 38);
  out.writeUInt32LE(entry.rawLength, at + 42);
  return at + ENTRY_BYTES;
}

/** Reads one row; `where` names the pack or index for the error when the row is malformed. */
export function readEntry(bytes: Buffer, at: number, where: string): IndexEntry {
  if (at + ENTRY_BYTES > bytes.length) throw new LifeboatError("CORRUPT", `${where} is truncated: entry at byte ${at} runs past its end`);
  const kind = CONTENT_KINDS[bytes[at + 32]!];
  if (!kind) throw new LifeboatError("CORRUPT", `${where} has an entry of unknown kind ${bytes[at + 32]}`);
  return {
    id: contentIdFromBytes(bytes.subarray(at, at + 32)),
    kind,
    compressed: (bytes[at + 33]! & 1) === 1,
    offset: bytes.readUInt32LE(at + 34),
    length: bytes.readUInt32LE(at + 38),
    rawLength: bytes.readUInt32LE(at + 42),
  };
}
