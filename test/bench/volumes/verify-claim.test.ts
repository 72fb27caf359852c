import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { digestTree } from "../repository/verify.js";
import { verifyClaimRestore } from "./verify-claim.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "lifeboat-verify-claim-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function tree(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
}

describe("verifyClaimRestore", () => {
  const files = { "a.dat": "a", "sub/b.dat": "b" };

  it("accepts the source's files beside the restore's marker, and sets the marker aside", async () => {
    await tree(path.join(dir, "source"), files);
    await tree(path.join(dir, "restored"), { ...files, ".lifeboat/restored-r1": "" });
    await verifyClaimRestore(path.join(dir, "source"), await digestTree(path.join(dir, "source")), path.join(dir, "restored"), "r1", path.join(dir, "marker"));
    expect(await readdir(path.join(dir, "restored"))).toEqual(["a.dat", "sub"]);
    expect(await readdir(path.join(dir, "marker"))).toEqual(["restored-r1"]);
  });

  it("refuses a volume without this restore's marker", async () => {
    await tree(path.join(dir, "source"), files);
    await tree(path.join(dir, "restored"), { ...files, ".lifeboat/restored-other": "" });
    await expect(verifyClaimRestore(path.join(dir, "source"), await digestTree(path.join(dir, "source")), path.join(dir, "restored"), "r1", path.join(dir, "marker"))).rejects.toThrow(/restored-r1.*found: restored-other/);
  });

  it("refuses different content", async () => {
    await tree(path.join(dir, "source"), files);
    await tree(path.join(dir, "restored"), { ...files, "sub/b.dat": "B", ".lifeboat/restored-r1": "" });
    await expect(verifyClaimRestore(path.join(dir, "source"), await digestTree(path.join(dir, "source")), path.join(dir, "restored"), "r1", path.join(dir, "marker"))).rejects.toThrow(/content differs: sub\/b.dat/);
  });
});
