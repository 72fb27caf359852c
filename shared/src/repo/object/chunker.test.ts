import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createChunker, type ChunkerOptions } from "./chunker.js";
import { seededBytes } from "../../testing/seeded-bytes.js";

const small: ChunkerOptions = { minSize: 2 * 1024, avgSize: 8 * 1024, maxSize: 32 * 1024 };
const tiny: ChunkerOptions = { minSize: 64, avgSize: 256, maxSize: 1024 };

/** Deterministic pseudo-random bytes (xorshift32), so golden boundaries never depend on a library. */
function chunkAll(data: Uint8Array, options: ChunkerOptions, readSizes: number[] = [data.length]): Uint8Array[] {
  const chunker = createChunker(options);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (let r = 0; offset < data.length; r++) {
    const size = Math.max(1, readSizes[r % readSizes.length]!);
    // A reused read buffer, overwritten after each push, proves chunks are copies.
    const buf = data.slice(offset, offset + size);
    chunks.push(...createChunksCopy(chunker.push(buf)));
    buf.fill(0xee);
    offset += size;
  }
  const last = chunker.finish();
  if (last) chunks.push(last);
  return chunks;
}

const createChunksCopy = (chunks: Uint8Array[]) => chunks;

function concat(chunks: Uint8Array[]): Uint8Array {
  return Buffer.concat(chunks);
}

const lengths = (chunks: Uint8Array[]) => chunks.map((c) => c.length);
const hashOf = (c: Uint8Array) => createHash("sha256").update(c).digest("hex");

const inputArb = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  length: fc.integer({ min: 0, max: 40_000 }),
});

describe("createChunker", () => {
  it("joins chunks back to the input, and keeps sizes within [min, max] except the last", () => {
    fc.assert(
      fc.property(inputArb, ({ seed, length }) => {
        const data = seededBytes(seed, length);
        const chunks = chunkAll(data, tiny);
        expect(Buffer.compare(concat(chunks), data)).toBe(0);
        chunks.forEach((c, i) => {
          expect(c.length).toBeLessThanOrEqual(1024);
          if (i < chunks.length - 1) expect(c.length).toBeGreaterThanOrEqual(64);
          else expect(c.length).toBeGreaterThan(0);
        });
      }),
    );
  });

  it("finds the same boundaries however the input is split into reads", () => {
    fc.assert(
      fc.property(inputArb, fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 8 }), ({ seed, length }, reads) => {
        const data = seededBytes(seed, length);
        expect(lengths(chunkAll(data, tiny, reads))).toEqual(lengths(chunkAll(data, tiny)));
      }),
    );
  });

  it("cuts low-entropy input (all zeros) at fixed sizes within bounds", () => {
    const chunks = chunkAll(new Uint8Array(100_000), small, [4096]);
    expect(concat(chunks).length).toBe(100_000);
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(2048);
  });

  it("changes only the chunks near an insertion early in the input", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        (seed, at, inserted) => {
          const data = seededBytes(seed, 400_000);
          const edited = Buffer.concat([data.subarray(0, at), inserted, data.subarray(at)]);
          const before = new Set(chunkAll(data, small).map(hashOf));
          const after = chunkAll(edited, small).map(hashOf);
          const fresh = after.filter((h) => !before.has(h)).length;
          // Usually 1-2 chunks change; a cut that moves can now and then ripple a few chunks on.
          expect(fresh).toBeLessThanOrEqual(8);
          expect(after.length - fresh).toBeGreaterThan(before.size - 10);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("keeps its pinned boundaries with small sizes (a change here is a chunk format change)", () => {
    const sizes = lengths(chunkAll(seededBytes(42, 256 * 1024), small, [10_000]));
    expect(sizes).toMatchInlineSnapshot(`
      [
        8560,
        8216,
        9493,
        5808,
        8464,
        17885,
        9277,
        13827,
        7435,
        8945,
        3902,
        9339,
        11286,
        11346,
        9323,
        11029,
        8728,
        8838,
        8644,
        8492,
        9030,
        9987,
        8544,
        9883,
        8335,
        8813,
        9743,
        8457,
        515,
      ]
    `);
  });

  it("keeps its pinned boundaries with the default sizes on 16 MiB", () => {
    const sizes = lengths(chunkAll(seededBytes(7, 16 * 1024 * 1024), {}, [4 * 1024 * 1024]));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(16 * 1024 * 1024);
    expect(sizes).toMatchInlineSnapshot(`
      [
        1471851,
        1422845,
        1096635,
        429560,
        1351711,
        957136,
        2075613,
        1127610,
        1216223,
        1540703,
        1334111,
        1069533,
        1683685,
      ]
    `);
  });

  it("rejects sizes out of order", () => {
    expect(() => createChunker({ minSize: 4096, avgSize: 1024, maxSize: 8192 })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT", field: "chunker" }),
    );
  });
});
