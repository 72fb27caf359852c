import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BlobStorage } from "../repo/storage/blob-storage.js";

export interface StorageUnderTest {
  storage: BlobStorage;
  /** Closes the storage and frees what it holds where that matters (a temp dir; an in-memory server's bucket can stay). */
  cleanup: () => Promise<void>;
}

const MiB = 1024 * 1024;
// S3 lists at most 1000 keys per page; more than that makes listing cross a page boundary.
const MANY_BLOBS = 1100;

/**
 * The behaviour every BlobStorage backend must share. `makeStorage` is called once per test
 * and must return an empty storage.
 */
export function describeStorageConformance(name: string, makeStorage: () => Promise<StorageUnderTest>): void {
  describe(`${name} conforms to BlobStorage`, () => {
    const withStorage = (test: (storage: BlobStorage) => Promise<void>) => async () => {
      const { storage, cleanup } = await makeStorage();
      try {
        await test(storage);
      } finally {
        await cleanup();
      }
    };

    it(
      "reads back empty, one-byte and 9 MiB blobs byte for byte",
      withStorage(async (storage) => {
        const blobs: Array<[string, Uint8Array]> = [
          ["empty", new Uint8Array(0)],
          ["one", Uint8Array.of(0xa5)],
          ["large", new Uint8Array(randomBytes(9 * MiB))],
        ];
        for (const [blob, data] of blobs) await storage.put(blob, data);
        for (const [blob, data] of blobs) {
          expect(Buffer.from(await storage.get(blob)).equals(Buffer.from(data)), blob).toBe(true);
          expect((await storage.head(blob))?.size).toBe(data.length);
        }
      }),
    );

    it(
      "replaces a blob on a second put",
      withStorage(async (storage) => {
        await storage.put("config", new TextEncoder().encode("first, longer version"));
        await storage.put("config", new TextEncoder().encode("second"));
        expect(new TextDecoder().decode(await storage.get("config"))).toBe("second");
        expect((await storage.head("config"))?.size).toBe(6);
      }),
    );

    it(
      "reads ranges at the start, middle and end, and refuses ranges past the end",
      withStorage(async (storage) => {
        const data = new Uint8Array(randomBytes(10_000));
        await storage.put("packs/ab/range", data);
        const slice = async (offset: number, length: number) => Buffer.from(await storage.getRange("packs/ab/range", offset, length));
        expect(await slice(0, 100)).toEqual(Buffer.from(data.subarray(0, 100)));
        expect(await slice(4321, 1234)).toEqual(Buffer.from(data.subarray(4321, 5555)));
        expect(await slice(9_900, 100)).toEqual(Buffer.from(data.subarray(9_900)));
        expect(await slice(0, 10_000)).toEqual(Buffer.from(data));
        expect((await slice(500, 0)).length).toBe(0);
        await expect(storage.getRange("packs/ab/range", 9_990, 11)).rejects.toMatchObject({ code: "CORRUPT", field: "blob" });
        await expect(storage.getRange("packs/ab/range", 20_000, 10)).rejects.toMatchObject({ code: "CORRUPT" });
        await expect(storage.getRange("packs/ab/range", -1, 10)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      }),
    );

    it(
      "heads a blob with its size and the medium's recent time, and a missing one as undefined",
      withStorage(async (storage) => {
        const before = Date.now();
        await storage.put("index/0001", new Uint8Array(1234));
        const info = await storage.head("index/0001");
        expect(info).toMatchObject({ name: "index/0001", size: 1234 });
        // The medium's clock, so allow for skew and second-granular timestamps.
        expect(Math.abs(info!.modified.getTime() - before)).toBeLessThan(5 * 60_000);
        expect(await storage.head("index/0002")).toBeUndefined();
      }),
    );

    it(
      "lists exactly the blobs under a prefix, with their sizes",
      withStorage(async (storage) => {
        const names = ["a/1", "a/2", "ab", "b/c/d", "b/cd", "top"];
        for (const [i, blob] of names.entries()) await storage.put(blob, new Uint8Array(i));
        const listed = async (prefix: string) => (await collect(storage.list(prefix))).map((b) => `${b.name}:${b.size}`).sort();
        expect(await listed("a/")).toEqual(["a/1:0", "a/2:1"]);
        expect(await listed("a")).toEqual(["a/1:0", "a/2:1", "ab:2"]);
        expect(await listed("b/c")).toEqual(["b/c/d:3", "b/cd:4"]);
        expect(await listed("b/c/")).toEqual(["b/c/d:3"]);
        expect(await listed("")).toEqual(["a/1:0", "a/2:1", "ab:2", "b/c/d:3", "b/cd:4", "top:5"]);
        expect(await listed("missing/")).toEqual([]);
      }),
    );

    it(
      `lists all of ${MANY_BLOBS} blobs under one prefix`,
      withStorage(async (storage) => {
        const names = Array.from({ length: MANY_BLOBS }, (_, i) => `many/${String(i).padStart(5, "0")}`);
        await inParallel(names, 16, (blob) => storage.put(blob, Uint8Array.of(1, 2, 3)));
        await storage.put("other", new Uint8Array(1));
        const listed = await collect(storage.list("many/"));
        expect(listed.map((b) => b.name).sort()).toEqual(names);
        expect(listed.every((b) => b.size === 3)).toBe(true);
      }),
    );

    it(
      "deletes a blob, and deleting a missing blob succeeds",
      withStorage(async (storage) => {
        await storage.put("locks/writer", new Uint8Array(8));
        await storage.delete("locks/writer");
        expect(await storage.head("locks/writer")).toBeUndefined();
        expect(await collect(storage.list("locks/"))).toEqual([]);
        await expect(storage.get("locks/writer")).rejects.toMatchObject({ code: "NOT_FOUND" });
        await storage.delete("locks/writer");
        await storage.delete("never/was");
      }),
    );

    it(
      "answers NOT_FOUND naming the blob and the storage for get and getRange of a missing blob",
      withStorage(async (storage) => {
        for (const call of [storage.get("packs/00/missing"), storage.getRange("packs/00/missing", 0, 10)]) {
          const err = await call.then(
            () => undefined,
            (e: unknown) => e as { code: string; field: string; value: string; message: string },
          );
          expect(err).toMatchObject({ code: "NOT_FOUND", field: "blob", value: "packs/00/missing" });
          expect(err?.message).toContain("packs/00/missing");
          expect(err?.message).toContain(storage.description);
        }
      }),
    );

    it(
      "refuses invalid names with INVALID_ARGUMENT and writes nothing",
      withStorage(async (storage) => {
        const invalid = ["", "/abs", "a//b", "a/", "../x", "a/../b", "./a", "a\\b", "sp ace", "tab\t", "é"];
        for (const blob of invalid) {
          await expect(storage.put(blob, new Uint8Array(1)), JSON.stringify(blob)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "blob" });
          await expect(storage.get(blob)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
          await expect(storage.head(blob)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
          await expect(storage.delete(blob)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
        }
        await expect(collect(storage.list("../"))).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "prefix" });
        expect(await collect(storage.list(""))).toEqual([]);
      }),
    );

    it(
      "stores names with nested directories",
      withStorage(async (storage) => {
        const blob = "backups/2026-11-24/cluster-a/manifest";
        await storage.put(blob, new TextEncoder().encode("nested"));
        expect(new TextDecoder().decode(await storage.get(blob))).toBe("nested");
        expect((await collect(storage.list("backups/"))).map((b) => b.name)).toEqual([blob]);
      }),
    );

    it(
      "reads back the last write of every name byte for byte, and lists exactly the names written",
      withStorage(async (storage) => {
        // Two segments each, so no name is also another's directory (a filesystem cannot hold both).
        const segment = fc.stringMatching(/^[a-z0-9_-][a-z0-9._-]{0,11}$/);
        const writes = fc.array(fc.tuple(segment, segment, fc.uint8Array({ maxLength: 4096 })), { maxLength: 12 });
        let run = 0;
        await fc.assert(
          fc.asyncProperty(writes, async (list) => {
            const root = `run-${run++}/`;
            const last = new Map<string, Uint8Array>();
            for (const [dir, file, data] of list) {
              await storage.put(`${root}${dir}/${file}`, data);
              last.set(`${root}${dir}/${file}`, data);
            }
            for (const [blob, data] of last) expect(Buffer.from(await storage.get(blob)).equals(Buffer.from(data))).toBe(true);
            const listed = (await collect(storage.list(root))).map((b) => b.name).sort();
            expect(listed).toEqual([...last.keys()].sort());
          }),
          { numRuns: 25 },
        );
      }),
    );

    it(
      "leaves one whole value after concurrent puts of the same name",
      withStorage(async (storage) => {
        const values = Array.from({ length: 6 }, (_, i) => new Uint8Array(256 * 1024).fill(i + 1));
        await Promise.all(values.map((value) => storage.put("race", value)));
        const read = await storage.get("race");
        expect(read.length).toBe(256 * 1024);
        expect(read.every((byte) => byte === read[0])).toBe(true);
        expect((await collect(storage.list(""))).map((b) => b.name)).toEqual(["race"]);
      }),
    );
  });
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function inParallel<T>(items: T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: width }, worker));
}
