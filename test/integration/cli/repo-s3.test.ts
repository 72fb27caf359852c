import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type RunningS3Server } from "../../harness/src/s3-server.js";
import { describeTree, repoCli, type RepoCli } from "./repo-cli.js";

let cli: RepoCli;
let s3: RunningS3Server;
let env: Record<string, string>;

beforeAll(async () => {
  cli = await repoCli();
  s3 = await startS3Server({ buckets: ["lifeboat-repo"] });
  env = {
    LIFEBOAT_REPO: `s3://lifeboat-repo/fleet/one?endpoint=${encodeURIComponent(s3.endpoint)}&region=${s3.region}&pathStyle=true`,
    LIFEBOAT_REPO_PASSWORD: "s3 password",
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
});

afterAll(async () => {
  await s3?.stop();
  await cli?.cleanup();
});

describe("lifeboat repo on S3", () => {
  it("initialises, snapshots and restores through an S3 endpoint", async () => {
    const source = join(cli.dir, "source");
    await mkdir(join(source, "nested"), { recursive: true });
    await writeFile(join(source, "nested", "data.bin"), Buffer.alloc(600_000, 7));
    await writeFile(join(source, "notes.txt"), "kept in a bucket\n");

    const init = await cli.run(["repo", "init"], env);
    expect(init.code, init.stderr).toBe(0);
    const snap = await cli.run(["repo", "snapshot", source, "-o", "json"], env);
    expect(snap.code, snap.stderr).toBe(0);
    const { id } = JSON.parse(snap.stdout) as { id: string };

    const target = join(cli.dir, "restored");
    const restore = await cli.run(["repo", "restore-snapshot", id.slice(0, 8), target], env);
    expect(restore.code, restore.stderr).toBe(0);
    expect(await describeTree(target)).toEqual(await describeTree(source));

    const listed = await cli.run(["repo", "snapshots", "-o", "json"], env);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id, paths: [source] })]);
  });
});
