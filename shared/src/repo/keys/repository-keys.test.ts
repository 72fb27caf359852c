import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FilesystemStorage } from "../storage/filesystem-storage.js";
import type { BlobStorage } from "../storage/blob-storage.js";
import { REPOSITORY_CONFIG_BLOB, parseRepositoryConfig } from "./repository-config.js";
import {
  addKey,
  changePassword,
  initRepositoryConfig,
  listKeys,
  removeKey,
  unlockRepository,
} from "./repository-keys.js";
import { failure } from "../../testing/failure.js";

// A small scrypt cost keeps each unlock in milliseconds; the default cost is exercised once below.
const fast = { kdf: { N: 1024 } };

let dir: string;
let storage: BlobStorage;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-keys-"));
  storage = new FilesystemStorage(dir);
});
afterEach(async () => {
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

async function snapshotOf(s: BlobStorage): Promise<Map<string, string>> {
  const blobs = new Map<string, string>();
  for await (const info of s.list("")) blobs.set(info.name, Buffer.from(await s.get(info.name)).toString("hex"));
  return blobs;
}

describe("repository keys", () => {
  it("initialises a repository that the same password opens, writing only repository.json", async () => {
    const created = await initRepositoryConfig(storage, "correct horse", { ...fast, host: "laptop" });
    expect([...(await snapshotOf(storage)).keys()]).toEqual([REPOSITORY_CONFIG_BLOB]);
    const opened = await unlockRepository(storage, "correct horse");
    expect(opened.config).toEqual(created.config);
    expect(opened.keyId).toBe(created.keyId);
    expect(opened.keys.encryptionKey.equals(created.keys.encryptionKey)).toBe(true);
    expect(opened.keys.contentIdKey.equals(created.keys.contentIdKey)).toBe(true);
    expect(await listKeys(storage)).toEqual([{ id: created.keyId, created: created.config.created, host: "laptop" }]);
  });

  it("writes the documented format and no secret in the clear", async () => {
    const created = await initRepositoryConfig(storage, "correct horse", fast);
    const text = Buffer.from(await storage.get(REPOSITORY_CONFIG_BLOB)).toString("utf8");
    const json = JSON.parse(text);
    expect(json.format).toBe(1);
    expect(json.id).toMatch(/^[0-9a-f]{32}$/);
    expect(json.keys[0]).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{16}$/), kdf: { name: "scrypt", N: 1024, r: 8, p: 1 } });
    expect(Buffer.from(json.keys[0].wrapped, "base64").length).toBe(12 + 64 + 16);
    expect(text).not.toContain("correct horse");
    expect(text).not.toContain(created.keys.encryptionKey.toString("base64"));
    expect(JSON.stringify(created)).not.toContain(created.keys.encryptionKey.toString("hex").slice(0, 16));
  });

  it("refuses to initialise over an existing repository, naming the storage", async () => {
    await initRepositoryConfig(storage, "one", fast);
    const before = await snapshotOf(storage);
    const err = await failure(initRepositoryConfig(storage, "two", fast));
    expect(err.code).toBe("ALREADY_EXISTS");
    expect(err.message).toContain(storage.description);
    expect(await snapshotOf(storage)).toEqual(before);
  });

  it("rejects a wrong password with UNAUTHENTICATED and changes nothing", async () => {
    await initRepositoryConfig(storage, "right", fast);
    const before = await snapshotOf(storage);
    const err = await failure(unlockRepository(storage, "hunter2-guess"));
    expect(err.code).toBe("UNAUTHENTICATED");
    expect(err.message).toBe(`wrong password for repository ${storage.description}: no key slot opens with it`);
    expect(err.message).not.toContain("hunter2");
    expect(await snapshotOf(storage)).toEqual(before);
  });

  it("says how to create a repository when repository.json is missing", async () => {
    const err = await failure(unlockRepository(storage, "any"));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toBe(`no repository at ${storage.description}: repository.json is missing (run lifeboat repo init)`);
  });

  it("reports malformed JSON as CORRUPT and an unknown format as FAILED_PRECONDITION", async () => {
    await storage.put(REPOSITORY_CONFIG_BLOB, Buffer.from("{ not json"));
    expect((await failure(unlockRepository(storage, "x"))).code).toBe("CORRUPT");
    await storage.put(REPOSITORY_CONFIG_BLOB, Buffer.from(JSON.stringify({ format: 2, id: "x" })));
    const err = await failure(unlockRepository(storage, "x"));
    expect(err.code).toBe("FAILED_PRECONDITION");
    expect(err.message).toMatch(/format 2 is not supported/);
  });

  it("opens with either of two passwords, to the same keys", async () => {
    const first = await initRepositoryConfig(storage, "alpha", fast);
    const second = await addKey(storage, first, "beta", fast);
    expect(second.keyId).not.toBe(first.keyId);
    const a = await unlockRepository(storage, "alpha");
    const b = await unlockRepository(storage, "beta");
    expect([a.keyId, b.keyId]).toEqual([first.keyId, second.keyId]);
    expect(a.keys.encryptionKey.equals(b.keys.encryptionKey)).toBe(true);
    expect(a.keys.contentIdKey.equals(b.keys.contentIdKey)).toBe(true);
    expect((await listKeys(storage)).map((k) => k.id)).toEqual([first.keyId, second.keyId]);
  });

  it("changes a password: the old one fails, the new one opens the same keys", async () => {
    const before = await initRepositoryConfig(storage, "old password", fast);
    const changed = await changePassword(storage, before, "new password", fast);
    expect((await failure(unlockRepository(storage, "old password"))).code).toBe("UNAUTHENTICATED");
    const after = await unlockRepository(storage, "new password");
    expect(after.keyId).toBe(changed.keyId);
    expect(after.config.id).toBe(before.config.id);
    expect(after.keys.contentIdKey.equals(before.keys.contentIdKey)).toBe(true);
    expect(after.keys.encryptionKey.equals(before.keys.encryptionKey)).toBe(true);
    expect(after.config.keys).toHaveLength(1);
  });

  it("keeps a slot added elsewhere when changing a password", async () => {
    const mine = await initRepositoryConfig(storage, "mine", fast);
    await addKey(storage, await unlockRepository(storage, "mine"), "theirs", fast);
    await changePassword(storage, mine, "mine too", fast);
    await expect(unlockRepository(storage, "theirs")).resolves.toBeDefined();
    await expect(unlockRepository(storage, "mine too")).resolves.toBeDefined();
  });

  it("removes a slot but never the last one", async () => {
    const first = await initRepositoryConfig(storage, "alpha", fast);
    const second = await addKey(storage, first, "beta", fast);
    await removeKey(storage, second, first.keyId);
    expect((await failure(unlockRepository(storage, "alpha"))).code).toBe("UNAUTHENTICATED");
    expect((await failure(removeKey(storage, second, second.keyId))).code).toBe("FAILED_PRECONDITION");
    expect((await failure(removeKey(storage, second, "0000000000000000"))).code).toBe("NOT_FOUND");
  });

  it("will not open a slot moved from another repository", async () => {
    await initRepositoryConfig(storage, "shared secret", fast);
    const otherDir = await mkdtemp(join(tmpdir(), "lifeboat-keys-other-"));
    const other = new FilesystemStorage(otherDir);
    try {
      await initRepositoryConfig(other, "shared secret", fast);
      const mine = parseRepositoryConfig(await storage.get(REPOSITORY_CONFIG_BLOB), "mine");
      const theirs = parseRepositoryConfig(await other.get(REPOSITORY_CONFIG_BLOB), "theirs");
      const forged = { ...mine, keys: theirs.keys };
      await storage.put(REPOSITORY_CONFIG_BLOB, Buffer.from(JSON.stringify(forged)));
      expect((await failure(unlockRepository(storage, "shared secret"))).code).toBe("UNAUTHENTICATED");
    } finally {
      await other.close();
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it("uses the default scrypt cost (N=32768) when none is given", async () => {
    await initRepositoryConfig(storage, "slow but sure");
    const config = parseRepositoryConfig(await storage.get(REPOSITORY_CONFIG_BLOB), "repo");
    expect(config.keys[0]!.kdf).toMatchObject({ N: 32768, r: 8, p: 1 });
    await expect(unlockRepository(storage, "slow but sure")).resolves.toBeDefined();
  });

  it("rejects an empty password and bad scrypt parameters as INVALID_ARGUMENT", async () => {
    expect((await failure(initRepositoryConfig(storage, "", fast))).code).toBe("INVALID_ARGUMENT");
    expect((await failure(initRepositoryConfig(storage, "x", { kdf: { N: 1000 } }))).code).toBe("INVALID_ARGUMENT");
    expect(await storage.head(REPOSITORY_CONFIG_BLOB)).toBeUndefined();
  });
});
