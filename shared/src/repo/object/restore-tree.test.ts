import { createHash } from "node:crypto";
import { lstat, mkdir, mkdtemp, open, readdir, readFile, readlink, rm, symlink, truncate, utimes, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestContentStore, type TestContentStore } from "../../testing/content-store-fixture.js";
import { restoreTree } from "./restore-tree.js";
import { snapshotTree } from "./snapshot-tree.js";
import { seededBytes } from "../../testing/seeded-bytes.js";

const chunker = { minSize: 1024, avgSize: 4096, maxSize: 16 * 1024 };

type Node =
  | { kind: "dir"; mode: number; mtime: number; children: Record<string, Node> }
  | { kind: "file"; mode: number; mtime: number; body: { length: number; seed: number }; hole?: { size: number; at: number } }
  | { kind: "symlink"; target: string };

const nameArb = fc.stringMatching(/^[a-zA-Z0-9_.\u00e9-]{1,12}$/).filter((n) => n !== "." && n !== "..");
const mtimeArb = fc.integer({ min: 0, max: 4_000_000_000_000 }).map((us) => us / 1e6);
const fileArb = fc.record({
  kind: fc.constant("file" as const),
  mode: fc.constantFrom(0o600, 0o644, 0o755, 0o400, 0o4755),
  mtime: mtimeArb,
  body: fc.oneof(
    fc.record({ length: fc.constant(0), seed: fc.constant(1) }),
    fc.record({ length: fc.integer({ min: 1, max: 3000 }), seed: fc.integer() }),
    fc.record({ length: fc.integer({ min: 40_000, max: 120_000 }), seed: fc.integer() }),
  ),
  hole: fc.option(fc.record({ size: fc.integer({ min: 200_000, max: 1_000_000 }), at: fc.integer({ min: 0, max: 150_000 }) }), { nil: undefined }),
});
const symlinkArb = fc.record({ kind: fc.constant("symlink" as const), target: fc.constantFrom("a", "../x", "/etc/passwd", "dir/sub file", "missing") });
const { tree: treeArb } = fc.letrec<{ tree: Node; node: Node }>((tie) => ({
  tree: fc.record({
    kind: fc.constant("dir" as const),
    mode: fc.constantFrom(0o755, 0o700, 0o555),
    mtime: mtimeArb,
    children: fc.dictionary(nameArb, tie("node"), { maxKeys: 5 }),
  }),
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, fileArb, symlinkArb, tie("tree")),
}));

async function build(node: Node, path: string): Promise<void> {
  if (node.kind === "dir") {
    await mkdir(path, { recursive: true });
    for (const [name, child] of Object.entries(node.children)) await build(child, join(path, name));
    await chmod(path, node.mode);
    await utimes(path, node.mtime, node.mtime);
  } else if (node.kind === "file") {
    await writeFile(path, seededBytes(node.body.seed, node.body.length));
    if (node.hole) {
      // Sparse: extend with a hole, then write a few bytes in the middle of it.
      await truncate(path, node.hole.size);
      const file = await open(path, "r+");
      await file.write(seededBytes(3, 100), 0, 100, node.hole.at + node.body.length);
      await file.close();
    }
    await chmod(path, node.mode);
    await utimes(path, node.mtime, node.mtime);
  } else {
    await symlink(node.target, path);
  }
}

interface Seen { type: string; mode: number; mtimeNs: bigint; size: bigint; digest?: string; target?: string }

/** Everything a restore must keep, by relative path. */
async function describeTree(root: string, rel = ""): Promise<Map<string, Seen>> {
  const out = new Map<string, Seen>();
  for (const name of (await readdir(join(root, rel))).sort()) {
    const relPath = join(rel, name);
    const path = join(root, relPath);
    const st = await lstat(path, { bigint: true });
    const seen: Seen = { type: "other", mode: Number(st.mode & 0o7777n), mtimeNs: st.mtimeNs, size: st.isDirectory() ? 0n : st.size };
    if (st.isDirectory()) {
      seen.type = "dir";
      for (const [k, v] of await describeTree(root, relPath)) out.set(k, v);
    } else if (st.isFile()) {
      seen.type = "file";
      seen.digest = createHash("sha256").update(await readFile(path)).digest("hex");
    } else if (st.isSymbolicLink()) {
      seen.type = "symlink";
      seen.target = await readlink(path);
      seen.mode = 0; // Linux has no lchmod
    }
    out.set(relPath, seen);
  }
  return out;
}

function expectSameTree(restored: Map<string, Seen>, source: Map<string, Seen>): void {
  expect([...restored.keys()]).toEqual([...source.keys()]);
  for (const [path, want] of source) {
    const got = restored.get(path)!;
    // Node sets times to the microsecond: the restored time is the source's truncated to it.
    expect(got.mtimeNs, `${path} mtime`).toBe(want.mtimeNs - (want.mtimeNs % 1000n));
    expect({ ...got, mtimeNs: 0n }, path).toEqual({ ...want, mtimeNs: 0n });
  }
}

describe("restoreTree", () => {
  let dir: string;
  let store: TestContentStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "lifeboat-restore-"));
    store = await openTestContentStore();
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("round-trips random trees bit for bit, with modes, mtimes and symlink targets", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(treeArb, async (tree) => {
        const source = join(dir, `source-${run}`);
        const target = join(dir, `target-${run++}`);
        await build(tree, source);
        const { tree: id } = await snapshotTree(source, { content: store, chunker });
        await restoreTree(id, target, { content: store });
        expectSameTree(await describeTree(target), await describeTree(source));
      }),
      { numRuns: 25 },
    );
  });

  it("keeps a sparse file sparse", async () => {
    const source = join(dir, "source");
    await mkdir(source);
    const path = join(source, "sparse");
    await writeFile(path, "");
    await truncate(path, 64 * 1024 * 1024);
    const file = await open(path, "r+");
    await file.write(seededBytes(9, 4096), 0, 4096, 10 * 1024 * 1024);
    await file.close();
    const { tree } = await snapshotTree(source, { content: store, chunker: { minSize: 64 * 1024, avgSize: 256 * 1024, maxSize: 1024 * 1024 } });
    const stats = await restoreTree(tree, join(dir, "target"), { content: store });
    const restored = await lstat(join(dir, "target", "sparse"));
    expect(restored.size).toBe(64 * 1024 * 1024);
    expect(stats.writtenBytes).toBeLessThan(4 * 1024 * 1024);
    expect(restored.blocks * 512).toBeLessThan(8 * 1024 * 1024);
    expect(Buffer.compare(await readFile(join(dir, "target", "sparse")), await readFile(path))).toBe(0);
  });

  it("replaces a symlink where a file belongs instead of writing through it", async () => {
    const source = join(dir, "source");
    await mkdir(source);
    await writeFile(join(source, "small"), "new small");
    await writeFile(join(source, "large"), seededBytes(5, 200_000));
    const { tree } = await snapshotTree(source, { content: store, chunker });
    const target = join(dir, "target");
    await mkdir(target);
    await writeFile(join(dir, "outside"), "untouched");
    await symlink(join(dir, "outside"), join(target, "small"));
    await symlink(join(dir, "outside"), join(target, "large"));
    await restoreTree(tree, target, { content: store });
    expect(await readFile(join(dir, "outside"), "utf8")).toBe("untouched");
    expectSameTree(await describeTree(target), await describeTree(source));
  });

  it("refuses to restore through a symlink where a directory belongs", async () => {
    const source = join(dir, "source");
    await mkdir(join(source, "sub"), { recursive: true });
    await writeFile(join(source, "sub", "f"), "x");
    const { tree } = await snapshotTree(source, { content: store });
    const target = join(dir, "target");
    await mkdir(join(dir, "elsewhere"));
    await mkdir(target);
    await symlink(join(dir, "elsewhere"), join(target, "sub"));
    await expect(restoreTree(tree, target, { content: store })).rejects.toMatchObject({ code: "ALREADY_EXISTS", field: "path" });
    expect(await readdir(join(dir, "elsewhere"))).toEqual([]);
  });
});
