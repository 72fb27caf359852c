import "reflect-metadata";
import { webcrypto } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import * as x509 from "@peculiar/x509";
import { RenewedCertificateSchema } from "@lifeboat/proto";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IdentityStore, exportPrivateKeyPem, generateKeyPair, type AgentIdentity } from "../identity/index.js";
import { CertificateRenewer } from "./certificate-renewer.js";

const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const MINUTE = 60_000;

/** A CA that signs certificates for given public keys, like the hub's. */
async function makeCa() {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const keys = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=test-ca",
    notBefore: new Date(Date.now() - 60 * MINUTE),
    notAfter: new Date(Date.now() + 600 * MINUTE),
    keys,
    signingAlgorithm: algorithm,
  });
  return {
    pem: `${certificate.toString("pem")}\n`,
    async sign(publicKey: CryptoKey | x509.PublicKey, ageMs: number, lifetimeMs: number) {
      const notBefore = new Date(Date.now() - ageMs);
      const issued = await x509.X509CertificateGenerator.create({
        serialNumber: String(Date.now() % 1e9),
        subject: "CN=c-1",
        issuer: certificate.subject,
        notBefore,
        notAfter: new Date(notBefore.getTime() + lifetimeMs),
        publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: algorithm,
      });
      return `${issued.toString("pem")}\n`;
    },
  };
}

describe("CertificateRenewer", () => {
  let dir: string;
  let store: IdentityStore;
  let ca: Awaited<ReturnType<typeof makeCa>>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "lifeboat-renewer-"));
    store = new IdentityStore(dir);
    ca = await makeCa();
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function identityAged(ageMs: number, lifetimeMs: number): Promise<AgentIdentity> {
    const keys = await generateKeyPair();
    return {
      clusterId: "c-1",
      hubAddresses: ["hub:8443"],
      privateKeyPem: await exportPrivateKeyPem(keys.privateKey),
      certificatePem: await ca.sign(keys.publicKey, ageMs, lifetimeMs),
      caCertificatePem: ca.pem,
    };
  }

  it("asks nothing while more than a third of the certificate's life is left", async () => {
    const renewer = new CertificateRenewer(store, pino({ level: "silent" }));
    expect(await renewer.csrIfDue(await identityAged(50 * MINUTE, 90 * MINUTE), {}, 0)).toBeUndefined();
  });

  it("asks once per stream when due, for the same new key until answered, and stores the answer with that key", async () => {
    const renewer = new CertificateRenewer(store, pino({ level: "silent" }));
    const identity = await identityAged(70 * MINUTE, 90 * MINUTE);
    const firstStream = {};
    const csrPem = await renewer.csrIfDue(identity, firstStream, 0);
    expect(csrPem).toContain("BEGIN CERTIFICATE REQUEST");
    expect(await renewer.csrIfDue(identity, firstStream, 0)).toBeUndefined();
    expect(await renewer.csrIfDue(identity, {}, 0)).toBe(csrPem);

    const csr = new x509.Pkcs10CertificateRequest(csrPem!);
    const renewed = await renewer.accept(
      identity,
      create(RenewedCertificateSchema, { certificatePem: await ca.sign(csr.publicKey, 0, 90 * MINUTE), caCertificatePem: ca.pem }),
    );
    expect(renewed.privateKeyPem).not.toBe(identity.privateKeyPem);
    expect(await store.load()).toEqual(renewed);
    expect(await renewer.csrIfDue(renewed, {}, 0)).toBeUndefined();
  });

  it("refuses a renewed certificate for another key and keeps asking", async () => {
    const renewer = new CertificateRenewer(store, pino({ level: "silent" }));
    const identity = await identityAged(70 * MINUTE, 90 * MINUTE);
    const csrPem = await renewer.csrIfDue(identity, {}, 0);
    const stranger = await generateKeyPair();
    await expect(
      renewer.accept(identity, create(RenewedCertificateSchema, { certificatePem: await ca.sign(stranger.publicKey, 0, 90 * MINUTE), caCertificatePem: ca.pem })),
    ).rejects.toMatchObject({ code: "INTERNAL" });
    expect(await store.load()).toBeUndefined();
    expect(await renewer.csrIfDue(identity, {}, 0)).toBe(csrPem);
  });
});
