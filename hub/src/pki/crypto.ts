// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the Reflect
// metadata polyfill loaded before the library itself.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { LifeboatError } from "@lifeboat/shared";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };

/**
 * Every key the hub makes (its CA, its serving key) is ECDSA P-256: small, fast to sign with, and
 * accepted by every TLS stack the agent or CLI may use.
 */
export const HUB_KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(HUB_KEY_ALGORITHM, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
}

/** PKCS#8 PEM of a private key, as the hub writes key files. */
export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key as unknown as webcrypto.CryptoKey);
  return toPem(der, "PRIVATE KEY");
}

/**
 * Reads a PKCS#8 P-256 private key the hub wrote. Throws CORRUPT naming `what` (a file name, never
 * the key) when it is not one.
 */
export async function importPrivateKeyPem(pem: string, what: string): Promise<CryptoKey> {
  try {
    const der = x509.PemConverter.decodeFirst(pem);
    return (await webcrypto.subtle.importKey("pkcs8", der, HUB_KEY_ALGORITHM, false, ["sign"])) as unknown as CryptoKey;
  } catch (err) {
    throw new LifeboatError("CORRUPT", `${what} is not a PKCS#8 ECDSA P-256 private key in PEM`, { field: what, cause: err });
  }
}

export function certificatePem(certificate: x509.X509Certificate): string {
  return `${certificate.toString("pem")}\n`;
}

function toPem(der: ArrayBuffer, label: string): string {
  const base64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${base64}${base64.endsWith("\n") ? "" : "\n"}-----END ${label}-----\n`;
}
