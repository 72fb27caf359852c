// The benchmark's dataset: deterministic (same seed, same bytes, same names), written fast.
// Each file has its own byte stream, seeded from the dataset seed and the file's index, so no
// two files share content and deduplication finds only what a real dataset would (nothing,
// here). Choices (which files, which offsets) come from xorshift128; bulk bytes from an
// AES-128-CTR keystream under a key made of the seed, which OpenSSL produces at GB/s where a
// JavaScript PRNG manages a few hundred MB/s.
import { createCipheriv } from "node:crypto";
import { writeFileSync } from "node:fs";
import { mkdir, open, readdir, rm, stat, utimes } from "node:fs/promises";
import path from "node:path";

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** xorshift128: 2^128 − 1 period, a handful of instructions per 32 bits. */
export class XorShift128 {
  private x: number;
  private y: number;
  private z: number;
  private w: number;

  constructor(seed: number) {
    // splitmix32 spreads a small seed over the four words (an all-zero state would stick).
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let t = s ^ (s >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.x = next();
    this.y = next();
    this.z = next();
    this.w = next() | 1;
  }

  next(): number {
    const t = this.x ^ (this.x << 11);
    this.x = this.y;
    this.y = this.z;
    this.z = this.w;
    this.w = (this.w ^ (this.w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return this.w;
  }

  /** Uniform in [0, n). */
  below(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n);
  }

  /** Fills `into` with random bytes (4 at a time through a 32-bit view where aligned). */
  fill(into: Uint8Array): void {
    const words = Math.floor(into.length / 4);
    const view = into.byteOffset % 4 === 0 ? new Uint32Array(into.buffer, into.byteOffset, words) : undefined;
    let i = 0;
    if (view) for (; i < words; i++) view[i] = this.next();
    for (let b = i * 4; b < into.length; b += 4) {
      const r = this.next();
      for (let k = 0; k < 4 && b + k < into.length; k++) into[b + k] = (r >>> (8 * k)) & 0xff;
    }
  }
}

// Text-like blocks: words drawn from a small vocabulary (8 random bits per word), like logs or
// source code; zstd gets about 4:1 on them. Random blocks do not compress at all.
const WORDS = (() => {
  const base =
    "the of and to in is for on that with as by at from this be are or an it not was which have has can will error info debug warn request response status pod node cluster namespace backup restore snapshot volume secret config map service deployment container image replica label annotation timeout retry success failure true false null value key name id time date user host port path file size count total".split(
      " ",
    );
  const words: Buffer[] = [];
  for (let i = 0; i < 256; i++) {
    const w = base[i % base.length]!;
    const suffix = i < base.length ? "" : String(i);
    words.push(Buffer.from(`${w}${suffix}${i % 13 === 0 ? "\n" : i % 7 === 0 ? ", " : " "}`));
  }
  return words;
})();

// The vocabulary laid out flat: word i is FLAT[START[i] .. START[i + 1]).
const FLAT = new Uint8Array(Buffer.concat(WORDS));
const START = (() => {
  const start = new Int32Array(WORDS.length + 1);
  for (let i = 0; i < WORDS.length; i++) start[i + 1] = start[i]! + WORDS[i]!.length;
  return start;
})();

const ZEROS = new Uint8Array(64 * KiB);

/** A deterministic stream of pseudo-random bytes (AES-128-CTR over zeros, keyed by the seed). */
export class ByteStream {
  private readonly cipher: ReturnType<typeof createCipheriv>;

  constructor(seed: number) {
    const rng = new XorShift128(seed);
    const key = Buffer.alloc(16);
    for (let i = 0; i < 16; i += 4) key.writeUInt32LE(rng.next(), i);
    this.cipher = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  }

  /** Fills `into` with the next bytes of the stream. */
  fill(into: Uint8Array): void {
    for (let at = 0; at < into.length; at += ZEROS.length) {
      const n = Math.min(ZEROS.length, into.length - at);
      into.set(this.cipher.update(ZEROS.subarray(0, n)), at);
    }
  }

  /** The next `n` bytes (n ≤ 64 KiB). */
  take(n: number): Buffer {
    return this.cipher.update(ZEROS.subarray(0, n));
  }
}

function fillText(stream: ByteStream, into: Uint8Array): void {
  let at = 0;
  const end = into.length;
  while (at < end) {
    // Words average about 7 bytes: one random byte per word, drawn a block at a time.
    const choices = stream.take(Math.min(ZEROS.length, Math.ceil((end - at) / 5) + 16));
    for (let c = 0; c < choices.length && at < end; c++) {
      const w = choices[c]!;
      const stop = START[w + 1]!;
      for (let j = START[w]!; j < stop && at < end; j++) into[at++] = FLAT[j]!;
    }
  }
}

/** Content is decided per block of this size: random with probability RANDOM_SHARE, else text-like. */
const BLOCK = 16 * KiB;
/** Tuned so zstd -3 compresses the whole to about 2:1 (see BENCHMARKS.md). */
export const RANDOM_SHARE = 0.3;

/** Fills `into` with semi-compressible content from `stream`. */
export function fillSemiCompressible(stream: ByteStream, into: Uint8Array): void {
  for (let at = 0; at < into.length; at += BLOCK) {
    const block = into.subarray(at, Math.min(at + BLOCK, into.length));
    if (stream.take(1)[0]! < RANDOM_SHARE * 256) stream.fill(block);
    else fillText(stream, block);
  }
}

export interface DatasetSpec {
  /** Multiplies the file counts and the big file's size (fractions shrink them). */
  scale: number;
  seed: number;
  /** When set: only this many 100-byte files, 1,000 per directory, and nothing else. */
  tinyFiles?: number;
}

export interface DatasetFile {
  /** Relative to the dataset root. */
  rel: string;
  size: number;
  /** Index in the population: seeds the file's content. */
  index: number;
}

export interface Dataset {
  root: string;
  spec: DatasetSpec;
  /** Every file, the big one first. */
  files: DatasetFile[];
  /** The files `mutate` picks from: all but the big one. */
  population: DatasetFile[];
  totalBytes: number;
  /** How many times `mutate` has run (seeds which files it picks next). */
  generation: number;
}

const FILES_PER_DIR = 1000;
const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** The file list for `spec`, without touching the disk. */
export function plan(spec: DatasetSpec): DatasetFile[] {
  const files: DatasetFile[] = [];
  let index = 0;
  const group = (dir: string, count: number, size: number, perDir: number) => {
    const width = String(Math.max(0, count - 1)).length;
    for (let i = 0; i < count; i++) {
      const sub = pad(Math.floor(i / perDir), 4);
      files.push({ rel: path.join(dir, sub, `f${pad(i, width)}.dat`), size, index: index++ });
    }
  };
  if (spec.tinyFiles !== undefined) {
    group("tiny", spec.tinyFiles, 100, FILES_PER_DIR);
    return files;
  }
  const bigSize = Math.max(MiB, Math.round((GiB * spec.scale) / MiB) * MiB);
  files.push({ rel: "big.dat", size: bigSize, index: index++ });
  group("medium", Math.max(1, Math.round(1000 * spec.scale)), MiB, 100);
  group("small", Math.max(1, Math.round(20000 * spec.scale)), 4 * KiB, FILES_PER_DIR);
  return files;
}

function seedOf(spec: DatasetSpec, index: number, generation = 0): number {
  return (spec.seed * 0x9e3779b1 + index * 0x85ebca6b + generation * 0xc2b2ae35) >>> 0;
}

const WRITE_BUFFER = 16 * MiB;

async function writeFile(file: string, size: number, stream: ByteStream, buffer: Uint8Array): Promise<void> {
  const handle = await open(file, "w");
  try {
    for (let written = 0; written < size; ) {
      const n = Math.min(buffer.length, size - written);
      const part = buffer.subarray(0, n);
      fillSemiCompressible(stream, part);
      await handle.write(part, 0, n);
      written += n;
    }
  } finally {
    await handle.close();
  }
}

/** Writes the dataset under `root` (created; must not hold anything else). */
export async function generate(root: string, spec: DatasetSpec, log: (line: string) => void = () => undefined): Promise<Dataset> {
  const files = plan(spec);
  await mkdir(root, { recursive: true });
  const buffer = new Uint8Array(WRITE_BUFFER);
  const dirs = new Set(files.map((f) => path.dirname(f.rel)));
  for (const dir of dirs) await mkdir(path.join(root, dir), { recursive: true });
  let done = 0;
  let bytes = 0;
  const small = files.filter((f) => f.size <= 64 * KiB);
  const large = files.filter((f) => f.size > 64 * KiB);
  for (const f of large) {
    await writeFile(path.join(root, f.rel), f.size, new ByteStream(seedOf(spec, f.index)), buffer);
    bytes += f.size;
    if (++done % 200 === 0) log(`  ${done}/${files.length} files, ${(bytes / MiB).toFixed(0)} MiB`);
  }
  // Small files synchronously: an open-write-close each, cheaper than a round trip through
  // libuv's thread pool when there are millions of them.
  let content = new Uint8Array(0);
  for (const f of small) {
    if (content.length !== f.size) content = new Uint8Array(f.size);
    fillSemiCompressible(new ByteStream(seedOf(spec, f.index)), content);
    writeFileSync(path.join(root, f.rel), content);
    if (++done % 100_000 === 0) log(`  ${done}/${files.length} files`);
  }
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  return { root, spec, files, population: files.filter((f) => f.rel !== "big.dat"), totalBytes, generation: 0 };
}

/**
 * Changes `fraction` of the population (at least one file), picked deterministically: a region
 * of each (up to 64 KiB, at a random offset) is rewritten with new content, the size is kept,
 * and the mtime moves forward by at least a second whatever the clock's granularity.
 * Returns the files changed.
 */
export async function mutate(dataset: Dataset, fraction: number): Promise<DatasetFile[]> {
  dataset.generation += 1;
  const { population } = dataset;
  const count = Math.min(population.length, Math.max(1, Math.round(population.length * fraction)));
  const rng = new XorShift128(seedOf(dataset.spec, 0x7fff_ffff, dataset.generation));
  // Partial Fisher–Yates over indices: the first `count` are the pick.
  const order = population.map((_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.below(order.length - i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const picked = order.slice(0, count).map((i) => population[i]!);
  for (const f of picked) {
    const file = path.join(dataset.root, f.rel);
    const before = await stat(file);
    const length = Math.min(f.size, 64 * KiB);
    const offset = f.size === length ? 0 : rng.below(Math.floor((f.size - length) / 4096) + 1) * 4096;
    const content = new Uint8Array(length);
    fillSemiCompressible(new ByteStream(seedOf(dataset.spec, f.index, dataset.generation)), content);
    const handle = await open(file, "r+");
    try {
      await handle.write(content, 0, length, offset);
    } finally {
      await handle.close();
    }
    const mtime = new Date(Math.max(Date.now(), before.mtimeMs + 1000));
    await utimes(file, mtime, mtime);
  }
  return picked;
}

/** Sum of the sizes of every regular file under `dir` (apparent size, as a repository's objects). */
export async function treeBytes(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.isFile()) {
        bytes += (await stat(p)).size;
        files += 1;
      }
    }
  };
  await walk(dir);
  return { bytes, files };
}

export async function removeDataset(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}
