// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the Reflect
// metadata polyfill loaded first.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { KEY_ALGORITHM } from "./key-pair.js";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/**
 * A PKCS#10 certificate signing request, PEM, for `keys`, signed with the private key so the hub
 * can tell the requester holds it. The hub ignores the subject and names the certificate after
 * the cluster; `commonName` (the fingerprint) only helps a human reading the request.
 */
export async function createCsr(keys: CryptoKeyPair, commonName: string): Promise<string> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [commonName] }],
    keys,
    signingAlgorithm: KEY_ALGORITHM,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    ],
  });
  return `${csr.toString("pem")}\n`;
}
