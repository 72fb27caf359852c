import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new admin credential: 32 random bytes, base64url, with a recognisable prefix. */
export function newAdminCredential(): string {
  return `lba_${randomBytes(32).toString("base64url")}`;
}

/** SHA-256 of a credential, hex: all the hub keeps of it (the credential is 256 random bits). */
export function hashAdminCredential(credential: string): string {
  return createHash("sha256").update(credential, "utf8").digest("hex");
}

/** Whether `presented` is the credential whose hash is `expectedSha256`, compared in constant time. */
export function isAdminCredential(presented: string, expectedSha256: string): boolean {
  const actual = createHash("sha256").update(presented, "utf8").digest();
  const expected = Buffer.from(expectedSha256, "hex");
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
