import { describe, expect, it } from "vitest";
import { parseRepositoryConfig, serializeRepositoryConfig, type RepositoryConfig } from "./repository-config.js";

const valid: RepositoryConfig = {
  format: 1,
  id: "0123456789abcdef0123456789abcdef",
  created: "2026-11-24T02:00:00.000Z",
  keys: [
    {
      id: "0123456789abcdef",
      created: "2026-11-24T02:00:00.000Z",
      host: "laptop",
      kdf: { name: "scrypt", N: 32768, r: 8, p: 1, salt: Buffer.alloc(16, 1).toString("base64") },
      wrapped: Buffer.alloc(92, 2).toString("base64"),
    },
  ],
};

function parse(value: unknown): RepositoryConfig {
  return parseRepositoryConfig(Buffer.from(JSON.stringify(value)), "repository at file:///repo");
}

function problem(value: unknown): { code?: string; field?: string; message: string } {
  try {
    parse(value);
  } catch (err) {
    return err as { code?: string; field?: string; message: string };
  }
  throw new Error("expected the config to be refused");
}

const slot = valid.keys[0]!;

describe("parseRepositoryConfig", () => {
  it("reads back what serializeRepositoryConfig writes", () => {
    expect(parseRepositoryConfig(serializeRepositoryConfig(valid), "x")).toEqual(valid);
  });

  it.each([
    ["a short repository id", { ...valid, id: "abc" }, "id"],
    ["an upper-case repository id", { ...valid, id: valid.id.toUpperCase() }, "id"],
    ["a created time that is not ISO", { ...valid, created: "yesterday" }, "created"],
    ["no key slots", { ...valid, keys: [] }, "keys"],
    ["an unknown top-level field", { ...valid, extra: 1 }, "extra"],
    ["a bad slot id", { ...valid, keys: [{ ...slot, id: "xyz" }] }, "keys[0].id"],
    ["duplicate slot ids", { ...valid, keys: [slot, slot] }, "keys[1].id"],
    ["another kdf", { ...valid, keys: [{ ...slot, kdf: { ...slot.kdf, name: "argon2" } }] }, "keys[0].kdf.name"],
    ["N not a power of two", { ...valid, keys: [{ ...slot, kdf: { ...slot.kdf, N: 1000 } }] }, "keys[0].kdf.N"],
    ["an enormous N", { ...valid, keys: [{ ...slot, kdf: { ...slot.kdf, N: 2 ** 30 } }] }, "keys[0].kdf.N"],
    ["r as a string", { ...valid, keys: [{ ...slot, kdf: { ...slot.kdf, r: "8" } }] }, "keys[0].kdf.r"],
    ["a short salt", { ...valid, keys: [{ ...slot, kdf: { ...slot.kdf, salt: "AAAA" } }] }, "keys[0].kdf.salt"],
    ["a wrapped key of the wrong size", { ...valid, keys: [{ ...slot, wrapped: "AAAA" }] }, "keys[0].wrapped"],
    ["a wrapped key that is not base64", { ...valid, keys: [{ ...slot, wrapped: "!!!!" }] }, "keys[0].wrapped"],
    ["a numeric host", { ...valid, keys: [{ ...slot, host: 5 }] }, "keys[0].host"],
  ])("refuses %s as CORRUPT, naming the field", (_, config, field) => {
    const err = problem(config);
    expect(err.code).toBe("CORRUPT");
    expect(err.field).toBe(field);
    expect(err.message).toContain(field);
  });

  it("refuses a format it does not know as FAILED_PRECONDITION", () => {
    expect(problem({ ...valid, format: 2 }).code).toBe("FAILED_PRECONDITION");
  });

  it("refuses a format that is not a number as CORRUPT", () => {
    expect(problem({ ...valid, format: "1" }).code).toBe("CORRUPT");
  });

  it("refuses JSON that is not an object, and text that is not JSON", () => {
    expect(problem([valid]).code).toBe("CORRUPT");
    expect(() => parseRepositoryConfig(Buffer.from("{"), "x")).toThrow(/not valid JSON/);
  });
});
