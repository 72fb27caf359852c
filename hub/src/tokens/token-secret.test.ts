import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseTokenFields } from "./token-record.js";
import { hashTokenSecret, newTokenSecret } from "./token-secret.js";

describe("token secrets", () => {
  it("are long, random and recognisable", () => {
    const a = newTokenSecret();
    expect(a).toMatch(/^lbt_[A-Za-z0-9_-]{43}$/);
    expect(newTokenSecret()).not.toBe(a);
  });

  it("are stored as their SHA-256, hex", () => {
    const secret = newTokenSecret();
    expect(hashTokenSecret(secret)).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(hashTokenSecret(secret)).not.toContain(secret.slice(4, 12));
  });
});

describe("token records", () => {
  const fields = { id: "tok-1", labels: '{"env":"prod"}', state: "active", createTime: "1000", expireTime: "5000", hash: "abc" };

  it("show an active token past its expiry as expired, and never the hash", () => {
    expect(parseTokenFields(fields, 4999).state).toBe("active");
    const expired = parseTokenFields(fields, 5000);
    expect(expired.state).toBe("expired");
    expect(expired).not.toHaveProperty("hash");
    expect(expired.labels).toEqual({ env: "prod" });
  });

  it("refuse a record with a state the scripts never write", () => {
    expect(() => parseTokenFields({ ...fields, state: "expired" })).toThrow(/CORRUPT|damaged/);
  });
});
