// Content ids: the keyed BLAKE3-256 of a blob's plaintext. Keyed, so equal content gets one id
// within a repository (and so across every cluster that writes to it) while someone who can list
// the repository cannot confirm a guess at a file's content by hashing it.
import { Blake3Hasher } from "@napi-rs/blake-hash";
import { LifeboatError } from "../../errors/index.js";

export type ContentId = string & { readonly __brand: "ContentId" };

/** What a blob holds; kept in the index so maintenance can tell file data from listings. */
export type ContentKind = "data" | "tree" | "item" | "meta" | "items";

// Appended only: an index entry stores its kind as the position here.
export const CONTENT_KINDS: readonly ContentKind[] = ["data", "tree", "item", "meta", "items"];
export const CONTENT_ID_BYTES = 32;

const CONTENT_ID_PATTERN = /^[0-9a-f]{64}$/;

export function isContentId(value: unknown): value is ContentId {
  return typeof value === "string" && CONTENT_ID_PATTERN.test(value);
}

/** Validates text from outside (a CLI argument, a decoded record). */
export function parseContentId(value: string, field = "content"): ContentId {
  if (!isContentId(value)) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} "${value}" is not a content id: expected 64 lowercase hex characters`, { field, value });
  }
  return value;
}

export function contentIdBytes(id: ContentId): Buffer {
  return Buffer.from(id, "hex");
}

export function contentIdFromBytes(bytes: Uint8Array): ContentId {
  return Buffer.from(bytes.buffer, bytes.byteOffset, CONTENT_ID_BYTES).toString("hex") as ContentId;
}

/** Hashes plaintext into content ids under the repository's content-id key. Not shared between threads. */
export class ContentHasher {
  readonly #hasher: Blake3Hasher;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new LifeboatError("INTERNAL", `content id key must be 32 bytes, got ${key.length}`);
    this.#hasher = Blake3Hasher.newKeyed(Buffer.from(key));
  }

  idOf(data: Uint8Array): ContentId {
    // reset() keeps the key (BLAKE3 keyed mode), so one hasher serves every blob.
    this.#hasher.reset();
    this.#hasher.update(data);
    return this.#hasher.digest("hex") as ContentId;
  }
}
