import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestContentStore, type TestContentStore } from "../../testing/content-store-fixture.js";
import type { ContentId, ContentKind } from "./content-access.js";
import { writeFileContent } from "./file-writer.js";

const chunker = { minSize: 1024, avgSize: 4096, maxSize: 16 * 1024 };

function bytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe("writeFileContent", () => {
  let dir: string;
  let store: TestContentStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "lifeboat-file-writer-"));
    store = await openTestContentStore();
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function readBack(ids: ContentId[]): Promise<Buffer> {
    return Buffer.concat(await Promise.all(ids.map((id) => store.getContent(id))));
  }

  it("stores an empty file as no chunks", async () => {
    await writeFile(join(dir, "empty"), "");
    expect(await writeFileContent(join(dir, "empty"), store, { chunker })).toEqual({ content: [], size: 0 });
  });

  it("stores a file below the minimum chunk size as one chunk", async () => {
    await writeFile(join(dir, "small"), bytes(700));
    const result = await writeFileContent(join(dir, "small"), store, { chunker });
    expect(result.content).toHaveLength(1);
    expect(result.size).toBe(700);
  });

  it("keeps chunk ids in file order when puts resolve out of order, with a small read buffer", async () => {
    const data = bytes(300_000, 7);
    await writeFile(join(dir, "big"), data);
    let pending = 0;
    let maxPending = 0;
    let n = 0;
    const slowStore = {
      async putContent(kind: ContentKind, chunk: Uint8Array) {
        pending++;
        maxPending = Math.max(maxPending, pending);
        // Earlier puts take longer, so they resolve after later ones.
        await new Promise((r) => setTimeout(r, (n++ % 3) * 5));
        pending--;
        return store.putContent(kind, chunk);
      },
    };
    const result = await writeFileContent(join(dir, "big"), slowStore, { chunker, buffer: new Uint8Array(10_000), inFlight: 3 });
    expect(result.size).toBe(data.length);
    expect(result.content.length).toBeGreaterThan(10);
    expect(maxPending).toBeLessThanOrEqual(3);
    expect(Buffer.compare(await readBack(result.content), Buffer.from(data))).toBe(0);
  });

  it("stops at the expected size", async () => {
    await writeFile(join(dir, "grown"), bytes(5000));
    const result = await writeFileContent(join(dir, "grown"), store, { chunker, expectedSize: 3000 });
    expect(result.size).toBe(3000);
    expect(Buffer.compare(await readBack(result.content), Buffer.from(bytes(5000).subarray(0, 3000)))).toBe(0);
  });

  it("passes a missing file's errno to the caller", async () => {
    await expect(writeFileContent(join(dir, "missing"), store)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
