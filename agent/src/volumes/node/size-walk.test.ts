import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { measureTree } from "./size-walk.js";

describe("measureTree", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "lifeboat-size-walk-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("counts regular files and their bytes at every depth, not following links", async () => {
    await mkdir(join(root, "a/b/c"), { recursive: true });
    await writeFile(join(root, "top"), Buffer.alloc(10));
    await writeFile(join(root, "empty"), Buffer.alloc(0));
    await writeFile(join(root, "a/b/c/deep"), Buffer.alloc(1000));
    for (let i = 0; i < 50; i++) await writeFile(join(root, "a", `f${i}`), Buffer.alloc(i));
    await symlink("a", join(root, "link-to-dir"));
    await symlink("top", join(root, "link-to-file"));
    expect(await measureTree(root, { concurrency: 3 })).toEqual({ files: 53, bytes: 10 + 1000 + (49 * 50) / 2 });
  });

  it("stops when its signal is aborted", async () => {
    await writeFile(join(root, "f"), "x");
    await expect(measureTree(root, { signal: AbortSignal.abort() })).rejects.toThrow();
  });
});
