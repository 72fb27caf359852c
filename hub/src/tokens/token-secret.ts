import { createHash, randomBytes } from "node:crypto";

// Recognisable in a leaked log or a secret scanner, like GitHub's "ghp_".
const SECRET_PREFIX = "lbt_";

/** A new registration token secret: 32 random bytes, base64url, with a recognisable prefix. */
export function newTokenSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64url");
}

/**
 * What the hub stores and looks a token up by: SHA-256 of the secret, hex. The secret is 256
 * random bits, so a plain hash cannot be reversed or guessed (no salt or slow hash needed, unlike
 * a password), and a lookup by hash reveals nothing through timing.
 */
export function hashTokenSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}
