import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deriveRepositoryKeys } from "./derive-keys.js";
import { SEAL_OVERHEAD, openWithKey, sealWithKey } from "./seal.js";

const key = randomBytes(32);
const aad = Buffer.from("snapshots/0123");

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe("sealWithKey / openWithKey", () => {
  it("round-trips any plaintext, adding exactly the nonce and tag", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (plaintext) => {
        const sealed = sealWithKey(key, plaintext, aad);
        expect(sealed.length).toBe(plaintext.length + SEAL_OVERHEAD);
        expect(Buffer.from(openWithKey(key, sealed, aad)).equals(Buffer.from(plaintext))).toBe(true);
      }),
    );
  });

  it("round-trips inputs spanning several 64 KiB slices", () => {
    const plaintext = randomBytes(3 * 64 * 1024 + 17);
    expect(Buffer.from(openWithKey(key, sealWithKey(key, plaintext, aad), aad)).equals(plaintext)).toBe(true);
  });

  it("uses a fresh nonce each time", () => {
    const a = sealWithKey(key, Buffer.from("same"), aad);
    const b = sealWithKey(key, Buffer.from("same"), aad);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it("reports CORRUPT, naming the value, when any byte is flipped", () => {
    const sealed = sealWithKey(key, Buffer.from("a record worth keeping"), aad);
    fc.assert(
      fc.property(fc.nat({ max: sealed.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const changed = Buffer.from(sealed);
        changed[at]! ^= mask;
        expect(() => openWithKey(key, changed, aad, "record snapshots/x")).toThrow(
          /record snapshots\/x failed authentication: the data was changed or the key is wrong/,
        );
        expect(codeOf(() => openWithKey(key, changed, aad))).toBe("CORRUPT");
      }),
    );
  });

  it("reports CORRUPT for a different aad, a different key, or a truncated value", () => {
    const sealed = sealWithKey(key, Buffer.from("payload"), aad);
    expect(codeOf(() => openWithKey(key, sealed, Buffer.from("snapshots/other")))).toBe("CORRUPT");
    expect(codeOf(() => openWithKey(randomBytes(32), sealed, aad))).toBe("CORRUPT");
    expect(codeOf(() => openWithKey(key, sealed.subarray(0, SEAL_OVERHEAD - 1), aad))).toBe("CORRUPT");
  });

  it("refuses a key that is not 32 bytes without showing it", () => {
    expect(codeOf(() => sealWithKey(randomBytes(16), Buffer.alloc(1), aad))).toBe("INVALID_ARGUMENT");
  });
});

describe("deriveRepositoryKeys", () => {
  it("derives two distinct 32-byte keys, the same each time for one master key", async () => {
    const master = randomBytes(64);
    const a = await deriveRepositoryKeys(master);
    const b = await deriveRepositoryKeys(master);
    expect(a.contentIdKey.length).toBe(32);
    expect(a.encryptionKey.length).toBe(32);
    expect(a.contentIdKey.equals(a.encryptionKey)).toBe(false);
    expect(a.contentIdKey.equals(b.contentIdKey) && a.encryptionKey.equals(b.encryptionKey)).toBe(true);
  });

  it("pins the derivation, so a change to the info strings fails loudly", async () => {
    const keys = await deriveRepositoryKeys(Buffer.alloc(64, 7));
    expect(keys.contentIdKey.toString("hex")).toMatchInlineSnapshot(`"becba7649b6d0b98194d8f3e81dca64f70a7f73e186df5b3db4be9a6b5c0eb86"`);
    expect(keys.encryptionKey.toString("hex")).toMatchInlineSnapshot(`"8dd1202a7948174431df25df728394d40b53a5a9dbecfb050c7a29260b23bfa3"`);
  });
});
