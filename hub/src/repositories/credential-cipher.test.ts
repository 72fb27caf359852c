import { mkdtemp, rm, stat, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import { RepositoryCredentialsSchema } from "@lifeboat/proto";
import { isLifeboatError } from "@lifeboat/shared";
import { credentialNames, openCredentials, sealCredentials } from "./credential-cipher.js";
import { loadOrCreateSecretKey, SECRET_KEY_FILE } from "./secret-key.js";

const credentials = create(RepositoryCredentialsSchema, { password: "correct horse battery staple", accessKeyId: "AKIA-TEST", secretAccessKey: "s3cr3t" });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isLifeboatError(err) ? err.code : "not a LifeboatError";
  }
  return undefined;
}

describe("repository credentials at rest", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  async function dataDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "lifeboat-secrets-"));
    dirs.push(dir);
    return dir;
  }

  it("creates the secret key once, mode 0600, and reads the same key back", async () => {
    const dir = await dataDir();
    const first = await loadOrCreateSecretKey(dir);
    expect(first.length).toBe(32);
    expect((await stat(join(dir, SECRET_KEY_FILE))).mode & 0o777).toBe(0o600);
    expect((await loadOrCreateSecretKey(dir)).equals(first)).toBe(true);
    const [a, b] = await Promise.all([loadOrCreateSecretKey(dir), loadOrCreateSecretKey(dir)]);
    expect(a.equals(first) && b.equals(first)).toBe(true);
  });

  it("refuses a key file that holds no 32-byte key", async () => {
    const dir = await dataDir();
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(dir, SECRET_KEY_FILE), "c2hvcnQ=\n", { mode: 0o600 });
    await expect(loadOrCreateSecretKey(dir)).rejects.toMatchObject({ code: "CORRUPT", field: SECRET_KEY_FILE });
  });

  it("seals credentials so only the same key and repository name open them", async () => {
    const key = await loadOrCreateSecretKey(await dataDir());
    const other = await loadOrCreateSecretKey(await dataDir());
    const sealed = sealCredentials(key, "main", credentials);
    expect(sealed).not.toContain("correct horse");
    expect(Buffer.from(sealed.slice(3), "base64").includes(Buffer.from("correct horse"))).toBe(false);
    expect(openCredentials(key, "main", sealed)).toEqual(credentials);
    expect(codeOf(() => openCredentials(key, "other", sealed))).toBe("CORRUPT");
    expect(codeOf(() => openCredentials(other, "main", sealed))).toBe("CORRUPT");
    const flipped = Buffer.from(sealed.slice(3), "base64");
    flipped[20] = flipped[20]! ^ 1;
    expect(codeOf(() => openCredentials(key, "main", `v1:${flipped.toString("base64")}`))).toBe("CORRUPT");
    // Two seals of the same credentials differ (fresh IV each time).
    expect(sealCredentials(key, "main", credentials)).not.toBe(sealed);
  });

  it("names the credentials held, never their values", () => {
    expect(credentialNames(credentials)).toEqual(["password", "accessKeyId", "secretAccessKey"]);
    expect(credentialNames(create(RepositoryCredentialsSchema, { password: "x" }))).toEqual(["password"]);
  });

  it("keeps the key file's content out of the error when it is corrupt", async () => {
    const dir = await dataDir();
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(dir, SECRET_KEY_FILE), "bm90LWEta2V5\n", { mode: 0o600 });
    const err = await loadOrCreateSecretKey(dir).catch((e: Error) => e);
    expect((err as Error).message).not.toContain(await readFile(join(dir, SECRET_KEY_FILE), "utf8"));
  });
});
