// Sealing and opening blobs: zstd, then AES-256-GCM with the content id as associated data.
// Plain JavaScript because worker threads load it directly, from src/ under test and from dist/
// after the build alike; blob-codec.d.ts gives its types. The content pool runs these functions
// in worker threads, or inline when it is given no workers.
import { createCipheriv, createDecipheriv, randomFillSync } from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
// The low-level contexts write into buffers we own, so each thread reuses its scratch memory.
const { CCtx, DCtx, compressBound, getFrameContentSize } = require("zstd-napi/binding");
const { Blake3Hasher } = require("@napi-rs/blake-hash");

export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const ID_BYTES = 32;
// Below this, a zstd frame's own overhead eats any gain.
const MIN_COMPRESS_BYTES = 64;
// GCM runs several times faster fed in slices than as one large update (measured on Node 20).
const CIPHER_SLICE = 64 * 1024;

/** Encoder state for one thread: keys and a reusable hasher. */
export function createCodec(keys, options = {}) {
  const level = options.compressionLevel ?? 3;
  const hasher = Blake3Hasher.newKeyed(Buffer.from(keys.contentIdKey));
  const encryptionKey = Buffer.from(keys.encryptionKey);
  // Scratch buffers reused by openInScratch: fresh large buffers cost a page fault per 4 KiB.
  return { level, hasher, encryptionKey, cctx: new CCtx(), dctx: new DCtx(), packedScratch: Buffer.alloc(0), bodyScratch: Buffer.alloc(0), plainScratch: Buffer.alloc(0) };
}

function scratch(codec, name, length) {
  if (codec[name].length < length) codec[name] = Buffer.allocUnsafeSlow(Math.max(length, codec[name].length * 2, 64 * 1024));
  return codec[name].subarray(0, length);
}

function asBuffer(bytes) {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The compressed form of `data` in scratch memory (valid until the next call), or undefined to store it raw. */
function maybeCompress(codec, data) {
  if (data.length < MIN_COMPRESS_BYTES) return undefined;
  const dest = scratch(codec, "packedScratch", compressBound(data.length));
  const length = codec.cctx.compress(dest, data, codec.level);
  // Keep the compressed form only when it saves at least 1/16: incompressible data is stored raw.
  return length <= data.length - (data.length >> 4) ? dest.subarray(0, length) : undefined;
}

function encryptInto(codec, plain, aad, out, at) {
  const nonce = out.subarray(at, at + NONCE_BYTES);
  randomFillSync(nonce);
  const cipher = createCipheriv("aes-256-gcm", codec.encryptionKey, nonce);
  cipher.setAAD(aad);
  let pos = at + NONCE_BYTES;
  for (let i = 0; i < plain.length; i += CIPHER_SLICE) {
    pos += cipher.update(plain.subarray(i, i + CIPHER_SLICE)).copy(out, pos);
  }
  pos += cipher.final().copy(out, pos);
  cipher.getAuthTag().copy(out, pos);
  return pos + TAG_BYTES - at;
}

/**
 * Seals a batch: `data` holds the plaintexts back to back (`lengths`), `ids` their 32-byte ids.
 * Returns the sealed blobs back to back, their lengths, and a compressed flag per blob.
 */
export function sealBatch(codec, input, lengths, ids) {
  const data = asBuffer(input);
  const parts = [];
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    parts.push(data.subarray(at, at + lengths[i]));
    at += lengths[i];
  }
  return sealParts(codec, parts, ids);
}

/** As sealBatch, for plaintexts in separate buffers (chunks of a file, sealed where they were cut). */
export function sealParts(codec, parts, ids) {
  let bound = 0;
  for (const part of parts) bound += part.length + NONCE_BYTES + TAG_BYTES;
  // Room for every blob stored raw: pages a compressed batch leaves untouched are never faulted in.
  // Not allocUnsafe: its small buffers share a pool, and this one's memory is transferred away.
  const out = Buffer.allocUnsafeSlow(bound);
  const sealedLengths = new Uint32Array(parts.length);
  const flags = new Uint8Array(parts.length);
  let pos = 0;
  for (let i = 0; i < parts.length; i++) {
    const plain = asBuffer(parts[i]);
    const packed = maybeCompress(codec, plain);
    flags[i] = packed === undefined ? 0 : 1;
    sealedLengths[i] = encryptInto(codec, packed ?? plain, asBuffer(ids.subarray(i * ID_BYTES, (i + 1) * ID_BYTES)), out, pos);
    pos += sealedLengths[i];
  }
  return { data: out.subarray(0, pos), lengths: sealedLengths, flags };
}

/** Writes the content id of `data` (keyed BLAKE3) into `out` at `at`. */
export function hashInto(codec, data, out, at) {
  codec.hasher.reset();
  codec.hasher.update(data);
  codec.hasher.digestBuffer().copy(out, at);
}

function decryptInto(codec, sealed, aad, out) {
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", codec.encryptionKey, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  let pos = 0;
  for (let i = 0; i < body.length; i += CIPHER_SLICE) {
    pos += decipher.update(body.subarray(i, i + CIPHER_SLICE)).copy(out, pos);
  }
  decipher.final();
  return out.subarray(0, pos);
}

/**
 * Opens one sealed blob into this thread's scratch memory: the result is valid only until the
 * codec's next open, so the caller writes or copies it first. Throws with the reason on failure.
 */
export function openInScratch(codec, sealed, id, compressed) {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new Error("shorter than a sealed blob");
  const bodyLength = sealed.length - NONCE_BYTES - TAG_BYTES;
  let plain;
  if (compressed) {
    const body = decryptInto(codec, sealed, id, scratch(codec, "bodyScratch", bodyLength));
    const size = getFrameContentSize(body);
    if (size === null) throw new Error("its compressed frame does not state its size");
    plain = scratch(codec, "plainScratch", size);
    if (codec.dctx.decompress(plain, body) !== size) throw new Error("it decompresses to a size other than its frame states");
  } else {
    plain = decryptInto(codec, sealed, id, scratch(codec, "plainScratch", bodyLength));
  }
  // Only the key holder can forge a tag, so this catches our own bugs rather than attacks.
  codec.hasher.reset();
  codec.hasher.update(plain);
  if (!codec.hasher.digestBuffer().equals(id)) throw new Error("its plaintext does not hash to its id");
  return plain;
}

/** The reason an open failed, as openBatch reports it. */
export function openFailure(err) {
  return err instanceof Error && err.message.includes("authenticate") ? "failed authentication" : String(err?.message ?? err);
}

/**
 * Opens a batch sealed by sealBatch. A blob that fails authentication, decompression or the
 * id check is reported in `failures` as [index, reason] and yields zero bytes; the rest succeed.
 */
export function openBatch(codec, input, lengths, ids, flags) {
  const data = asBuffer(input);
  const failures = [];
  const plainLengths = new Uint32Array(lengths.length);
  // Not allocUnsafe: its small buffers share a pool, and this one's memory is transferred away.
  let out = Buffer.allocUnsafeSlow(Math.max(data.length + (data.length >> 1), 64));
  let pos = 0;
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    const sealed = data.subarray(at, at + lengths[i]);
    at += lengths[i];
    try {
      const plain = openInScratch(codec, sealed, asBuffer(ids.subarray(i * ID_BYTES, (i + 1) * ID_BYTES)), (flags[i] & 1) === 1);
      if (pos + plain.length > out.length) {
        const grown = Buffer.allocUnsafeSlow(Math.max(out.length * 2, pos + plain.length));
        out.copy(grown, 0, 0, pos);
        out = grown;
      }
      plainLengths[i] = plain.copy(out, pos);
      pos += plainLengths[i];
    } catch (err) {
      failures.push([i, openFailure(err)]);
    }
  }
  return { data: out.subarray(0, pos), lengths: plainLengths, failures };
}
