import "reflect-metadata";
import { webcrypto } from "node:crypto";
import { mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IdentityStore, type AgentIdentity } from "./identity-store.js";
import { KEY_ALGORITHM, exportPrivateKeyPem, generateKeyPair } from "./key-pair.js";

/** An identity with a self-signed certificate for its own key: enough for the store, which checks they match. */
async function makeIdentity(clusterId: string): Promise<AgentIdentity> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const keys = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "0a",
    name: `CN=${clusterId}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3600_000),
    keys,
    signingAlgorithm: KEY_ALGORITHM,
  });
  const pem = `${certificate.toString("pem")}\n`;
  return { clusterId, hubAddresses: ["hub.example:8443"], privateKeyPem: await exportPrivateKeyPem(keys.privateKey), certificatePem: pem, caCertificatePem: pem };
}

describe("IdentityStore", () => {
  let stateDir: string;

  beforeEach(async () => {
    stateDir = join(await mkdtemp(join(tmpdir(), "lifeboat-identity-")), "state");
  });

  afterEach(async () => {
    await rm(join(stateDir, ".."), { recursive: true, force: true });
  });

  it("has no identity in a state directory that does not exist yet", async () => {
    expect(await new IdentityStore(stateDir).load()).toBeUndefined();
  });

  it("stores an identity as 0600 files and loads it back", async () => {
    const store = new IdentityStore(stateDir);
    const identity = await makeIdentity("c-1");
    await store.save(identity);
    expect(await store.load()).toEqual(identity);
    expect(((await stat(stateDir)).mode & 0o777).toString(8)).toBe("700");
    expect((await readdir(store.directory)).sort()).toEqual(["ca.crt", "cluster-id", "hub-address", "tls.crt", "tls.key"]);
    for (const file of await readdir(store.directory)) {
      expect(((await stat(join(store.directory, file))).mode & 0o777).toString(8)).toBe("600");
    }
  });

  it("keeps several hub addresses, one per line, and reads a state directory written with one", async () => {
    const store = new IdentityStore(stateDir);
    const identity = { ...(await makeIdentity("c-1")), hubAddresses: ["hub-1.example:8443", "hub-2.example:8443"] };
    await store.save(identity);
    expect(await readFile(join(store.directory, "hub-address"), "utf8")).toBe("hub-1.example:8443\nhub-2.example:8443\n");
    expect((await store.load())?.hubAddresses).toEqual(["hub-1.example:8443", "hub-2.example:8443"]);
    // As an agent that knew one address wrote it.
    await writeFile(join(store.directory, "hub-address"), "hub.example:8443\n");
    expect((await store.load())?.hubAddresses).toEqual(["hub.example:8443"]);
  });

  it("replaces the identity in one step and leaves no old generation behind", async () => {
    const store = new IdentityStore(stateDir);
    await store.save(await makeIdentity("c-1"));
    const firstTarget = await readlink(store.directory);
    const renewed = await makeIdentity("c-1");
    await store.save(renewed);
    expect(await readlink(store.directory)).not.toBe(firstTarget);
    expect(await store.load()).toEqual(renewed);
    expect((await readdir(stateDir)).filter((name) => name.startsWith("identity-"))).toEqual([await readlink(store.directory)]);
  });

  it("refuses an identity whose certificate is not for its key, saying what to do", async () => {
    const store = new IdentityStore(stateDir);
    await store.save(await makeIdentity("c-1"));
    await writeFile(join(store.directory, "tls.crt"), (await makeIdentity("c-2")).certificatePem);
    await expect(store.load()).rejects.toMatchObject({ code: "CORRUPT", message: expect.stringContaining("register again") });
  });

  it("refuses an incomplete identity, naming the missing file", async () => {
    const store = new IdentityStore(stateDir);
    await store.save(await makeIdentity("c-1"));
    await rm(join(store.directory, "cluster-id"));
    await expect(store.load()).rejects.toMatchObject({ code: "CORRUPT", message: expect.stringContaining("cluster-id") });
  });
});
