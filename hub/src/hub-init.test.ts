import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashAdminCredential, isAdminCredential, loadHubConfig } from "./config/index.js";
import { initHub } from "./hub-init.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-hub-init-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("hub init", () => {
  it("writes the CA, the serving certificate, the admin credential and hub.yaml, keys 0600", async () => {
    const dataDir = join(dir, "hub");
    const result = await initHub({ dataDir, serverNames: ["hub.example.com"], redisUrl: "redis://10.0.0.5:6379" });
    const mode = async (name: string) => (await stat(join(dataDir, name))).mode & 0o777;
    expect(await mode("ca.key")).toBe(0o600);
    expect(await mode("hub.key")).toBe(0o600);
    expect(await mode("admin-credential")).toBe(0o600);
    expect(await mode("hub.yaml")).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);

    const serving = new X509Certificate(await readFile(join(dataDir, "hub.crt")));
    const ca = new X509Certificate(await readFile(join(dataDir, "ca.crt")));
    expect(serving.checkIssued(ca)).toBe(true);
    expect(serving.checkHost("hub.example.com")).toBe("hub.example.com");

    const config = await loadHubConfig(dataDir);
    expect(config.redis.url).toBe("redis://10.0.0.5:6379");
    expect(config.adminCredentialSha256).toBe(hashAdminCredential(result.adminCredential));
    expect(isAdminCredential(result.adminCredential, config.adminCredentialSha256)).toBe(true);
    expect(isAdminCredential(`${result.adminCredential}x`, config.adminCredentialSha256)).toBe(false);
    // The hub's config holds only the credential's hash.
    expect(await readFile(join(dataDir, "hub.yaml"), "utf8")).not.toContain(result.adminCredential);
    expect((await readFile(join(dataDir, "admin-credential"), "utf8")).trim()).toBe(result.adminCredential);
  });

  it("refuses a directory that holds a hub already, changing nothing", async () => {
    await initHub({ dataDir: dir });
    const before = await readFile(join(dir, "ca.key"), "utf8");
    await expect(initHub({ dataDir: dir })).rejects.toMatchObject({
      code: "FAILED_PRECONDITION",
      message: expect.stringMatching(/is already initialised \(hub.yaml exists\)/),
    });
    expect(await readFile(join(dir, "ca.key"), "utf8")).toBe(before);
  });

  it("refuses a partly initialised directory", async () => {
    await writeFile(join(dir, "ca.key"), "left over");
    await expect(initHub({ dataDir: dir })).rejects.toThrow(/partly initialised hub \(ca.key exists\)/);
  });

  it("tells a hub started on an empty directory to run init", async () => {
    await expect(loadHubConfig(dir)).rejects.toMatchObject({ code: "FAILED_PRECONDITION", message: expect.stringMatching(/hub init --data-dir/) });
  });

  it("names the setting at fault in hub.yaml", async () => {
    await initHub({ dataDir: dir });
    const path = join(dir, "hub.yaml");
    const text = await readFile(path, "utf8");
    await writeFile(path, text.replace(/leaseMs: \d+/, "leaseMs: -5"));
    await expect(loadHubConfig(dir)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "agents.leaseMs" });
  });
});
