import { randomBytes } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitSnapshot, makeRepository, writeTree, type RepositoryFixture } from "../../testing/repository-fixture.js";
import { backupRecordName, putBackupManifest, readItemIndex, writeItemIndex, type BackupItem } from "../manifest/index.js";
import { backupManifest } from "../manifest/test-records.js";
import { restoreTree } from "../object/index.js";
import type { Repository } from "../repository.js";
import { checkRepository } from "./check.js";
import { collectGarbage } from "./collect-garbage.js";

let fixture: RepositoryFixture;
beforeEach(async () => {
  fixture = await makeRepository();
});
afterEach(async () => {
  await fixture.cleanup();
});

async function packCount(): Promise<number> {
  let count = 0;
  for await (const _ of fixture.storage.list("packs/")) count++;
  return count;
}

async function expectRestores(repo: Repository, tree: Parameters<typeof restoreTree>[0], files: Record<string, Buffer>): Promise<void> {
  const target = join(fixture.dir, `restore-${randomBytes(4).toString("hex")}`);
  await restoreTree(tree, target, { content: repo.content });
  for (const [path, data] of Object.entries(files)) expect((await readFile(join(target, path))).equals(data)).toBe(true);
}

describe("collectGarbage", () => {
  it("deletes the packs only a deleted snapshot referenced and keeps every other snapshot whole", async () => {
    const kept = { "a.bin": randomBytes(100_000), "shared.bin": randomBytes(50_000) };
    const dropped = { "b.bin": randomBytes(300_000), "shared.bin": kept["shared.bin"] };
    await writeTree(join(fixture.dir, "kept"), kept);
    await writeTree(join(fixture.dir, "dropped"), dropped);
    const repo = await fixture.open();
    const keep = await commitSnapshot(repo, join(fixture.dir, "kept"));
    await repo.close();
    const writer = await fixture.open();
    const drop = await commitSnapshot(writer, join(fixture.dir, "dropped"));
    await writer.close();
    const before = await packCount();
    await fixture.storage.delete(drop.name);

    const gc = await fixture.open();
    const report = await collectGarbage(gc, { graceMs: 0 });
    await gc.close();
    expect(report.deferred).toBeUndefined();
    expect(report.packsDeleted + report.packsRepacked).toBeGreaterThan(0);
    expect(report.bytesFreed).toBeGreaterThan(250_000);
    expect(await packCount()).toBeLessThan(before);

    const reader = await fixture.open({ write: false });
    await expectRestores(reader, keep.tree, kept);
    expect((await checkRepository(reader, { readData: true })).problems).toEqual([]);
    await reader.close();
  });

  it("keeps a backup's items, reached through its item index pages, until its manifest is deleted", async () => {
    const repo = await fixture.open();
    const items: BackupItem[] = [];
    for (let i = 0; i < 400; i++) {
      const content = await repo.content.putContent("item", Buffer.from(JSON.stringify({ name: `cm-${i}`, data: randomBytes(200).toString("hex") })));
      items.push({ group: "", version: "v1", resource: "configmaps", namespace: "shop", name: `cm-${i}`, content, versions: [{ version: "v1", content }] });
    }
    const itemIndex = await writeItemIndex(repo.content, items, { minItems: 8, maxItems: 64, averageItems: 32 });
    await repo.prepareCommit();
    const manifest = backupManifest({ itemIndex, roots: [] });
    await putBackupManifest(repo.manifests, manifest);
    await repo.close();

    const gc = await fixture.open();
    expect((await collectGarbage(gc, { graceMs: 0 })).packsDeleted).toBe(0);
    await gc.close();
    const reader = await fixture.open({ write: false });
    expect((await checkRepository(reader, { readData: true })).problems).toEqual([]);
    let read = 0;
    for await (const item of readItemIndex(reader.content, itemIndex)) {
      expect(JSON.parse(Buffer.from(await reader.content.getContent(item.content)).toString()).name).toBe(item.name);
      read++;
    }
    expect(read).toBe(400);
    await reader.close();

    await fixture.storage.delete(backupRecordName(manifest.id, "manifest"));
    const after = await fixture.open();
    const report = await collectGarbage(after, { graceMs: 0 });
    await after.close();
    expect(report.packsDeleted + report.packsRepacked).toBeGreaterThan(0);
    expect(await packCount()).toBe(0);
  });

  it("keeps unreferenced packs younger than the grace period", async () => {
    await writeTree(join(fixture.dir, "src"), { "x.bin": randomBytes(200_000) });
    const repo = await fixture.open();
    const snap = await commitSnapshot(repo, join(fixture.dir, "src"));
    await repo.close();
    await fixture.storage.delete(snap.name);
    const before = await packCount();
    const gc = await fixture.open();
    const report = await collectGarbage(gc, { graceMs: 60 * 60_000 });
    await gc.close();
    expect(report.packsDeleted).toBe(0);
    expect(await packCount()).toBe(before);
  });

  it("changes nothing on a dry run", async () => {
    await writeTree(join(fixture.dir, "src"), { "x.bin": randomBytes(200_000) });
    const repo = await fixture.open();
    const snap = await commitSnapshot(repo, join(fixture.dir, "src"));
    await repo.close();
    await fixture.storage.delete(snap.name);
    const names = async (): Promise<string[]> => (await readdir(join(fixture.dir, "repo"), { recursive: true })).sort();
    const before = await names();
    const gc = await fixture.open({ write: false });
    const report = await collectGarbage(gc, { graceMs: 0, dryRun: true });
    await gc.close();
    expect(report).toMatchObject({ dryRun: true });
    expect(report.packsDeleted).toBeGreaterThan(0);
    expect(await names()).toEqual(before);
  });

  it("repacks a mostly-dead pack so the live content survives its deletion", async () => {
    const live = randomBytes(5_000);
    await writeTree(join(fixture.dir, "both"), { "big.bin": randomBytes(40_000), "small.bin": live });
    await writeTree(join(fixture.dir, "small"), { "small.bin": live });
    // One pack holds both files; the snapshot of the small one alone keeps a sliver of it alive.
    const repo = await fixture.open({ packSize: 1 << 20 });
    const both = await commitSnapshot(repo, join(fixture.dir, "both"));
    const small = await commitSnapshot(repo, join(fixture.dir, "small"));
    await repo.close();
    await fixture.storage.delete(both.name);
    const gc = await fixture.open();
    const report = await collectGarbage(gc, { graceMs: 0 });
    await gc.close();
    expect(report.packsRepacked).toBe(1);
    const reader = await fixture.open({ write: false });
    await expectRestores(reader, small.tree, { "small.bin": live });
    expect((await checkRepository(reader, { readData: true })).problems).toEqual([]);
    await reader.close();
  });

  it("defers the sweep while a writer that started before it is running, and sweeps once it ends", async () => {
    await writeTree(join(fixture.dir, "src"), { "x.bin": randomBytes(200_000) });
    const repo = await fixture.open();
    const snap = await commitSnapshot(repo, join(fixture.dir, "src"));
    await repo.close();
    await fixture.storage.delete(snap.name);

    const writer = await fixture.open();
    const gc = await fixture.open();
    const deferred = await collectGarbage(gc, { graceMs: 0 });
    expect(deferred.deferred).toMatch(/1 writers/);
    expect(deferred.packsDeleted).toBe(0);
    await writer.close();
    const swept = await collectGarbage(gc, { graceMs: 0 });
    await gc.close();
    expect(swept.deferred).toBeUndefined();
    expect(swept.packsDeleted).toBeGreaterThan(0);
  });

  it("never deletes content that writers running beside it reference", async () => {
    // Each round: two writers snapshot trees that share content with a just-deleted snapshot
    // (the case where a writer deduplicates against a pack the collector finds unreferenced),
    // while a collection runs; afterwards every committed snapshot must restore byte for byte.
    const shared = Array.from({ length: 6 }, () => randomBytes(20_000));
    const committed: Array<{ tree: Parameters<typeof restoreTree>[0]; files: Record<string, Buffer> }> = [];
    for (let round = 0; round < 4; round++) {
      const old = { "s.bin": shared[round]!, "t.bin": shared[round + 1]!, "own.bin": randomBytes(30_000) };
      await writeTree(join(fixture.dir, `old-${round}`), old);
      const seed = await fixture.open();
      const oldSnap = await commitSnapshot(seed, join(fixture.dir, `old-${round}`));
      await seed.close();
      await fixture.storage.delete(oldSnap.name);

      const writerRun = async (n: number): Promise<void> => {
        const files = { "s.bin": shared[round]!, [`w${n}.bin`]: randomBytes(10_000), "t.bin": shared[round + 1]! };
        const root = join(fixture.dir, `w-${round}-${n}`);
        await writeTree(root, files);
        const writer = await fixture.open();
        const snap = await commitSnapshot(writer, root);
        await writer.close();
        committed.push({ tree: snap.tree, files });
      };
      const collector = async (): Promise<void> => {
        const gc = await fixture.open();
        await collectGarbage(gc, { graceMs: 0, waitForWritersMs: 2_000 });
        await gc.close();
      };
      await Promise.all([writerRun(1), collector(), writerRun(2)]);
    }
    const reader = await fixture.open({ write: false });
    for (const { tree, files } of committed) await expectRestores(reader, tree, files);
    expect((await checkRepository(reader, { readData: true })).problems).toEqual([]);
    await reader.close();
  });
});
