import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestContentStore, type TestContentStore } from "../../testing/content-store-fixture.js";
import type { ContentStore } from "../content/index.js";
import { restoreTree } from "./restore-tree.js";
import { snapshotTree } from "./snapshot-tree.js";

let dir: string;
let content: TestContentStore & { store: ContentStore };
const chunker = { minSize: 4096, avgSize: 16384, maxSize: 65536 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-worker-files-"));
  content = await openTestContentStore({ workers: 2 });
});
afterAll(async () => {
  await content.close();
  await rm(dir, { recursive: true, force: true });
});

describe("files chunked on worker threads", () => {
  it("round-trips many multi-chunk files read at once, each byte where it belongs", async () => {
    const files = new Map<string, Buffer>();
    for (let i = 0; i < 12; i++) files.set(`f${i}.bin`, randomBytes(200_000 + i * 7_919));
    await rm(join(dir, "src"), { recursive: true, force: true });
    await import("node:fs/promises").then((fs) => fs.mkdir(join(dir, "src")));
    for (const [name, data] of files) await writeFile(join(dir, "src", name), data);

    const { tree, stats } = await snapshotTree(join(dir, "src"), { content, chunker, concurrency: 12, inlineBytes: 0 });
    expect(stats.chunks).toBeGreaterThan(12 * 4);
    await content.store.flush();
    await restoreTree(tree, join(dir, "out"), { content });
    for (const [name, data] of files) expect((await readFile(join(dir, "out", name))).equals(data)).toBe(true);
  });

  it("seals only chunks the repository lacks: a copy of a file adds no data", async () => {
    const data = randomBytes(300_000);
    await writeFile(join(dir, "one.bin"), data);
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(dir, "a"), { recursive: true });
    await mkdir(join(dir, "b"), { recursive: true });
    await writeFile(join(dir, "a", "x.bin"), data);
    await snapshotTree(join(dir, "a"), { content, chunker, inlineBytes: 0 });
    await content.store.flush();
    const before = content.store.stats.newBytes;
    await writeFile(join(dir, "b", "copy.bin"), data);
    await snapshotTree(join(dir, "b"), { content, chunker, inlineBytes: 0 });
    await content.store.flush();
    expect(content.store.stats.newBytes - before).toBeLessThan(5_000); // the new listing, not the 300 kB of data
  });
});
