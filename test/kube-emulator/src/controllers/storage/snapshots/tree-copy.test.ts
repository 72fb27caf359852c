import { lstat, mkdtemp, readFile, readlink, rm, stat, symlink, truncate, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { copyTree } from "./tree-copy.js";

describe("copyTree", () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it("copies contents with modes, times, symlinks and holes into a new directory, as of the copy", async () => {
    const from = await mkdtemp(join(tmpdir(), "lifeboat-copy-"));
    made.push(from);
    await writeFile(join(from, "secret"), "s", { mode: 0o600 });
    await writeFile(join(from, "empty"), "");
    await symlink("secret", join(from, "link"));
    await writeFile(join(from, "sparse"), "x");
    await truncate(join(from, "sparse"), 8 << 20);
    const past = new Date("2023-05-06T07:08:09Z");
    await utimes(join(from, "secret"), past, past);
    const to = join(from + "-copy", "deep");
    made.push(from + "-copy");

    await copyTree(from, to);
    await writeFile(join(from, "later"), "not copied");

    expect((await stat(join(to, "secret"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(to, "secret"))).mtime.toISOString()).toBe(past.toISOString());
    expect((await readFile(join(to, "empty"))).length).toBe(0);
    expect((await lstat(join(to, "link"))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(to, "link"))).toBe("secret");
    const sparse = await stat(join(to, "sparse"));
    expect(sparse.size).toBe(8 << 20);
    expect(sparse.blocks * 512).toBeLessThan(1 << 20);
    await expect(lstat(join(to, "later"))).rejects.toThrow(/ENOENT/);
  });

  it("fails when the source is missing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lifeboat-copy-"));
    made.push(dir);
    await expect(copyTree(join(dir, "missing"), join(dir, "to"))).rejects.toThrow();
  });
});
