import { hkdf } from "node:crypto";
import { promisify } from "node:util";
import { LifeboatError } from "../../errors/index.js";

const hkdfAsync = promisify(hkdf);

export const MASTER_KEY_BYTES = 64;

/** The subkeys every layer above uses; the master key itself stays inside keys/. */
export interface RepositoryKeys {
  /** 32-byte key of the keyed BLAKE3 hash that names content. */
  contentIdKey: Buffer;
  /** 32-byte AES-256-GCM key for content, indexes and records. */
  encryptionKey: Buffer;
}

// The info strings are part of the format: changing one changes every content id and key.
const CONTENT_ID_INFO = "lifeboat content id";
const ENCRYPTION_INFO = "lifeboat encryption";

/** Derives the subkeys from a 64-byte master key with HKDF-SHA-256 (no salt: the master key is uniform). */
export async function deriveRepositoryKeys(master: Uint8Array): Promise<RepositoryKeys> {
  if (master.length !== MASTER_KEY_BYTES) {
    throw new LifeboatError("INVALID_ARGUMENT", `a master key must be ${MASTER_KEY_BYTES} bytes, not ${master.length}`, {
      field: "masterKey",
    });
  }
  const [contentIdKey, encryptionKey] = await Promise.all([
    hkdfAsync("sha256", master, new Uint8Array(0), CONTENT_ID_INFO, 32),
    hkdfAsync("sha256", master, new Uint8Array(0), ENCRYPTION_INFO, 32),
  ]);
  return { contentIdKey: Buffer.from(contentIdKey), encryptionKey: Buffer.from(encryptionKey) };
}
