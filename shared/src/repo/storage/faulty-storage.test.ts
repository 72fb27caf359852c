import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LifeboatError } from "../../errors/index.js";
import { FaultyStorage } from "./faulty-storage.js";
import { FilesystemStorage } from "./filesystem-storage.js";

describe("FaultyStorage", () => {
  let root: string;
  let inner: FilesystemStorage;
  let faulty: FaultyStorage;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "lifeboat-faulty-"));
    inner = new FilesystemStorage(root);
    faulty = new FaultyStorage(inner);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("fails puts of matching names after the first three, and only those", async () => {
    faulty.inject({ operation: "put", matches: (name) => name.startsWith("packs/"), after: 3, times: Infinity });
    for (let i = 0; i < 3; i++) await faulty.put(`packs/00/${i}`, Uint8Array.of(i));
    await expect(faulty.put("packs/00/3", Uint8Array.of(3))).rejects.toMatchObject({ code: "UNAVAILABLE", retryable: true, value: "packs/00/3" });
    await expect(faulty.put("packs/00/4", Uint8Array.of(4))).rejects.toMatchObject({ code: "UNAVAILABLE" });
    await faulty.put("index/0", Uint8Array.of(9));
    expect(await inner.head("packs/00/3")).toBeUndefined();
    expect(await inner.head("index/0")).toBeDefined();
    expect(faulty.calls("put")).toBe(6);
    expect(faulty.fired).toBe(2);
  });

  it("fails only the Nth call once, then lets calls through", async () => {
    await inner.put("a", Uint8Array.of(1));
    faulty.inject({ operation: "get", after: 1, error: (name) => new LifeboatError("INTERNAL", `boom on ${name}`) });
    expect(await faulty.get("a")).toEqual(Uint8Array.of(1));
    await expect(faulty.get("a")).rejects.toMatchObject({ code: "INTERNAL", message: "boom on a" });
    expect(await faulty.get("a")).toEqual(Uint8Array.of(1));
  });

  it("writes the blob and still fails when the acknowledgement is lost", async () => {
    faulty.inject({ operation: "put", afterWrite: true });
    await expect(faulty.put("manifest", Uint8Array.of(5))).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(await inner.get("manifest")).toEqual(Uint8Array.of(5));
  });

  it("truncates gets and ranged gets", async () => {
    await inner.put("pack", Uint8Array.of(1, 2, 3, 4, 5, 6));
    faulty.inject({ operation: "get", truncateTo: 2 }).inject({ operation: "getRange", truncateTo: 1 });
    expect(await faulty.get("pack")).toEqual(Uint8Array.of(1, 2));
    expect(await faulty.getRange("pack", 2, 3)).toEqual(Uint8Array.of(3));
    expect(await faulty.get("pack")).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6));
  });

  it("fails listings and deletes, and clear() removes pending faults", async () => {
    faulty.inject({ operation: "list" }).inject({ operation: "delete", times: 5 });
    await expect(async () => {
      for await (const _ of faulty.list("")) void _;
    }).rejects.toMatchObject({ code: "UNAVAILABLE" });
    await expect(faulty.delete("x")).rejects.toMatchObject({ code: "UNAVAILABLE" });
    faulty.clear();
    await faulty.delete("x");
    expect(faulty.description).toBe(inner.description);
  });
});
