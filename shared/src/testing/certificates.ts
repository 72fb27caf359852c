// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the
// Reflect metadata polyfill loaded first.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface TestCertificateAuthority {
  certificatePem: string;
  certificate: x509.X509Certificate;
  privateKey: CryptoKey;
}

export interface TestCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

/** A fresh self-signed CA, for tests that need mTLS. */
export async function createTestCa(commonName: string): Promise<TestCertificateAuthority> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: `CN=${commonName}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 24 * 3600_000),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { certificatePem: `${certificate.toString("pem")}\n`, certificate, privateKey: keys.privateKey };
}

/** A certificate signed by `ca`: a loopback server's (127.0.0.1, localhost) or a client's. */
export async function issueTestCertificate(
  ca: TestCertificateAuthority,
  options: { commonName: string; usage: "server" | "client" },
): Promise<TestCertificate> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([
      options.usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
    ]),
  ];
  if (options.usage === "server") {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        { type: "ip", value: "127.0.0.1" },
        { type: "dns", value: "localhost" },
      ]),
    );
  }
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: Date.now().toString(16),
    subject: `CN=${options.commonName}`,
    issuer: ca.certificate.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 24 * 3600_000),
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: algorithm,
    extensions,
  });
  const keyDer = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey as unknown as webcrypto.CryptoKey);
  return { certificatePem: `${certificate.toString("pem")}\n`, privateKeyPem: toPem(keyDer, "PRIVATE KEY") };
}

function toPem(der: ArrayBuffer, label: string): string {
  const base64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${base64}${base64.endsWith("\n") ? "" : "\n"}-----END ${label}-----\n`;
}
