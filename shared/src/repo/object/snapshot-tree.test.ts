import { mkdir, mkdtemp, rm, symlink, writeFile, utimes, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestContentStore, type TestContentStore } from "../../testing/content-store-fixture.js";
import type { ContentId, ContentKind } from "./content-access.js";
import { snapshotTree } from "./snapshot-tree.js";
import { decodeTreeListing } from "./tree-listing.js";

const chunker = { minSize: 1024, avgSize: 4096, maxSize: 16 * 1024 };

/** Counts the contents each kind receives, storing them in the real test store. */
function counting(store: TestContentStore) {
  const puts: Record<ContentKind, number> = { data: 0, tree: 0, item: 0, meta: 0, items: 0 };
  return {
    puts,
    putContent(kind: ContentKind, data: Uint8Array) {
      puts[kind]++;
      return store.putContent(kind, data);
    },
    getContent: (id: ContentId) => store.getContent(id),
  };
}

describe("snapshotTree", () => {
  let dir: string;
  let source: string;
  let store: TestContentStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "lifeboat-snapshot-"));
    source = join(dir, "source");
    store = await openTestContentStore();
    await mkdir(join(source, "docs", "deep"), { recursive: true });
    await writeFile(join(source, "a.txt"), "alpha");
    await writeFile(join(source, "docs", "big.bin"), Buffer.alloc(100_000, 7).map((_, i) => (i * 31) & 0xff));
    await writeFile(join(source, "docs", "deep", "empty"), "");
    await symlink("../a.txt", join(source, "docs", "link"));
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("lists entries sorted, with symlink targets, empty files and nested directories", async () => {
    const { tree, stats } = await snapshotTree(source, { content: store, chunker });
    const root = decodeTreeListing(await store.getContent(tree));
    expect(root.entries.map((e) => [e.name, e.type])).toEqual([["a.txt", "file"], ["docs", "dir"]]);
    const docs = decodeTreeListing(await store.getContent(root.entries[1]!.subtree!));
    expect(docs.entries.map((e) => [e.name, e.type, e.target])).toEqual([
      ["big.bin", "file", undefined], ["deep", "dir", undefined], ["link", "symlink", "../a.txt"],
    ]);
    expect(docs.entries[0]!.content!.length).toBeGreaterThan(3);
    expect(stats).toMatchObject({ files: 3, dirs: 2, symlinks: 1, bytes: 100_005, reusedFiles: 0 });
  });

  it("reuses the parent's content ids for unchanged files without reading them", async () => {
    const first = await snapshotTree(source, { content: store, chunker });
    const writer = counting(store);
    const second = await snapshotTree(source, { content: writer, chunker, parent: first.tree });
    expect(writer.puts.data).toBe(0);
    expect(second.stats).toMatchObject({ files: 3, reusedFiles: 3, readBytes: 0, reusedBytes: 100_005 });
    expect(second.tree).toBe(first.tree);
  });

  it("reads a file again when it changed, even with size and mtime kept", async () => {
    const first = await snapshotTree(source, { content: store, chunker });
    const path = join(source, "docs", "big.bin");
    const before = await stat(path);
    await writeFile(path, Buffer.alloc(100_000, 9));
    await utimes(path, before.atime, before.mtime); // the ctime still moves
    const writer = counting(store);
    const second = await snapshotTree(source, { content: writer, chunker, parent: first.tree });
    expect(second.stats).toMatchObject({ files: 3, reusedFiles: 2, readBytes: 100_000 });
    expect(writer.puts.data).toBeGreaterThan(0);
    expect(second.tree).not.toBe(first.tree);
  });

  it("walks a new directory without a parent entry and reports progress", async () => {
    const first = await snapshotTree(source, { content: store, chunker });
    await mkdir(join(source, "new"));
    await writeFile(join(source, "new", "f"), "fresh");
    const seen: number[] = [];
    const second = await snapshotTree(source, { content: store, chunker, parent: first.tree, progress: (s) => seen.push(s.files) });
    expect(second.stats).toMatchObject({ files: 4, reusedFiles: 3, readBytes: 5 });
    expect(seen.at(-1)).toBe(4);
  });

  it("rejects a root that is not a directory", async () => {
    await expect(snapshotTree(join(source, "a.txt"), { content: store })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "root" });
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(snapshotTree(source, { content: store, signal: controller.signal })).rejects.toThrow();
  });

  it("handles a directory of many small files with the same listing order at any concurrency", async () => {
    const many = join(source, "many");
    await mkdir(many);
    await Promise.all(Array.from({ length: 300 }, (_, i) => writeFile(join(many, `f${i}`), `file ${i}`)));
    const one = await snapshotTree(source, { content: store, concurrency: 1 });
    const sixteen = await snapshotTree(source, { content: store, concurrency: 16 });
    expect(sixteen.tree).toBe(one.tree);
    expect(sixteen.stats.files).toBe(303);
  });
});
