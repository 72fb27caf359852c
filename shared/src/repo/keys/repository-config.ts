// repository.json: the only unencrypted blob of a repository. It names the repository and holds
// the key slots, each the master key wrapped under one password. Read strictly: a field that is
// not exactly what this version writes is refused, so a damaged or foreign file never half-loads.
import { LifeboatError } from "../../errors/index.js";
import { MASTER_KEY_BYTES } from "./derive-keys.js";
import { SEAL_OVERHEAD } from "./seal.js";

export const REPOSITORY_CONFIG_BLOB = "repository.json";
export const REPOSITORY_FORMAT = 1;

export interface ScryptParams {
  name: "scrypt";
  N: number;
  r: number;
  p: number;
  /** Base64 of at least 16 random bytes. */
  salt: string;
}

export interface KeySlot {
  /** 16 lowercase hex characters. */
  id: string;
  created: string;
  host?: string;
  kdf: ScryptParams;
  /** Base64 of nonce | AES-256-GCM(master key) | tag. */
  wrapped: string;
}

export interface RepositoryConfig {
  format: typeof REPOSITORY_FORMAT;
  /** 32 lowercase hex characters. */
  id: string;
  created: string;
  keys: KeySlot[];
}

const REPOSITORY_ID = /^[0-9a-f]{32}$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
// Bounds keep a hostile repository.json from making unlock allocate gigabytes or spin for hours.
export const SCRYPT_LIMITS = { maxN: 1 << 22, maxR: 32, maxP: 16, minSaltBytes: 16 } as const;
const WRAPPED_BYTES = MASTER_KEY_BYTES + SEAL_OVERHEAD;

export function isRepositoryId(value: unknown): value is string {
  return typeof value === "string" && REPOSITORY_ID.test(value);
}

export function isKeyId(value: unknown): value is string {
  return typeof value === "string" && KEY_ID.test(value);
}

/** What is wrong with scrypt cost parameters, or undefined when they are within bounds. */
export function scryptCostProblem(cost: { readonly [K in "N" | "r" | "p"]?: unknown }): { field: "N" | "r" | "p"; valid: string } | undefined {
  const { N, r, p } = cost;
  if (typeof N !== "number" || !Number.isSafeInteger(N) || N < 2 || N > SCRYPT_LIMITS.maxN || (N & (N - 1)) !== 0) {
    return { field: "N", valid: `a power of two from 2 to ${SCRYPT_LIMITS.maxN}` };
  }
  if (typeof r !== "number" || !Number.isSafeInteger(r) || r < 1 || r > SCRYPT_LIMITS.maxR) {
    return { field: "r", valid: `an integer from 1 to ${SCRYPT_LIMITS.maxR}` };
  }
  if (typeof p !== "number" || !Number.isSafeInteger(p) || p < 1 || p > SCRYPT_LIMITS.maxP) {
    return { field: "p", valid: `an integer from 1 to ${SCRYPT_LIMITS.maxP}` };
  }
  return undefined;
}

/**
 * Parses and validates the bytes of repository.json. Throws CORRUPT for malformed JSON or a
 * bad field (naming it), FAILED_PRECONDITION for a format this version does not know.
 */
export function parseRepositoryConfig(bytes: Uint8Array, where: string): RepositoryConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (cause) {
    throw new LifeboatError("CORRUPT", `${where}: repository.json is not valid JSON`, {
      field: REPOSITORY_CONFIG_BLOB,
      cause,
    });
  }
  const bad = (field: string, value: unknown, valid: string): never => {
    const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 80)) : String(value);
    throw new LifeboatError("CORRUPT", `${where}: repository.json field ${field} ${shown} is not valid: ${valid}`, {
      field,
      value: typeof value === "string" ? value.slice(0, 80) : String(value),
    });
  };
  if (!isPlainObject(raw)) return bad("(root)", typeof raw, "an object");
  if (raw.format !== REPOSITORY_FORMAT) {
    if (typeof raw.format === "number") {
      throw new LifeboatError(
        "FAILED_PRECONDITION",
        `${where}: repository format ${raw.format} is not supported: this Lifeboat reads format ${REPOSITORY_FORMAT}`,
        { field: "format", value: String(raw.format) },
      );
    }
    bad("format", raw.format, `the number ${REPOSITORY_FORMAT}`);
  }
  checkKeys(raw, ["format", "id", "created", "keys"], "", bad);
  if (!isRepositoryId(raw.id)) bad("id", raw.id, "32 lowercase hex characters");
  if (!isIsoTime(raw.created)) bad("created", raw.created, "an ISO 8601 UTC time");
  if (!Array.isArray(raw.keys) || raw.keys.length === 0) bad("keys", raw.keys, "a non-empty array of key slots");
  const keys = (raw.keys as unknown[]).map((slot, i) => parseSlot(slot, `keys[${i}]`, bad));
  const ids = new Set<string>();
  for (const [i, slot] of keys.entries()) {
    if (ids.has(slot.id)) bad(`keys[${i}].id`, slot.id, "unique among the key slots");
    ids.add(slot.id);
  }
  return { format: REPOSITORY_FORMAT, id: raw.id as string, created: raw.created as string, keys };
}

type Bad = (field: string, value: unknown, valid: string) => never;

function parseSlot(raw: unknown, at: string, bad: Bad): KeySlot {
  if (!isPlainObject(raw)) return bad(at, typeof raw, "an object");
  checkKeys(raw, ["id", "created", "host", "kdf", "wrapped"], `${at}.`, bad);
  if (!isKeyId(raw.id)) bad(`${at}.id`, raw.id, "16 lowercase hex characters");
  if (!isIsoTime(raw.created)) bad(`${at}.created`, raw.created, "an ISO 8601 UTC time");
  if (raw.host !== undefined && (typeof raw.host !== "string" || raw.host.length > 253)) {
    bad(`${at}.host`, raw.host, "a host name string");
  }
  const kdf = raw.kdf;
  if (!isPlainObject(kdf)) return bad(`${at}.kdf`, typeof kdf, "an object");
  checkKeys(kdf, ["name", "N", "r", "p", "salt"], `${at}.kdf.`, bad);
  if (kdf.name !== "scrypt") bad(`${at}.kdf.name`, kdf.name, '"scrypt"');
  const problem = scryptCostProblem(kdf);
  if (problem) bad(`${at}.kdf.${problem.field}`, kdf[problem.field], problem.valid);
  if (!isBase64(kdf.salt) || Buffer.from(kdf.salt, "base64").length < SCRYPT_LIMITS.minSaltBytes) {
    bad(`${at}.kdf.salt`, kdf.salt, `base64 of at least ${SCRYPT_LIMITS.minSaltBytes} bytes`);
  }
  if (!isBase64(raw.wrapped) || Buffer.from(raw.wrapped, "base64").length !== WRAPPED_BYTES) {
    bad(`${at}.wrapped`, raw.wrapped, `base64 of exactly ${WRAPPED_BYTES} bytes`);
  }
  const slot: KeySlot = {
    id: raw.id as string,
    created: raw.created as string,
    kdf: { name: "scrypt", N: kdf.N as number, r: kdf.r as number, p: kdf.p as number, salt: kdf.salt as string },
    wrapped: raw.wrapped as string,
  };
  if (raw.host !== undefined) slot.host = raw.host as string;
  return slot;
}

/** Serialises a config for storage; stable key order, so equal configs give equal bytes. */
export function serializeRepositoryConfig(config: RepositoryConfig): Uint8Array {
  return Buffer.from(`${JSON.stringify(config, null, 2)}\n`, "utf8");
}

function checkKeys(raw: Record<string, unknown>, allowed: string[], at: string, bad: Bad): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) bad(`${at}${key}`, "(present)", `not a field of format ${REPOSITORY_FORMAT}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isBase64(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && BASE64.test(value);
}

function isIsoTime(value: unknown): value is string {
  return typeof value === "string" && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}
