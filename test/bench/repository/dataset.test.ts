import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ByteStream, fillSemiCompressible, generate, mutate, plan } from "./dataset.js";
import { which } from "./tools.js";
import { digestTree } from "./verify.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "lifeboat-dataset-test-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha1 = (b: Uint8Array) => createHash("sha1").update(b).digest("hex");

describe("dataset", () => {
  it("plans the issue's dataset at scale 1: 1 GiB + 1,000 × 1 MiB + 20,000 × 4 KiB", () => {
    const files = plan({ scale: 1, seed: 1 });
    expect(files).toHaveLength(21_001);
    expect(files.reduce((s, f) => s + f.size, 0)).toBe(2 ** 30 + 1000 * 2 ** 20 + 20_000 * 4096);
    expect(new Set(files.map((f) => f.rel)).size).toBe(files.length);
    expect(plan({ scale: 1, seed: 1, tinyFiles: 2500 }).map((f) => f.size)).toEqual(Array(2500).fill(100));
  });

  it("is deterministic per seed and differs between streams", () => {
    const a = new Uint8Array(100_000);
    const b = new Uint8Array(100_000);
    fillSemiCompressible(new ByteStream(7), a);
    fillSemiCompressible(new ByteStream(7), b);
    expect(sha1(a)).toBe(sha1(b));
    fillSemiCompressible(new ByteStream(8), b);
    expect(sha1(a)).not.toBe(sha1(b));
  });

  it.skipIf(!which("zstd"))("compresses about 2:1 with zstd -3", () => {
    const data = new Uint8Array(8 * 2 ** 20);
    fillSemiCompressible(new ByteStream(3), data);
    const compressed = spawnSync("zstd", ["-3", "-c"], { input: data, maxBuffer: 64 * 2 ** 20 });
    expect(compressed.status).toBe(0);
    const ratio = data.length / compressed.stdout.length;
    expect(ratio).toBeGreaterThan(1.6);
    expect(ratio).toBeLessThan(2.6);
  });

  it("generates the same tree twice, and mutate changes the picked files' content and mtime but not their size", async () => {
    const spec = { scale: 0.005, seed: 1 };
    const one = await generate(path.join(dir, "one"), spec);
    const two = await generate(path.join(dir, "two"), spec);
    const before = await digestTree(one.root);
    expect(await digestTree(two.root)).toEqual(before);

    const statsBefore = new Map(await Promise.all(one.population.map(async (f) => [f.rel, await stat(path.join(one.root, f.rel))] as const)));
    const changed = await mutate(one, 0.1);
    expect(changed.length).toBe(Math.round(one.population.length * 0.1));
    const after = await digestTree(one.root);
    for (const f of changed) {
      const now = await stat(path.join(one.root, f.rel));
      expect(now.size).toBe(f.size);
      expect(now.mtimeMs).toBeGreaterThan(statsBefore.get(f.rel)!.mtimeMs);
      expect(after.get(f.rel)).not.toBe(before.get(f.rel));
    }
    const untouched = one.population.filter((f) => !changed.includes(f));
    for (const f of untouched) expect(after.get(f.rel)).toBe(before.get(f.rel));
    // The same generation of changes picks the same files.
    const again = await mutate(two, 0.1);
    expect(again.map((f) => f.rel)).toEqual(changed.map((f) => f.rel));
    expect(await readFile(path.join(two.root, changed[0]!.rel))).toEqual(await readFile(path.join(one.root, changed[0]!.rel)));
  });
});
