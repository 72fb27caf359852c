import { webcrypto } from "node:crypto";

/** ECDSA P-256: small keys and signatures, and what the hub's CA signs with too. */
export const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/**
 * A fresh key pair for the agent's client certificate. The private key is extractable only so
 * that it can be written to the identity store; it never leaves the cluster.
 */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
}

/** The private key as PKCS#8 PEM, the form grpc-js and OpenSSL read. */
export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key as unknown as webcrypto.CryptoKey);
  const base64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN PRIVATE KEY-----\n${base64}${base64.endsWith("\n") ? "" : "\n"}-----END PRIVATE KEY-----\n`;
}
