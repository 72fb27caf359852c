import { randomBytes } from "node:crypto";
import { readFile, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitSnapshot, makeRepository, writeTree, type RepositoryFixture } from "../../testing/repository-fixture.js";
import { packBlobName, type ContentId } from "../content/index.js";
import { checkRepository } from "./check.js";
import { rebuildIndex } from "./rebuild-index.js";

let fixture: RepositoryFixture;
let snapshot: { name: string; tree: ContentId };
let pack: string;
let content: ContentId;

beforeEach(async () => {
  fixture = await makeRepository();
  await writeTree(join(fixture.dir, "src"), { "a.bin": randomBytes(150_000), "dir/b.txt": "hello\n".repeat(1000) });
  const repo = await fixture.open();
  snapshot = await commitSnapshot(repo, join(fixture.dir, "src"));
  await repo.close();
  const reader = await fixture.open({ write: false });
  const data = [...reader.content.index.entries()].find((entry) => entry.kind === "data")!;
  pack = data.pack;
  content = data.id;
  await reader.close();
});
afterEach(async () => {
  await fixture.cleanup();
});

async function check(readData: boolean, subset?: number) {
  const repo = await fixture.open({ write: false });
  try {
    return await checkRepository(repo, { readData, subset });
  } finally {
    await repo.close();
  }
}

describe("checkRepository", () => {
  it("finds nothing wrong in a sound repository, and reads every pack with --read-data", async () => {
    const report = await check(true);
    expect(report.problems).toEqual([]);
    expect(report.records).toBe(1);
    expect(report.packsRead).toBe(report.packs);
    expect(report.bytesRead).toBeGreaterThan(150_000);
  });

  it("reads about the asked share of packs with a subset", async () => {
    const report = await check(true, 0.25);
    expect(report.packsRead).toBe(Math.ceil(report.packs * 0.25));
  });

  it("names a missing pack, its contents and the snapshot it damages", async () => {
    await fixture.storage.delete(packBlobName(pack as never));
    const report = await check(false);
    expect(report.problems).toContainEqual(
      expect.objectContaining({ pack, message: expect.stringMatching(/missing/), records: [snapshot.name], contents: expect.arrayContaining([content]) }),
    );
  });

  it("names a truncated pack without reading data", async () => {
    await truncate(join(fixture.dir, "repo", packBlobName(pack as never)), 10);
    const report = await check(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ pack, message: expect.stringMatching(/truncated/), records: [snapshot.name] }));
  });

  it("finds a flipped byte only when reading data, naming pack, content and snapshot", async () => {
    const path = join(fixture.dir, "repo", packBlobName(pack as never));
    const bytes = await readFile(path);
    const repo = await fixture.open({ write: false });
    const { offset } = repo.content.locate(content)!;
    await repo.close();
    bytes[offset + 20]! ^= 0xff;
    await writeFile(path, bytes);
    expect((await check(false)).problems).toEqual([]);
    const report = await check(true);
    expect(report.problems).toContainEqual(
      expect.objectContaining({ pack, message: expect.stringMatching(/fail to decrypt or verify/), contents: [content], records: [snapshot.name] }),
    );
  });

  it("reports a corrupt index blob and the contents it no longer indexes", async () => {
    const names: string[] = [];
    for await (const blob of fixture.storage.list("index/")) names.push(blob.name);
    for (const name of names) await writeFile(join(fixture.dir, "repo", name), randomBytes(64));
    const repo = await fixture.open({ write: false, onCorruptIndex: () => undefined });
    const report = await checkRepository(repo, {});
    await repo.close();
    expect(report.problems).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/^index blob index\/.* cannot be read/) }));
    expect(report.problems).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/not in the index/), records: [snapshot.name] }));
    expect(report.warnings.join(" ")).toMatch(/packs are in no index/);
  });
});

describe("rebuildIndex", () => {
  it("indexes from the pack headers what a lost index named, so the snapshot restores and checks clean again", async () => {
    for await (const blob of fixture.storage.list("index/")) await fixture.storage.delete(blob.name);
    const broken = await check(false);
    expect(broken.problems.length).toBeGreaterThan(0);

    const repo = await fixture.open({ write: false });
    const report = await rebuildIndex(repo);
    await repo.close();
    expect(report.packsRead).toBe(report.packs);
    expect(report.contentsIndexed).toBeGreaterThan(2);
    expect(report.unreadable).toEqual([]);
    expect((await check(true)).problems).toEqual([]);
  });

  it("reports a pack whose header does not open and indexes the rest", async () => {
    for await (const blob of fixture.storage.list("index/")) await fixture.storage.delete(blob.name);
    await truncate(join(fixture.dir, "repo", packBlobName(pack as never)), 10);
    const repo = await fixture.open({ write: false });
    const report = await rebuildIndex(repo);
    await repo.close();
    expect(report.unreadable).toEqual([expect.stringContaining(pack)]);
    expect(report.packsRead).toBe(report.packs);
    expect(report.contentsIndexed).toBeGreaterThan(0);
  });

  it("reads nothing when every pack is indexed", async () => {
    const repo = await fixture.open({ write: false });
    const report = await rebuildIndex(repo);
    await repo.close();
    expect(report).toMatchObject({ packsRead: 0, contentsIndexed: 0, unreadable: [] });
    expect(report.indexBlob).toBeUndefined();
  });
});
