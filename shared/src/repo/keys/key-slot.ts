// One key slot: the master key sealed under a key derived from a password by scrypt.
import { randomBytes, scrypt, type ScryptOptions } from "node:crypto";
import { LifeboatError } from "../../errors/index.js";
import type { KeySlot, ScryptParams } from "./repository-config.js";
import { scryptCostProblem } from "./repository-config.js";
import { openWithKey, sealWithKey } from "./seal.js";

/** Scrypt cost for new slots: N=2^15, r=8, p=1 takes about 32 MiB and 0.1 s per try. */
export const DEFAULT_SCRYPT_COST = { N: 32768, r: 8, p: 1 } as const;

export type ScryptCost = { N: number; r: number; p: number };

export interface NewSlotOptions {
  /** Scrypt cost; tests pass a small N for speed. */
  kdf?: Partial<ScryptCost>;
  /** Recorded in the slot so `listKeys` can say where a password was added. */
  host?: string;
  now?: Date;
}

const SALT_BYTES = 16;

function deriveWrappingKey(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node refuses anything above maxmem (32 MiB by default), so
  // allow twice the need rather than fail on the default cost itself.
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  // NFC, so a password typed on macOS (NFD input) opens a slot made on Linux.
  const secret = Buffer.from(password.normalize("NFC"), "utf8");
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, 32, options, (err, key) => {
      secret.fill(0);
      if (err) reject(new LifeboatError("INTERNAL", `scrypt failed: ${err.message}`, { cause: err }));
      else resolve(key);
    });
  });
}

/** The AAD binding a slot to its repository and its own id, so it cannot be moved or renamed. */
function slotAad(repositoryId: string, keyId: string): Buffer {
  return Buffer.from(`lifeboat key slot ${repositoryId} ${keyId}`, "utf8");
}

export function checkPassword(password: unknown, field = "password"): asserts password is string {
  if (typeof password !== "string" || password.length === 0) {
    throw new LifeboatError("INVALID_ARGUMENT", `the ${field} must be a non-empty string`, { field });
  }
}

/** Wraps `master` under `password` into a new slot with a fresh id and salt. */
export async function createKeySlot(
  repositoryId: string,
  master: Uint8Array,
  password: string,
  options: NewSlotOptions = {},
): Promise<KeySlot> {
  checkPassword(password);
  const cost = { ...DEFAULT_SCRYPT_COST, ...options.kdf };
  const problem = scryptCostProblem(cost);
  if (problem) {
    throw new LifeboatError("INVALID_ARGUMENT", `scrypt ${problem.field} ${cost[problem.field]} is not valid: ${problem.valid}`, {
      field: `kdf.${problem.field}`,
      value: String(cost[problem.field]),
    });
  }
  const id = randomBytes(8).toString("hex");
  const salt = randomBytes(SALT_BYTES);
  const wrappingKey = await deriveWrappingKey(password, salt, cost);
  const wrapped = sealWithKey(wrappingKey, master, slotAad(repositoryId, id));
  wrappingKey.fill(0);
  const kdf: ScryptParams = { name: "scrypt", N: cost.N, r: cost.r, p: cost.p, salt: salt.toString("base64") };
  const slot: KeySlot = { id, created: (options.now ?? new Date()).toISOString(), kdf, wrapped: Buffer.from(wrapped).toString("base64") };
  if (options.host !== undefined) slot.host = options.host;
  return slot;
}

/** The master key if `password` opens `slot`, else undefined (a wrong password is not an error here). */
export async function openKeySlot(repositoryId: string, slot: KeySlot, password: string): Promise<Buffer | undefined> {
  const wrappingKey = await deriveWrappingKey(password, Buffer.from(slot.kdf.salt, "base64"), slot.kdf);
  try {
    return Buffer.from(openWithKey(wrappingKey, Buffer.from(slot.wrapped, "base64"), slotAad(repositoryId, slot.id)));
  } catch {
    // GCM cannot tell a wrong password from a damaged slot; both simply do not open.
    return undefined;
  } finally {
    wrappingKey.fill(0);
  }
}
