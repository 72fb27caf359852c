import { randomBytes } from "node:crypto";
import { chmod, mkdir, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { describeTree, repoCli, type RepoCli } from "./repo-cli.js";

let cli: RepoCli;
let env: Record<string, string>;
let source: string;

beforeAll(async () => {
  cli = await repoCli();
  env = { LIFEBOAT_REPO: pathToFileURL(join(cli.dir, "repo")).href, LIFEBOAT_REPO_PASSWORD: "correct horse battery staple" };
  source = join(cli.dir, "source");
  await mkdir(join(source, "sub", "deeper"), { recursive: true });
  await writeFile(join(source, "big.bin"), randomBytes(3 * 1024 * 1024 + 17));
  await writeFile(join(source, "empty"), "");
  await writeFile(join(source, "sub", "script.sh"), "#!/bin/sh\necho hi\n");
  await chmod(join(source, "sub", "script.sh"), 0o755);
  await writeFile(join(source, "sub", "deeper", "secret.txt"), "only me\n");
  await chmod(join(source, "sub", "deeper", "secret.txt"), 0o600);
  await chmod(join(source, "sub", "deeper"), 0o750);
  await symlink("../big.bin", join(source, "sub", "link"));
  const init = await cli.run(["repo", "init"], env);
  expect(init.code, init.stderr).toBe(0);
  expect(init.stdout).toMatch(/^[0-9a-f]{32}\n$/);
});

afterAll(async () => {
  await cli?.cleanup();
});

describe("lifeboat repo snapshot and restore-snapshot", () => {
  it("restores a snapshot byte for byte with modes, times and symlinks, into a new directory", async () => {
    const snap = await cli.run(["repo", "snapshot", source, "--tag", "first"], env);
    expect(snap.code, snap.stderr).toBe(0);
    const id = snap.stdout.trim();
    expect(snap.stdout).toMatch(/^[0-9a-f]{32}\n$/);
    expect(snap.stderr).toBe("");

    const target = join(cli.dir, "restored");
    const restore = await cli.run(["repo", "restore-snapshot", id, target], env);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`restored snapshot ${id}`);
    expect(await describeTree(target)).toEqual(await describeTree(source));

    const refused = await cli.run(["repo", "restore-snapshot", "latest", target], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^lifeboat: restore target .* is not empty .*--overwrite\n$/);
    const over = await cli.run(["repo", "restore-snapshot", "latest", target, "--overwrite", "-o", "json"], env);
    expect(over.code, over.stderr).toBe(0);
    expect(JSON.parse(over.stdout)).toMatchObject({ target, stats: { files: 4 } });
  });

  it("builds a re-run on the last snapshot of the same path, reading and storing nothing new", async () => {
    const first = await cli.run(["repo", "snapshot", source, "-o", "json"], env);
    expect(first.code, first.stderr).toBe(0);
    const again = await cli.run(["repo", "snapshot", source, "-o", "json"], env);
    expect(again.code, again.stderr).toBe(0);
    const a = JSON.parse(first.stdout) as { id: string };
    const b = JSON.parse(again.stdout) as { id: string; parent: string; stats: Record<string, number>; stored: Record<string, number> };
    expect(b.parent).toBe(a.id);
    expect(b.stats).toMatchObject({ files: 4, readBytes: 0, reusedFiles: 4, bytes: 3 * 1024 * 1024 + 17 + 18 + 8 });
    expect(b.stored).toMatchObject({ newBlobs: 0, newBytes: 0 });

    const full = await cli.run(["repo", "snapshot", source, "--no-parent", "-o", "yaml"], env);
    expect(full.code, full.stderr).toBe(0);
    const c = parse(full.stdout) as { parent: string | null; stats: Record<string, number>; stored: Record<string, number> };
    expect(c.parent).toBeNull();
    expect(c.stats.readBytes).toBe(b.stats.bytes);
    expect(c.stored.newBytes).toBe(0);
  });

  it("lists snapshots and repository statistics without reading packs", async () => {
    const listed = await cli.run(["repo", "snapshots", "-o", "json"], env);
    expect(listed.code, listed.stderr).toBe(0);
    const records = JSON.parse(listed.stdout) as { id: string; paths: string[]; stats: { files: number }; tags?: string[] }[];
    expect(records.length).toBeGreaterThanOrEqual(4);
    expect(records.every((r) => r.paths[0] === source && r.stats.files === 4)).toBe(true);
    expect(records[0]!.tags).toEqual(["first"]);

    const table = await cli.run(["repo", "snapshots"], env);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+TIME\s+HOST\s+PATHS\s+FILES\s+BYTES\s+TAGS$/);
    expect(table.stdout).toContain(records[0]!.id);

    const packsBefore = await readdir(join(cli.dir, "repo", "packs"), { recursive: true });
    const stats = await cli.run(["repo", "stats", "-o", "json"], env);
    expect(stats.code, stats.stderr).toBe(0);
    const s = JSON.parse(stats.stdout) as Record<string, number>;
    expect(s).toMatchObject({ snapshots: records.length, keys: 1, backups: 0 });
    expect(s.packs).toBeGreaterThanOrEqual(1);
    expect(s.contentBytes).toBeGreaterThan(3 * 1024 * 1024);
    expect(await readdir(join(cli.dir, "repo", "packs"), { recursive: true })).toEqual(packsBefore);
    const shown = await cli.run(["repo", "stats"], env);
    expect(shown.stdout).toMatch(/^repository:\s+[0-9a-f]{32}$/m);
    expect(shown.stdout).toMatch(/^snapshots:\s+\d+$/m);
  });

  it("checks a sound repository with exit 0, repairs a lost index from pack headers, and reports a missing pack with exit 1", async () => {
    const sound = await cli.run(["repo", "check", "--read-data", "--subset", "50%", "-o", "json"], env);
    expect(sound.code, sound.stderr).toBe(0);
    expect(JSON.parse(sound.stdout)).toMatchObject({ problems: [] });
    const gc = await cli.run(["repo", "gc", "--dry-run", "-o", "json"], env);
    expect(gc.code, gc.stderr).toBe(0);
    expect(JSON.parse(gc.stdout)).toMatchObject({ dryRun: true, packsDeleted: 0 });
    const badOption = await cli.run(["repo", "check", "--subset", "0%"], env);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/^lifeboat: --subset "0%" is invalid/);

    // A lost index: check names the content it no longer finds; repair-index reads the packs' headers.
    const indexes = await readdir(join(cli.dir, "repo", "index"));
    for (const name of indexes) await rm(join(cli.dir, "repo", "index", name));
    const unindexed = await cli.run(["repo", "check"], env);
    expect(unindexed.code).toBe(1);
    expect(unindexed.stdout).toMatch(/not in the index/);
    const repaired = await cli.run(["repo", "repair-index", "-o", "json"], env);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(JSON.parse(repaired.stdout)).toMatchObject({ unreadable: [] });
    expect(JSON.parse(repaired.stdout).contentsIndexed).toBeGreaterThan(0);
    const again = await cli.run(["repo", "check", "--read-data", "-o", "json"], env);
    expect(again.code, again.stdout).toBe(0);

    // Last in this file: it damages the shared repository.
    const packs = (await readdir(join(cli.dir, "repo", "packs"), { recursive: true })).filter((name) => /\/[0-9a-f]{32}$/.test(name));
    await rm(join(cli.dir, "repo", "packs", packs[0]!));
    const damaged = await cli.run(["repo", "check"], env);
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toMatch(/^problem: pack [0-9a-f]+ is missing/m);
    expect(damaged.stderr).toMatch(/^lifeboat: repository check found \d+ problems\n$/);
  });
});
