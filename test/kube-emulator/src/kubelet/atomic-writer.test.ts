import { lstat, mkdtemp, readFile, readdir, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeAtomically } from "./atomic-writer.js";

let dir = "";
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const file = (path: string, text: string, mode = 0o644) => ({ path, data: Buffer.from(text), mode });

describe("writeAtomically", () => {
  it("lays files out as the kubelet's AtomicWriter does: a timestamped directory, ..data, and links", async () => {
    dir = await mkdtemp(join(tmpdir(), "atomic-"));
    const target = join(dir, "vol");
    await writeAtomically(target, [file("a", "one"), file("conf/b", "two", 0o600)]);
    const names = (await readdir(target)).sort();
    expect(names).toHaveLength(4);
    const version = names.find((n) => /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\./.test(n))!;
    expect(names).toEqual(expect.arrayContaining(["..data", "a", "conf", version]));
    expect(await readlink(join(target, "..data"))).toBe(version);
    expect(await readlink(join(target, "a"))).toBe("..data/a");
    expect(await readFile(join(target, "a"), "utf8")).toBe("one");
    expect(await readFile(join(target, "conf/b"), "utf8")).toBe("two");
    expect((await stat(join(target, version, "conf/b"))).mode & 0o777).toBe(0o600);
  });

  it("swaps in a new version and drops names that went away", async () => {
    dir = await mkdtemp(join(tmpdir(), "atomic-"));
    const target = join(dir, "vol");
    await writeAtomically(target, [file("a", "one"), file("gone", "x")]);
    await new Promise((r) => setTimeout(r, 5));
    await writeAtomically(target, [file("a", "uno"), file("new", "y")]);
    const names = await readdir(target);
    expect(names.filter((n) => n.startsWith("..") && n !== "..data")).toHaveLength(1);
    expect(names).not.toContain("gone");
    expect(await readFile(join(target, "a"), "utf8")).toBe("uno");
    expect(await readFile(join(target, "new"), "utf8")).toBe("y");
    expect((await lstat(join(target, "new"))).isSymbolicLink()).toBe(true);
  });

  it("writes nothing outside the volume", async () => {
    dir = await mkdtemp(join(tmpdir(), "atomic-"));
    await writeAtomically(join(dir, "vol"), [file("../escape", "x"), file("/abs", "x")]);
    expect((await readdir(dir)).sort()).toEqual(["vol"]);
  });
});
