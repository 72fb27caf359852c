import { webcrypto, X509Certificate as NodeX509 } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CertificateAuthority, createCertificateAuthority } from "./certificate-authority.js";
import { x509 } from "./crypto.js";
import { readPeerIdentity } from "./peer-identity.js";

const ec = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

async function makeCsr(algorithm: EcKeyGenParams | RsaHashedKeyGenParams = ec, subject = "CN=ignored"): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: subject, keys, signingAlgorithm: algorithm });
  return csr.toString("pem");
}

describe("hub CA", () => {
  it("is a self-signed P-256 CA valid for ten years", async () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const material = await createCertificateAuthority({ now });
    const certificate = new NodeX509(material.certificatePem);
    expect(certificate.ca).toBe(true);
    expect(certificate.checkIssued(certificate)).toBe(true);
    expect(new Date(certificate.validTo).getUTCFullYear()).toBe(2039);
    expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(material.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it("refuses to load a key that is not the certificate's", async () => {
    const a = await createCertificateAuthority();
    const b = await createCertificateAuthority();
    await expect(CertificateAuthority.load({ certificatePem: a.certificatePem, privateKeyPem: b.privateKeyPem })).rejects.toMatchObject({
      code: "CORRUPT",
      field: "ca.key",
    });
  });
});

describe("client certificates", () => {
  it("signs a CSR for a cluster: CN and URI SAN name it, client auth only, 90 days, random serial", async () => {
    const ca = await CertificateAuthority.load(await createCertificateAuthority());
    const now = new Date();
    const issued = await ca.issueClientCertificate(await makeCsr(), "c-1234", { now });
    const certificate = new NodeX509(issued.certificatePem);
    expect(certificate.verify(new NodeX509(ca.certificatePem).publicKey)).toBe(true);
    expect(certificate.subject).toContain("CN=c-1234");
    expect(certificate.subjectAltName).toBe("URI:lifeboat://cluster/c-1234");
    expect(certificate.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(certificate.ca).toBe(false);
    expect(issued.serial).toMatch(/^[0-9a-f]{32}$/);
    expect(certificate.serialNumber.toLowerCase()).toBe(issued.serial);
    const days = (issued.notAfter.getTime() - now.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(90);
    const again = await ca.issueClientCertificate(await makeCsr(), "c-1234");
    expect(again.serial).not.toBe(issued.serial);
  });

  it("takes the validity it is given and ignores the CSR's subject", async () => {
    const ca = await CertificateAuthority.load(await createCertificateAuthority());
    const issued = await ca.issueClientCertificate(await makeCsr(ec, "CN=admin,O=system:masters"), "c-9", { validityDays: 7 });
    const certificate = new NodeX509(issued.certificatePem);
    expect(certificate.subject).not.toContain("system:masters");
    expect(Math.round((issued.notAfter.getTime() - Date.now()) / 86_400_000)).toBe(7);
  });

  it("accepts an RSA 2048 CSR", async () => {
    const ca = await CertificateAuthority.load(await createCertificateAuthority());
    const rsa = { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
    const issued = await ca.issueClientCertificate(await makeCsr(rsa), "c-rsa");
    expect(new NodeX509(issued.certificatePem).publicKey.asymmetricKeyType).toBe("rsa");
  });

  it("refuses a CSR that is empty, not PEM, or whose signature does not verify, naming the field", async () => {
    const ca = await CertificateAuthority.load(await createCertificateAuthority());
    await expect(ca.issueClientCertificate("", "c-1")).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "csr_pem" });
    await expect(ca.issueClientCertificate("hello", "c-1", { csrField: "renew_certificate.csr_pem" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      field: "renew_certificate.csr_pem",
      message: expect.stringMatching(/no "-----BEGIN CERTIFICATE REQUEST-----"/),
    });
    // Flip a byte inside the signature (the last bytes of the DER).
    const pem = await makeCsr();
    const der = Buffer.from(x509.PemConverter.decodeFirst(pem));
    der[der.length - 3] = der[der.length - 3]! ^ 0x01;
    const tampered = x509.PemConverter.encode(der, "CERTIFICATE REQUEST");
    await expect(ca.issueClientCertificate(tampered, "c-1")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});

describe("peer identity", () => {
  it("reads the cluster id and serial back from the certificate's DER", async () => {
    const ca = await CertificateAuthority.load(await createCertificateAuthority());
    const issued = await ca.issueClientCertificate(await makeCsr(), "c-abc");
    const identity = readPeerIdentity(new NodeX509(issued.certificatePem).raw);
    expect(identity).toEqual({ clusterId: "c-abc", serial: issued.serial, notAfter: issued.notAfter });
  });

  it("refuses a certificate without a cluster URI, even one our CA signed (the serving certificate)", async () => {
    const ca = await CertificateAuthority.load(await createCertificateAuthority());
    const serving = await ca.issueServingCertificate(["hub.example.com"]);
    expect(() => readPeerIdentity(new NodeX509(serving.certificatePem).raw)).toThrow(/names no cluster/);
  });
});

describe("serving certificate", () => {
  it("covers loopback and the configured names, for server auth", async () => {
    const ca = await CertificateAuthority.load(await createCertificateAuthority());
    const serving = await ca.issueServingCertificate(["hub.example.com", "10.0.0.7"]);
    const certificate = new NodeX509(serving.certificatePem);
    expect(certificate.subjectAltName?.split(", ").sort()).toEqual(
      ["DNS:hub.example.com", "DNS:localhost", "IP Address:10.0.0.7", "IP Address:127.0.0.1"].sort(),
    );
    expect(certificate.checkHost("hub.example.com")).toBe("hub.example.com");
    expect(certificate.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
  });
});
