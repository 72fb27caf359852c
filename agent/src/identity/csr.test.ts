import "reflect-metadata";
import { createPrivateKey, createPublicKey, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { describe, expect, it } from "vitest";
import { createCsr } from "./csr.js";
import { exportPrivateKeyPem, generateKeyPair } from "./key-pair.js";

async function spki(key: CryptoKey): Promise<Buffer> {
  return Buffer.from(await webcrypto.subtle.exportKey("spki", key as unknown as webcrypto.CryptoKey));
}

describe("key pair and CSR", () => {
  it("creates a CSR that parses, verifies, names the fingerprint and carries the agent's public key", async () => {
    const keys = await generateKeyPair();
    const pem = await createCsr(keys, "0b6c2c57-9a4e-4b8e-a1de-3c2f4d5e6f70");
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n[\s\S]+-----END CERTIFICATE REQUEST-----\n$/);
    const csr = new x509.Pkcs10CertificateRequest(pem);
    expect(await csr.verify()).toBe(true);
    expect(csr.subject).toBe("CN=0b6c2c57-9a4e-4b8e-a1de-3c2f4d5e6f70");
    expect(csr.signatureAlgorithm).toMatchObject({ name: "ECDSA", hash: { name: "SHA-256" } });
    expect(Buffer.from(csr.publicKey.rawData).equals(await spki(keys.publicKey))).toBe(true);
  });

  it("no longer verifies once its contents are altered", async () => {
    const csr = new x509.Pkcs10CertificateRequest(await createCsr(await generateKeyPair(), "cluster-aaaa"));
    const der = Buffer.from(csr.rawData);
    const at = der.indexOf(Buffer.from("cluster-aaaa"));
    expect(at).toBeGreaterThan(0);
    der[at + "cluster-".length] = "b".charCodeAt(0);
    const altered = new x509.Pkcs10CertificateRequest(der);
    expect(altered.subject).toBe("CN=cluster-baaa");
    expect(await altered.verify()).toBe(false);
  });

  it("exports the private key as PKCS#8 PEM that OpenSSL reads back to the same key pair", async () => {
    const keys = await generateKeyPair();
    const pem = await exportPrivateKeyPem(keys.privateKey);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const privateKey = createPrivateKey(pem);
    expect(privateKey.asymmetricKeyType).toBe("ec");
    expect(privateKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    const derived = createPublicKey(privateKey).export({ type: "spki", format: "der" });
    expect(derived.equals(await spki(keys.publicKey))).toBe(true);
  });
});
