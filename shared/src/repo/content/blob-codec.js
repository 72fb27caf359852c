// Sealing and opening blobs: zstd, then AES-256-GCM with the content id as associated data.
// Plain JavaScript because worker threads load it directly, from src/ under test and from dist/
// after the build alike; blob-codec.d.ts gives its types. The content pool runs these functions
// in worker threads, or inline when it is given no workers.
import { createCipheriv, createDecipheriv, randomFillSync } from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const zstd = require("zstd-napi");
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
  return { level, hasher, encryptionKey };
}

function asBuffer(bytes) {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function maybeCompress(codec, data) {
  if (data.length < MIN_COMPRESS_BYTES) return undefined;
  const packed = zstd.compress(data, { compressionLevel: codec.level });
  // Keep the compressed form only when it saves at least 1/16: incompressible data is stored raw.
  return packed.length <= data.length - (data.length >> 4) ? packed : undefined;
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
  const bodies = [];
  const compressed = [];
  let total = 0;
  for (const part of parts) {
    const plain = asBuffer(part);
    const packed = maybeCompress(codec, plain);
    const body = packed ?? plain;
    bodies.push(body);
    compressed.push(packed !== undefined);
    total += body.length + NONCE_BYTES + TAG_BYTES;
  }
  // Not allocUnsafe: its small buffers share a pool, and this one's memory is transferred away.
  const out = Buffer.allocUnsafeSlow(total);
  const sealedLengths = new Uint32Array(parts.length);
  const flags = new Uint8Array(parts.length);
  let pos = 0;
  for (let i = 0; i < bodies.length; i++) {
    flags[i] = compressed[i] ? 1 : 0;
    sealedLengths[i] = encryptInto(codec, bodies[i], asBuffer(ids.subarray(i * ID_BYTES, (i + 1) * ID_BYTES)), out, pos);
    pos += sealedLengths[i];
  }
  return { data: out, lengths: sealedLengths, flags };
}

/** Writes the content id of `data` (keyed BLAKE3) into `out` at `at`. */
export function hashInto(codec, data, out, at) {
  codec.hasher.reset();
  codec.hasher.update(data);
  codec.hasher.digestBuffer().copy(out, at);
}

function decrypt(codec, sealed, aad) {
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", codec.encryptionKey, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const out = Buffer.allocUnsafe(body.length);
  let pos = 0;
  for (let i = 0; i < body.length; i += CIPHER_SLICE) {
    pos += decipher.update(body.subarray(i, i + CIPHER_SLICE)).copy(out, pos);
  }
  decipher.final();
  return out;
}

/**
 * Opens a batch sealed by sealBatch. A blob that fails authentication, decompression or the
 * id check is reported in `failures` as [index, reason] and yields zero bytes; the rest succeed.
 */
export function openBatch(codec, input, lengths, ids, flags) {
  const data = asBuffer(input);
  const plains = [];
  const failures = [];
  let total = 0;
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    const sealed = data.subarray(at, at + lengths[i]);
    at += lengths[i];
    const id = asBuffer(ids.subarray(i * ID_BYTES, (i + 1) * ID_BYTES));
    let plain = Buffer.alloc(0);
    try {
      if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new Error("shorter than a sealed blob");
      const body = decrypt(codec, sealed, id);
      plain = flags[i] & 1 ? zstd.decompress(body) : body;
      // Only the key holder can forge a tag, so this catches our own bugs rather than attacks.
      codec.hasher.reset();
      codec.hasher.update(plain);
      if (!codec.hasher.digestBuffer().equals(id)) throw new Error("its plaintext does not hash to its id");
    } catch (err) {
      failures.push([i, err instanceof Error && err.message.includes("authenticate") ? "failed authentication" : String(err?.message ?? err)]);
      plain = Buffer.alloc(0);
    }
    plains.push(plain);
    total += plain.length;
  }
  const plainLengths = new Uint32Array(lengths.length);
  // One blob that owns its whole memory goes back as it is, without another copy.
  const only = plains.length === 1 ? plains[0] : undefined;
  if (only && only.byteOffset === 0 && only.byteLength === only.buffer.byteLength && only.byteLength > 0) {
    plainLengths[0] = only.length;
    return { data: only, lengths: plainLengths, failures };
  }
  const out = Buffer.allocUnsafeSlow(total);
  let pos = 0;
  for (let i = 0; i < plains.length; i++) {
    plainLengths[i] = plains[i].copy(out, pos);
    pos += plainLengths[i];
  }
  return { data: out, lengths: plainLengths, failures };
}
