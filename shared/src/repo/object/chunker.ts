import { LifeboatError } from "../../errors/index.js";

/**
 * Content-defined chunking, FastCDC style: a gear rolling hash over each chunk, with normalised
 * chunking (a harder mask before the average size, an easier one after it) so sizes cluster near
 * the average. Boundaries depend only on the bytes, never on how the input was split into reads,
 * so an insertion early in a file changes only the chunks around it.
 *
 * The hash is 32 bits wide (`h = (h << 1) + gear[byte]`), so it spans the last 32 bytes; the masks
 * test its top bits, which depend on the most bytes. A 32-bit hash keeps the hot loop in V8's small
 * integers, which is what makes it run at memory speed. The gear table, the masks and the rules
 * below are the chunk format: changing any of them changes every boundary (see the golden test).
 */

export interface ChunkerOptions {
  /** Smallest chunk, except a file's last. Default 256 KiB. */
  minSize?: number;
  /** Target average; rounded to a power of two for the masks. Default 1 MiB. */
  avgSize?: number;
  /** Largest chunk. Default 4 MiB. */
  maxSize?: number;
}

export interface Chunker {
  /**
   * Feeds the next bytes; returns the chunks completed by them, each a fresh copy the caller owns
   * (so `buf` may be reused as soon as push returns).
   */
  push(buf: Uint8Array): Uint8Array[];
  /** The last, possibly short, chunk; undefined if nothing is pending. The chunker is then reset. */
  finish(): Uint8Array | undefined;
}

export const defaultChunkerOptions: Required<ChunkerOptions> = {
  minSize: 256 * 1024,
  avgSize: 1024 * 1024,
  maxSize: 4 * 1024 * 1024,
};

/** Bytes the hash spans; hashing starts this far before minSize so a cut at minSize is content-defined. */
const hashWindow = 32;
/** Normalisation level 2 (FastCDC paper, section 3.3): masks 2 bits harder and 2 bits easier than the average. */
const normalisation = 2;

/**
 * 256 fixed pseudo-random words (a splitmix32 sequence from a fixed seed). Part of the chunk format.
 * Int32Array, not Uint32Array: values stay small integers in V8 instead of becoming doubles.
 */
const gear: Int32Array = (() => {
  const table = new Int32Array(256);
  let state = 0x4c1f_eb0a;
  for (let i = 0; i < 256; i++) {
    state = (state + 0x9e37_79b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85eb_ca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2_ae35);
    table[i] = z ^ (z >>> 16);
  }
  return table;
})();

function topBitsMask(bits: number): number {
  return bits <= 0 ? 0 : bits >= 32 ? -1 : (-1 << (32 - bits)) | 0;
}

function validate(options: ChunkerOptions): Required<ChunkerOptions> {
  const o = { ...defaultChunkerOptions, ...options };
  const ok =
    Number.isSafeInteger(o.minSize) && Number.isSafeInteger(o.avgSize) && Number.isSafeInteger(o.maxSize) &&
    o.minSize >= 64 && o.minSize <= o.avgSize && o.avgSize <= o.maxSize && o.maxSize <= 2 ** 30;
  if (!ok) {
    throw new LifeboatError(
      "INVALID_ARGUMENT",
      `chunker sizes min ${o.minSize} / avg ${o.avgSize} / max ${o.maxSize} are invalid: need integers with 64 <= min <= avg <= max <= 1 GiB`,
      { field: "chunker", value: `${o.minSize}/${o.avgSize}/${o.maxSize}` },
    );
  }
  return o;
}

export function createChunker(options: ChunkerOptions = {}): Chunker {
  const { minSize, avgSize, maxSize } = validate(options);
  const bits = Math.round(Math.log2(avgSize));
  const maskS = topBitsMask(bits + normalisation);
  const maskL = topBitsMask(bits - normalisation);
  const hashStart = Math.max(0, minSize - hashWindow);
  const table = gear;

  // The current chunk's bytes from earlier pushes, copied because the caller reuses its buffers.
  let carry: Uint8Array = new Uint8Array(0);
  let carryLength = 0;
  // Bytes in the current chunk so far (carried and scanned), and the hash over them.
  let length = 0;
  let hash = 0;

  /** Scans buf[start, end) continuing the current chunk; returns the cut index (exclusive) or -1. */
  function scan(buf: Uint8Array, start: number, end: number): number {
    // Locals, not closure variables, in the hot loops: V8 keeps them in registers.
    const t = table;
    const ms = maskS;
    const ml = maskL;
    const d = length - start; // chunk length after consuming buf[i - 1] is i + d
    let h = hash;
    let i = start;
    // Bytes before hashStart cannot influence a cut: skip them unread.
    if (i + d < hashStart) i = Math.min(end, hashStart - d);
    let limit = Math.min(end, minSize - 1 - d);
    while (i < limit) {
      h = ((h << 1) + t[buf[i]!]!) | 0;
      i++;
    }
    limit = Math.min(end, avgSize - d);
    while (i < limit) {
      h = ((h << 1) + t[buf[i]!]!) | 0;
      i++;
      if ((h & ms) === 0) return cutAt(i);
    }
    limit = Math.min(end, maxSize - d);
    while (i < limit) {
      h = ((h << 1) + t[buf[i]!]!) | 0;
      i++;
      if ((h & ml) === 0) return cutAt(i);
    }
    if (i + d >= maxSize) return cutAt(i);
    hash = h;
    length = i + d;
    return -1;
  }

  function cutAt(i: number): number {
    hash = 0;
    length = 0;
    return i;
  }

  function takeChunk(buf: Uint8Array, start: number, end: number): Uint8Array {
    // allocUnsafeSlow: every chunk gets its own ArrayBuffer (never a slice of Node's shared pool),
    // so the content layer may keep or transfer it; no zero-fill since every byte is written.
    const chunk: Uint8Array = Buffer.allocUnsafeSlow(carryLength + end - start);
    if (carryLength > 0) chunk.set(carry.subarray(0, carryLength), 0);
    chunk.set(buf.subarray(start, end), carryLength);
    carryLength = 0;
    return chunk;
  }

  function keep(buf: Uint8Array, start: number, end: number): void {
    const needed = carryLength + end - start;
    if (needed > carry.length) {
      // Exact size at first: a small file's only chunk is then handed over by finish() as is.
      const grown: Uint8Array = Buffer.allocUnsafeSlow(carryLength === 0 ? needed : Math.min(maxSize, Math.max(needed, carry.length * 2)));
      grown.set(carry.subarray(0, carryLength));
      carry = grown;
    }
    carry.set(buf.subarray(start, end), carryLength);
    carryLength = needed;
  }

  return {
    push(buf) {
      const chunks: Uint8Array[] = [];
      let start = 0;
      while (start < buf.length) {
        const cut = scan(buf, start, buf.length);
        if (cut < 0) {
          keep(buf, start, buf.length);
          break;
        }
        chunks.push(takeChunk(buf, start, cut));
        start = cut;
      }
      return chunks;
    },
    finish() {
      let rest: Uint8Array | undefined;
      if (carryLength > 0 && carryLength === carry.length) {
        rest = carry; // the caller owns it now
        carry = new Uint8Array(0);
      } else if (carryLength > 0) {
        rest = takeChunk(carry, 0, 0);
      }
      carryLength = 0;
      length = 0;
      hash = 0;
      return rest;
    },
  };
}
