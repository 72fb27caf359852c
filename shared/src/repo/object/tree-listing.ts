import { LifeboatError } from "../../errors/index.js";
import { isContentId, type ContentId } from "./content-access.js";

/**
 * A directory listing, stored as "tree" content: JSON `{ "entries": [...] }` sorted by name in
 * byte order, so equal directories give equal bytes and so equal ids. Times and inodes are decimal
 * strings because they exceed 2^53 (nanoseconds since 1970; 64-bit inode numbers).
 */

export type EntryType = "file" | "dir" | "symlink" | "other";

export interface TreeEntry {
  /** One path component: not empty, no "/", not "." or "..". */
  name: string;
  type: EntryType;
  /** Permission bits with setuid/setgid/sticky (st_mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Bytes for files and symlinks; 0 for directories (their st_size varies by filesystem). */
  size: number;
  mtimeNs: string;
  ctimeNs: string;
  inode: string;
  /** Files: chunk ids in order. */
  content?: ContentId[];
  /** Directories: the listing of their entries. */
  subtree?: ContentId;
  /** Symlinks: the target, not followed. */
  target?: string;
  /** Extended attributes, base64 values. Not captured yet: Node has no xattr API. */
  xattrs?: Record<string, string>;
}

export interface TreeListing {
  entries: TreeEntry[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Orders names by their UTF-8 bytes (UTF-16 order differs for characters above U+FFFF). */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Encodes a listing; keys in a fixed order so equal listings give equal bytes. Entries must be sorted. */
export function encodeTreeListing(listing: TreeListing): Uint8Array {
  const entries = listing.entries.map((e) => {
    const out: Record<string, unknown> = {
      name: e.name, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, size: e.size,
      mtimeNs: e.mtimeNs, ctimeNs: e.ctimeNs, inode: e.inode,
    };
    if (e.content !== undefined) out.content = e.content;
    if (e.subtree !== undefined) out.subtree = e.subtree;
    if (e.target !== undefined) out.target = e.target;
    if (e.xattrs !== undefined) out.xattrs = e.xattrs;
    return out;
  });
  return encoder.encode(JSON.stringify({ entries }));
}

function corrupt(message: string, value?: string, cause?: unknown): LifeboatError {
  return new LifeboatError("CORRUPT", `tree listing: ${message}`, { field: "tree", value, cause });
}

const types = new Set<string>(["file", "dir", "symlink", "other"]);
const integerString = /^-?[0-9]{1,30}$/;

const isUint32 = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff_ffff;

function decodeEntry(raw: unknown, index: number): TreeEntry {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw corrupt(`entry ${index} is not an object`);
  const e = raw as Record<string, unknown>;
  const name = e.name;
  if (typeof name !== "string" || name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    throw corrupt(`entry ${index} has invalid name ${JSON.stringify(name)}`, String(name));
  }
  const where = `entry "${name}"`;
  if (typeof e.type !== "string" || !types.has(e.type)) throw corrupt(`${where} has unknown type ${JSON.stringify(e.type)}`, name);
  if (!isUint32(e.mode) || e.mode > 0o7777) throw corrupt(`${where} has invalid mode ${JSON.stringify(e.mode)}`, name);
  if (!isUint32(e.uid) || !isUint32(e.gid)) throw corrupt(`${where} has invalid uid/gid`, name);
  if (!Number.isSafeInteger(e.size) || (e.size as number) < 0) throw corrupt(`${where} has invalid size ${JSON.stringify(e.size)}`, name);
  for (const key of ["mtimeNs", "ctimeNs", "inode"] as const) {
    const v = e[key];
    if (typeof v !== "string" || !integerString.test(v)) throw corrupt(`${where} has invalid ${key} ${JSON.stringify(v)}`, name);
  }
  const entry: TreeEntry = {
    name, type: e.type as EntryType, mode: e.mode, uid: e.uid, gid: e.gid, size: e.size as number,
    mtimeNs: e.mtimeNs as string, ctimeNs: e.ctimeNs as string, inode: e.inode as string,
  };
  if (e.type === "file") {
    if (!Array.isArray(e.content) || !e.content.every(isContentId)) throw corrupt(`${where} is a file without valid content ids`, name);
    entry.content = e.content;
  } else if (e.content !== undefined) throw corrupt(`${where} is a ${e.type} with content`, name);
  if (e.type === "dir") {
    if (!isContentId(e.subtree)) throw corrupt(`${where} is a directory without a valid subtree id`, name);
    entry.subtree = e.subtree;
  } else if (e.subtree !== undefined) throw corrupt(`${where} is a ${e.type} with a subtree`, name);
  if (e.type === "symlink") {
    if (typeof e.target !== "string" || e.target === "") throw corrupt(`${where} is a symlink without a target`, name);
    entry.target = e.target;
  } else if (e.target !== undefined) throw corrupt(`${where} is a ${e.type} with a target`, name);
  if (e.xattrs !== undefined) {
    const x = e.xattrs;
    if (typeof x !== "object" || x === null || Array.isArray(x) || !Object.values(x).every((v) => typeof v === "string")) {
      throw corrupt(`${where} has invalid xattrs`, name);
    }
    entry.xattrs = x as Record<string, string>;
  }
  return entry;
}

/** Decodes and validates a listing; throws CORRUPT on anything malformed, unsorted or duplicated. */
export function decodeTreeListing(bytes: Uint8Array): TreeListing {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw corrupt("not UTF-8 JSON", undefined, error);
  }
  if (typeof parsed !== "object" || parsed === null || !Array.isArray((parsed as { entries?: unknown }).entries)) {
    throw corrupt('expected an object with an "entries" array');
  }
  const entries = ((parsed as { entries: unknown[] }).entries).map(decodeEntry);
  for (let i = 1; i < entries.length; i++) {
    if (compareNames(entries[i - 1]!.name, entries[i]!.name) >= 0) {
      throw corrupt(`entries not sorted or duplicated at "${entries[i]!.name}"`, entries[i]!.name);
    }
  }
  return { entries };
}
