import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { collect, describeStorageConformance } from "../../testing/storage-conformance.js";
import { FilesystemStorage } from "./filesystem-storage.js";

describeStorageConformance("FilesystemStorage", async () => {
  const root = await mkdtemp(join(tmpdir(), "lifeboat-storage-"));
  const storage = new FilesystemStorage(root);
  return { storage, cleanup: async () => (await storage.close(), rm(root, { recursive: true, force: true })) };
});

describe("FilesystemStorage on disk", () => {
  const roots: string[] = [];
  const makeRoot = async () => {
    const root = await mkdtemp(join(tmpdir(), "lifeboat-storage-"));
    roots.push(root);
    return root;
  };
  afterEach(async () => {
    for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
  });

  it("keeps each blob as a plain file at its name and leaves no temporary file", async () => {
    const root = await makeRoot();
    const storage = new FilesystemStorage(root);
    await storage.put("packs/3f/3f9a", Uint8Array.of(1, 2, 3));
    expect(await readdir(join(root, "packs", "3f"))).toEqual(["3f9a"]);
  });

  it("leaves a leftover temporary file out of listings", async () => {
    const root = await makeRoot();
    const storage = new FilesystemStorage(root);
    await storage.put("index/a", Uint8Array.of(1));
    // What a crash between write and rename leaves behind.
    await writeFile(join(root, "index", ".b.tmp-0123456789abcdef"), "partial");
    expect((await collect(storage.list(""))).map((b) => b.name)).toEqual(["index/a"]);
  });

  it("refuses a name shaped like its own temporary files", async () => {
    const storage = new FilesystemStorage(await makeRoot());
    await expect(storage.put("index/.b.tmp-0123456789abcdef", Uint8Array.of(1))).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("answers FAILED_PRECONDITION when a blob would need to be a directory too", async () => {
    const storage = new FilesystemStorage(await makeRoot());
    await storage.put("a", Uint8Array.of(1));
    await expect(storage.put("a/b", Uint8Array.of(2))).rejects.toMatchObject({ code: "FAILED_PRECONDITION", value: "a/b" });
    expect(await storage.get("a")).toEqual(Uint8Array.of(1));
    expect(await storage.head("a/b")).toBeUndefined();
    await expect(storage.get("a/b")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lists nothing, and does not fail, before the root directory exists", async () => {
    const storage = new FilesystemStorage(join(await makeRoot(), "not-yet"));
    expect(await collect(storage.list(""))).toEqual([]);
    expect(storage.description).toMatch(/^file:\/\/\/.*not-yet$/);
  });
});
