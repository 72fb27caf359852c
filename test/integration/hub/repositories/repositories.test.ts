// Repositories on the hub: added only once their credentials open them (filesystem and S3),
// listed and checked without ever showing a credential, kept encrypted in Redis, handed out
// decrypted only through RepositoryDirectory.access, and forgotten only when no policy uses them.
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BackupSpecSchema, PolicySchema, RepositoryCredentialsSchema, RepositorySchema, type Repository } from "@lifeboat/proto";
import { Repository as RepoFormat } from "../../../../shared/src/repo/repository.js";
import { openStorage } from "../../../../shared/src/repo/storage/index.js";
import { freePort } from "../../../harness/src/free-port.js";
import { startRedis, type RunningRedis } from "../../../harness/src/redis-server.js";
import { startS3Server, type RunningS3Server } from "../../../harness/src/s3-server.js";
import { newPolicyId, PolicyStore } from "../../../../hub/src/policies/index.js";
import { silentLog } from "../../../../hub/src/log.js";
import { createRepositoryHandlers } from "../../../../hub/src/grpc/admin-repositories.js";
import { loadOrCreateSecretKey, RepositoryRegistry, RepositoryStore } from "../../../../hub/src/repositories/index.js";
import { commitSnapshot, filesystemStorage, PASSWORD, tempDir, writeTree } from "../../repo/repository-fixtures.js";

const S3_SECRET_KEY = "lifeboat-secret";

describe("repositories on the hub", () => {
  let redis: RunningRedis;
  let s3: RunningS3Server;
  let work: string;
  let fsUrl: string;
  let fsId: string;
  let s3Url: string;
  let s3Id: string;
  let secretKey: Buffer;

  beforeAll(async () => {
    [redis, s3, work] = await Promise.all([startRedis(), startS3Server(), tempDir("hub-repositories")]);
    secretKey = await loadOrCreateSecretKey(work);

    const fsDir = `${work}/repo`;
    fsUrl = `file://${fsDir}`;
    const fsStorage = filesystemStorage(fsDir);
    fsId = await RepoFormat.init(fsStorage, PASSWORD, { kdf: { N: 1024 } });
    // One snapshot, so the check has packs and contents to count.
    const repo = await RepoFormat.open(fsStorage, PASSWORD, { workers: 0 });
    const tree = `${work}/tree`;
    await writeTree(tree, { "a.txt": { type: "file", body: { kind: "random", seed: 7, size: 50_000 }, mode: 0o644, mtime: 1_700_000_000 } });
    await commitSnapshot(repo, tree);
    await repo.close();

    const bucket = `hub-${randomUUID().slice(0, 8)}`;
    await s3.createBucket(bucket);
    s3Url = `s3://${bucket}/fleet?endpoint=${encodeURIComponent(s3.endpoint)}&region=${s3.region}&pathStyle=true`;
    const s3Store = openStorage(s3Url, { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    s3Id = await RepoFormat.init(s3Store, PASSWORD, { kdf: { N: 1024 } });
    await s3Store.close();
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), s3?.stop(), work && rm(work, { recursive: true, force: true })]);
  });

  let client: Redis;
  let prefix: string;
  let store: RepositoryStore;
  let registry: RepositoryRegistry;
  beforeEach(() => {
    client = new Redis(redis.url, { maxRetriesPerRequest: 3 });
    prefix = `t-${randomUUID().slice(0, 8)}:`;
    store = new RepositoryStore({ redis: client, prefix });
    registry = new RepositoryRegistry({ store, secretKey });
  });
  afterEach(async () => {
    client.disconnect();
  });

  const repository = (change: MessageInitShape<typeof RepositorySchema>): Repository =>
    create(RepositorySchema, { name: "main", url: fsUrl, credentials: create(RepositoryCredentialsSchema, { password: PASSWORD }), ...change });
  const s3Credentials = (password = PASSWORD) => create(RepositoryCredentialsSchema, { password, accessKeyId: s3.accessKeyId, secretAccessKey: S3_SECRET_KEY });

  async function keysUnderPrefix(): Promise<string[]> {
    return client.keys(`${prefix}*`);
  }

  it("adds, lists, gets and hands out a filesystem and an S3 repository, never returning credentials", async () => {
    const added = await registry.add(repository({ description: "the fleet's repository" }));
    expect(added).toMatchObject({ name: "main", url: fsUrl, repositoryId: fsId, credentialNames: ["password"], description: "the fleet's repository" });
    expect(added.credentials).toBeUndefined();
    expect(added.createTime).toBeDefined();

    const s3Added = await registry.add(repository({ name: "archive", url: s3Url, credentials: s3Credentials() }));
    expect(s3Added).toMatchObject({ repositoryId: s3Id, credentialNames: ["password", "accessKeyId", "secretAccessKey"] });

    const listed = await registry.list();
    expect(listed.map((r) => r.name)).toEqual(["archive", "main"]);
    expect(listed.every((r) => r.credentials === undefined)).toBe(true);
    expect(JSON.stringify(listed, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(PASSWORD);
    expect(await registry.get("main")).toEqual(added);

    const access = await registry.access("archive");
    expect(access).toMatchObject({ name: "archive", url: s3Url, credentials: { password: PASSWORD, accessKeyId: s3.accessKeyId, secretAccessKey: S3_SECRET_KEY } });
  });

  it("keeps credentials encrypted at rest: the raw Redis hash holds neither the password nor the S3 secret", async () => {
    await registry.add(repository({ name: "archive", url: s3Url, credentials: s3Credentials() }));
    const raw = await client.hgetallBuffer(store.keys.repository("archive"));
    const bytes = Buffer.concat(Object.entries(raw).flatMap(([k, v]) => [Buffer.from(k), v]));
    expect(bytes.length).toBeGreaterThan(0);
    for (const secret of [PASSWORD, S3_SECRET_KEY, "correct horse"]) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    expect(raw.sealedCredentials?.toString().startsWith("v1:")).toBe(true);
  });

  it("checks a repository with its stored credentials and counts what it holds", async () => {
    await registry.add(repository({}));
    const report = await registry.check("main");
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.packs).toBeGreaterThan(0);
    expect(report.blobs).toBeGreaterThan(0);
    expect(report.backups).toBe(0);

    await registry.add(repository({ name: "archive", url: s3Url, credentials: s3Credentials() }));
    expect(await registry.check("archive")).toEqual({ ok: true, problems: [], packs: 0, blobs: 0, backups: 0 });
  });

  it("refuses a wrong password with UNAUTHENTICATED naming the field, and records nothing", async () => {
    const err = await registry.add(repository({ credentials: create(RepositoryCredentialsSchema, { password: "not the password" }) })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "UNAUTHENTICATED", field: "repository.credentials.password" });
    expect((err as Error).message).not.toContain("not the password");
    const s3Err = await registry.add(repository({ url: s3Url, credentials: s3Credentials("wrong") })).catch((e: unknown) => e);
    expect(s3Err).toMatchObject({ code: "UNAUTHENTICATED", field: "repository.credentials.password" });
    expect(await keysUnderPrefix()).toEqual([]);
  });

  it("refuses an unreachable store with UNAVAILABLE naming the url, and records nothing", async () => {
    const port = await freePort();
    const url = `s3://nowhere/x?endpoint=${encodeURIComponent(`http://127.0.0.1:${port}`)}&region=us-east-1&pathStyle=true`;
    const err = await registry.add(repository({ url, credentials: s3Credentials() })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "UNAVAILABLE", field: "repository.url" });
    expect(await keysUnderPrefix()).toEqual([]);
  });

  it.each<[string, MessageInitShape<typeof RepositorySchema>, string, string]>([
    ["a name that is not a DNS label", { name: "Main_Repo" }, "INVALID_ARGUMENT", "repository.name"],
    ["a name over 63 characters", { name: "a".repeat(64) }, "INVALID_ARGUMENT", "repository.name"],
    ["no URL", { url: "" }, "INVALID_ARGUMENT", "repository.url"],
    ["credentials in the URL", { url: "s3://user:pass@bucket/x" }, "INVALID_ARGUMENT", "repository.url"],
    ["an unknown scheme", { url: "ftp://host/x" }, "INVALID_ARGUMENT", "repository.url"],
    ["no password", { credentials: create(RepositoryCredentialsSchema, {}) }, "INVALID_ARGUMENT", "repository.credentials.password"],
    ["a place without a repository", { url: "file:///nonexistent/lifeboat-repo" }, "FAILED_PRECONDITION", "repository.url"],
  ])("refuses %s naming the field, recording nothing", async (_what, change, code, field) => {
    const err = await registry.add(repository(change)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code, field });
    expect((err as Error).message).not.toContain(PASSWORD);
    expect(await keysUnderPrefix()).toEqual([]);
  });

  it("refuses a taken name with ALREADY_EXISTS and keeps the first", async () => {
    await registry.add(repository({}));
    await expect(registry.add(repository({ url: s3Url, credentials: s3Credentials() }))).rejects.toMatchObject({ code: "ALREADY_EXISTS", field: "repository.name" });
    expect((await registry.get("main")).url).toBe(fsUrl);
  });

  it("forgets a repository only once no policy uses it", async () => {
    await registry.add(repository({}));
    const policies = new PolicyStore({ redis: client, prefix });
    const policy = create(PolicySchema, { id: newPolicyId(), name: "nightly", clusterSelector: "env=prod", backup: create(BackupSpecSchema, { repository: "main" }) });
    await policies.create(policy);

    const err = await registry.delete("main").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "FAILED_PRECONDITION", field: "name" });
    expect((err as Error).message).toContain(policy.id);
    expect((await registry.get("main")).name).toBe("main");

    await policies.delete(policy.id);
    await registry.delete("main");
    await expect(registry.get("main")).rejects.toMatchObject({ code: "NOT_FOUND", field: "name" });
    await expect(registry.access("main")).rejects.toMatchObject({ code: "NOT_FOUND", field: "repository" });
    await expect(registry.delete("main")).rejects.toMatchObject({ code: "NOT_FOUND", field: "name" });
    expect(await registry.list()).toEqual([]);
  });

  it("serves the repository RPCs without ever answering with a credential", async () => {
    const handlers = createRepositoryHandlers({ repositories: registry, log: silentLog });
    const context = {} as never;
    const { repository: added } = await handlers.addRepository({ repository: repository({}) } as never, context);
    expect(added).toMatchObject({ name: "main", credentialNames: ["password"] });
    expect(added?.credentials).toBeUndefined();
    await expect(handlers.addRepository({} as never, context)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "repository" });
    expect((await handlers.listRepositories({} as never, context)).repositories?.map((r) => r.name)).toEqual(["main"]);
    expect((await handlers.getRepository({ name: "main" } as never, context)).repository?.repositoryId).toBe(fsId);
    const check = await handlers.checkRepository({ name: "main" } as never, context);
    expect(check).toMatchObject({ ok: true, problems: [], backups: 0n });
    expect(check.packs).toBeGreaterThan(0n);
    await handlers.deleteRepository({ name: "main" } as never, context);
    await expect(handlers.getRepository({ name: "main" } as never, context)).rejects.toMatchObject({ code: "NOT_FOUND", field: "name" });
    await expect(handlers.checkRepository({ name: "" } as never, context)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "name" });
  });

  it("does not open another hub's credentials without its secret key", async () => {
    await registry.add(repository({}));
    const stranger = new RepositoryRegistry({ store, secretKey: Buffer.alloc(32, 7) });
    await expect(stranger.access("main")).rejects.toMatchObject({ code: "CORRUPT", field: "repository" });
  });
});
