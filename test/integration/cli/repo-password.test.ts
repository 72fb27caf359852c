import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoCli, type RepoCli } from "./repo-cli.js";

const PASSWORD = "first password";
let cli: RepoCli;
let repoUrl: string;
let passwordFile: string;
let source: string;

beforeAll(async () => {
  cli = await repoCli();
  repoUrl = pathToFileURL(join(cli.dir, "repo")).href;
  passwordFile = join(cli.dir, "password");
  // As `echo` writes it: the trailing newline is not part of the password.
  await writeFile(passwordFile, `${PASSWORD}\n`);
  source = join(cli.dir, "source");
  await mkdir(source);
  await writeFile(join(source, "a.txt"), "a\n");
  const init = await cli.run(["repo", "init", "--repo", repoUrl, "--password-file", passwordFile, "-o", "json"]);
  expect(init.code, init.stderr).toBe(0);
  expect(JSON.parse(init.stdout)).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/) });
});

afterAll(async () => {
  await cli?.cleanup();
});

async function repoFiles(): Promise<string[]> {
  return (await readdir(join(cli.dir, "repo"), { recursive: true })).sort();
}

describe("lifeboat repo passwords", () => {
  it("exits 4 for a wrong password, naming no password and writing nothing", async () => {
    const before = await repoFiles();
    const wrong = await cli.run(["repo", "snapshot", source, "--repo", repoUrl], { LIFEBOAT_REPO_PASSWORD: "not it" });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toMatch(/^lifeboat: wrong password for repository [^\n]*\n$/);
    expect(wrong.stderr).not.toContain("not it");
    expect(wrong.stdout).toBe("");
    expect(await repoFiles()).toEqual(before);
  });

  it("asks for a password when none is given, and for a repository when none is named", async () => {
    const none = await cli.run(["repo", "stats", "--repo", repoUrl]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe("lifeboat: a password is required: pass --password-file FILE or set LIFEBOAT_REPO_PASSWORD\n");
    const noRepo = await cli.run(["repo", "stats"], { LIFEBOAT_REPO_PASSWORD: PASSWORD });
    expect(noRepo.code).toBe(2);
    expect(noRepo.stderr).toMatch(/^lifeboat: a repository is required: pass --repo URL or set LIFEBOAT_REPO\n$/);
  });

  it("exits 3 where there is no repository and 2 for a URL it cannot use", async () => {
    const env = { LIFEBOAT_REPO_PASSWORD: PASSWORD };
    const [missing, badUrl] = await Promise.all([
      cli.run(["repo", "snapshots", "--repo", pathToFileURL(join(cli.dir, "nothing-here")).href], env),
      cli.run(["repo", "snapshots", "--repo", "ftp://host/repo"], env),
    ]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^lifeboat: no repository at .*repo init\)\n$/);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/^lifeboat: storage URL "ftp:\/\/host\/repo" is not valid/);
  });

  it("changes the password: the old one stops working, the new one opens the same repository", async () => {
    const newFile = join(cli.dir, "new-password");
    await writeFile(newFile, "second password\n");
    const changed = await cli.run(["repo", "passwd", "--repo", repoUrl, "--password-file", passwordFile, "--new-password-file", newFile]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toMatch(/^password changed: key slot [0-9a-f]{16}\n$/);

    const [old, fresh, keys] = await Promise.all([
      cli.run(["repo", "stats", "--repo", repoUrl, "--password-file", passwordFile]),
      cli.run(["repo", "stats", "--repo", repoUrl, "-o", "json"], { LIFEBOAT_REPO_PASSWORD: "second password" }),
      cli.run(["repo", "key", "list", "--repo", repoUrl, "-o", "json"]),
    ]);
    expect(old.code).toBe(4);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(JSON.parse(fresh.stdout)).toMatchObject({ keys: 1 });
    expect(JSON.parse(keys.stdout)).toEqual([expect.objectContaining({ id: changed.stdout.match(/[0-9a-f]{16}/)![0] })]);
  });
});
