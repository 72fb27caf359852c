import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FaultyStorage } from "../storage/faulty-storage.js";
import { FilesystemStorage } from "../storage/filesystem-storage.js";
import { ContentStore, type ContentKeys } from "./content-store.js";
import { packBlobName } from "./pack-format.js";

let dir: string;
let storage: FilesystemStorage;
const keys: ContentKeys = { contentIdKey: randomBytes(32), encryptionKey: randomBytes(32) };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-content-"));
  storage = new FilesystemStorage(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function blobNames(prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of storage.list(prefix)) names.push(blob.name);
  return names.sort();
}

function compressible(size: number): Uint8Array {
  return Buffer.from("lifeboat keeps clusters afloat. ".repeat(Math.ceil(size / 32)).slice(0, size));
}

describe.each([0, 2])("ContentStore with %i workers", (workers) => {
  it("reads back every blob byte for byte, from memory before flush and from packs after", async () => {
    const store = await ContentStore.open(storage, keys, { workers, packSize: 256 * 1024 });
    const blobs = [new Uint8Array(0), Uint8Array.of(7), compressible(100), compressible(1 << 20), randomBytes(700_000)];
    const ids = await Promise.all(blobs.map((blob) => store.putContent("data", blob)));
    for (const [i, id] of ids.entries()) expect(Buffer.from(await store.getContent(id)).equals(Buffer.from(blobs[i]!))).toBe(true);
    await store.close();

    const reopened = await ContentStore.open(storage, keys, { workers });
    for (const [i, id] of ids.entries()) expect(Buffer.from(await reopened.getContent(id)).equals(Buffer.from(blobs[i]!))).toBe(true);
    expect(reopened.locate(ids[3]!)).toMatchObject({ kind: "data", compressed: true, rawLength: 1 << 20 });
    expect(reopened.locate(ids[4]!)).toMatchObject({ compressed: false, rawLength: 700_000 });
    await reopened.close();
  });
});

describe("ContentStore", () => {
  it("stores equal content once, within a writer and across writers", async () => {
    const first = await ContentStore.open(storage, keys, { workers: 0 });
    const a = await first.putContent("data", compressible(5000));
    const b = await first.putContent("data", compressible(5000));
    expect(b).toBe(a);
    await first.close();
    expect(first.stats).toMatchObject({ newBlobs: 1, reusedBlobs: 1 });
    const packsBefore = await blobNames("packs/");

    const second = await ContentStore.open(storage, keys, { workers: 0 });
    expect(await second.putContent("item", compressible(5000))).toBe(a);
    await second.close();
    expect(second.stats).toMatchObject({ newBlobs: 0, reusedBlobs: 1 });
    expect(await blobNames("packs/")).toEqual(packsBefore);
  });

  it("gives different ids under different keys, so content cannot be guessed across repositories", async () => {
    const other = new FilesystemStorage(join(dir, "other"));
    const one = await ContentStore.open(storage, keys, { workers: 0 });
    const two = await ContentStore.open(other, { contentIdKey: randomBytes(32), encryptionKey: randomBytes(32) }, { workers: 0 });
    expect(await one.putContent("data", compressible(10))).not.toBe(await two.putContent("data", compressible(10)));
    await Promise.all([one.close(), two.close()]);
  });

  it("fills packs to their size and indexes them in index blobs", async () => {
    const store = await ContentStore.open(storage, keys, { workers: 2, packSize: 64 * 1024, packsPerIndex: 4 });
    for (let i = 0; i < 40; i++) await store.putContent("data", randomBytes(20_000));
    await store.close();
    expect((await blobNames("packs/")).length).toBeGreaterThanOrEqual(10);
    expect((await blobNames("index/")).length).toBeGreaterThanOrEqual(3);
    expect(store.index.size).toBe(40);
  });

  it("stores no plaintext: a repeated marker in the input does not appear in any pack", async () => {
    const marker = "SECRET-PASSWORD-IN-A-CONFIGMAP";
    const store = await ContentStore.open(storage, keys, { workers: 0 });
    await store.putContent("item", Buffer.from(`{"data":{"password":"${marker}"}}`));
    await store.putContent("data", randomBytes(10)); // an incompressible blob, stored raw but still encrypted
    await store.close();
    for (const name of await blobNames("")) expect((await readFile(join(dir, name))).includes(marker)).toBe(false);
  });

  it("names the pack and the content when a pack byte is flipped", async () => {
    const store = await ContentStore.open(storage, keys, { workers: 0 });
    const id = await store.putContent("data", compressible(50_000));
    await store.close();
    const location = store.locate(id)!;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: location.length - 1 }), async (at) => {
        const path = join(dir, packBlobName(location.pack));
        const original = await readFile(path);
        const damaged = Buffer.from(original);
        damaged[location.offset + at]! ^= 0x01;
        await writeFile(path, damaged);
        const reader = await ContentStore.open(storage, keys, { workers: 0, cachedPacks: 0 });
        const error = await reader.getContent(id).catch((err: unknown) => err);
        await writeFile(path, original);
        await reader.close();
        expect(error).toMatchObject({ code: "CORRUPT" });
        expect(String((error as Error).message)).toContain(location.pack);
        expect(String((error as Error).message)).toContain(id);
      }),
      { numRuns: 25 },
    );
  });

  it("reports a missing or truncated pack as corrupt content naming the pack", async () => {
    const store = await ContentStore.open(storage, keys, { workers: 0 });
    const id = await store.putContent("data", compressible(50_000));
    await store.close();
    const { pack } = store.locate(id)!;
    const { offset, length } = store.locate(id)!;
    await truncate(join(dir, packBlobName(pack)), offset + length - 1);
    for (const cachedPacks of [0, 4]) {
      const reader = await ContentStore.open(storage, keys, { workers: 0, cachedPacks });
      await expect(reader.getContent(id)).rejects.toMatchObject({ code: "CORRUPT", message: expect.stringContaining(pack) });
      await reader.close();
    }
    await storage.delete(packBlobName(pack));
    const reader = await ContentStore.open(storage, keys, { workers: 0 });
    await expect(reader.getContent(id)).rejects.toMatchObject({ code: "CORRUPT", message: expect.stringMatching(/missing/) });
    await reader.close();
  });

  it("says content is not found when its index blob was deleted", async () => {
    const store = await ContentStore.open(storage, keys, { workers: 0 });
    const id = await store.putContent("data", compressible(10_000));
    await store.close();
    for (const name of await blobNames("index/")) await storage.delete(name);
    const reader = await ContentStore.open(storage, keys, { workers: 0 });
    await expect(reader.getContent(id)).rejects.toMatchObject({ code: "NOT_FOUND", field: "content", value: id });
    await reader.close();
  });

  it("fails flush when a pack upload fails, and indexes nothing it did not store", async () => {
    const faulty = new FaultyStorage(storage).inject({ operation: "put", matches: (name) => name.startsWith("packs/"), after: 1, times: Infinity });
    const store = await ContentStore.open(faulty, keys, { workers: 0, packSize: 32 * 1024 });
    let failed: unknown;
    try {
      for (let i = 0; i < 8; i++) await store.putContent("data", randomBytes(20_000));
      await store.flush();
    } catch (err) {
      failed = err;
    }
    await store.abort();
    expect(failed).toMatchObject({ code: "UNAVAILABLE" });
    const reader = await ContentStore.open(storage, keys, { workers: 0 });
    const packs = new Set((await blobNames("packs/")).map((name) => name.split("/")[2]));
    for (const pack of reader.index.packs()) expect(packs.has(pack)).toBe(true);
    await reader.close();
  });

  it("refuses an index sealed under another key", async () => {
    const store = await ContentStore.open(storage, keys, { workers: 0 });
    await store.putContent("data", compressible(100));
    await store.close();
    await expect(ContentStore.open(storage, { contentIdKey: randomBytes(32), encryptionKey: randomBytes(32) })).rejects.toMatchObject({
      code: "CORRUPT",
      message: expect.stringContaining("index"),
    });
    expect((await readdir(dir)).sort()).toEqual(["index", "packs"]);
  });
});
