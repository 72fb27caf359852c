// Creating and opening a repository, and managing its passwords. Changing a password re-wraps the
// same master key in a new slot, so no data is rewritten and every content id stays the same.
import { randomBytes } from "node:crypto";
import { LifeboatError, isLifeboatError } from "../../errors/index.js";
import type { BlobStorage } from "../storage/blob-storage.js";
import { MASTER_KEY_BYTES, deriveRepositoryKeys, type RepositoryKeys } from "./derive-keys.js";
import { checkPassword, createKeySlot, openKeySlot, type NewSlotOptions } from "./key-slot.js";
import {
  REPOSITORY_CONFIG_BLOB,
  REPOSITORY_FORMAT,
  parseRepositoryConfig,
  serializeRepositoryConfig,
  type RepositoryConfig,
} from "./repository-config.js";

/** An opened repository: its config, its subkeys, and the slot the password opened. */
export interface UnlockedRepository {
  config: RepositoryConfig;
  keys: RepositoryKeys;
  keyId: string;
}

/** What `listKeys` shows of a slot: never the salt or the wrapped key. */
export interface KeySlotInfo {
  id: string;
  created: string;
  host?: string;
}

// The master key is kept off the returned object, so logging or serialising an
// UnlockedRepository cannot print it; only this module reads it back.
const masterKeys = new WeakMap<UnlockedRepository, Buffer>();

async function unlocked(config: RepositoryConfig, master: Buffer, keyId: string): Promise<UnlockedRepository> {
  const result: UnlockedRepository = { config, keys: await deriveRepositoryKeys(master), keyId };
  masterKeys.set(result, master);
  return result;
}

/**
 * Creates repository.json with a fresh id, master key and one slot for `password`. Writes nothing
 * else. Throws ALREADY_EXISTS when the storage already holds a repository.
 */
export async function initRepositoryConfig(
  storage: BlobStorage,
  password: string,
  options: NewSlotOptions = {},
): Promise<UnlockedRepository> {
  checkPassword(password);
  if (await storage.head(REPOSITORY_CONFIG_BLOB)) {
    throw new LifeboatError("ALREADY_EXISTS", `a repository already exists at ${storage.description}: repository.json is present`, {
      field: "storage",
      value: storage.description,
    });
  }
  const id = randomBytes(16).toString("hex");
  const master = randomBytes(MASTER_KEY_BYTES);
  const slot = await createKeySlot(id, master, password, options);
  const config: RepositoryConfig = { format: REPOSITORY_FORMAT, id, created: slot.created, keys: [slot] };
  await storage.put(REPOSITORY_CONFIG_BLOB, serializeRepositoryConfig(config));
  return unlocked(config, master, slot.id);
}

/** Reads and validates repository.json: NOT_FOUND when absent, CORRUPT or FAILED_PRECONDITION when unreadable. */
export async function readRepositoryConfig(storage: BlobStorage): Promise<RepositoryConfig> {
  let bytes: Uint8Array;
  try {
    bytes = await storage.get(REPOSITORY_CONFIG_BLOB);
  } catch (err) {
    if (isLifeboatError(err) && err.code === "NOT_FOUND") {
      throw new LifeboatError(
        "NOT_FOUND",
        `no repository at ${storage.description}: repository.json is missing (run lifeboat repo init)`,
        { field: "storage", value: storage.description, cause: err },
      );
    }
    throw err;
  }
  return parseRepositoryConfig(bytes, `repository at ${storage.description}`);
}

/**
 * Opens the repository with `password`, trying each slot. Throws UNAUTHENTICATED when no slot
 * opens; writes nothing in any case.
 */
export async function unlockRepository(storage: BlobStorage, password: string): Promise<UnlockedRepository> {
  checkPassword(password);
  const config = await readRepositoryConfig(storage);
  for (const slot of config.keys) {
    const master = await openKeySlot(config.id, slot, password);
    if (master) return unlocked(config, master, slot.id);
  }
  throw new LifeboatError(
    "UNAUTHENTICATED",
    `wrong password for repository ${storage.description}: no key slot opens with it`,
    { field: "password" },
  );
}

/** Adds a slot for `newPassword`; returns the repository as opened by that new slot. */
export async function addKey(
  storage: BlobStorage,
  repository: UnlockedRepository,
  newPassword: string,
  options: NewSlotOptions = {},
): Promise<UnlockedRepository> {
  checkPassword(newPassword, "newPassword");
  const { master, current } = await currentConfig(storage, repository);
  return writeNewSlot(storage, current, master, newPassword, options);
}

/**
 * Replaces the slot `repository` was opened with by a new one for `newPassword`, in one write:
 * the old password stops working, the master key (and so all data) stays.
 */
export async function changePassword(
  storage: BlobStorage,
  repository: UnlockedRepository,
  newPassword: string,
  options: NewSlotOptions = {},
): Promise<UnlockedRepository> {
  checkPassword(newPassword, "newPassword");
  const { master, current } = await currentConfig(storage, repository);
  if (!current.keys.some((slot) => slot.id === repository.keyId)) {
    throw new LifeboatError(
      "FAILED_PRECONDITION",
      `repository ${storage.description}: key slot ${repository.keyId} was removed since the repository was opened`,
      { field: "keyId", value: repository.keyId },
    );
  }
  return writeNewSlot(storage, current, master, newPassword, options, repository.keyId);
}

/** Writes `current` plus a slot for `newPassword`, without slot `replacing`; opens it by the new slot. */
async function writeNewSlot(
  storage: BlobStorage,
  current: RepositoryConfig,
  master: Buffer,
  newPassword: string,
  options: NewSlotOptions,
  replacing?: string,
): Promise<UnlockedRepository> {
  const slot = await createKeySlot(current.id, master, newPassword, options);
  const config = { ...current, keys: [...current.keys.filter((s) => s.id !== replacing), slot] };
  await storage.put(REPOSITORY_CONFIG_BLOB, serializeRepositoryConfig(config));
  return unlocked(config, master, slot.id);
}

/**
 * Removes slot `keyId`. Throws NOT_FOUND for an unknown slot and FAILED_PRECONDITION for the last
 * one, since a repository without a slot can never be opened again.
 */
export async function removeKey(storage: BlobStorage, repository: UnlockedRepository, keyId: string): Promise<RepositoryConfig> {
  const { current } = await currentConfig(storage, repository);
  if (!current.keys.some((slot) => slot.id === keyId)) {
    throw new LifeboatError("NOT_FOUND", `repository ${storage.description} has no key slot ${JSON.stringify(keyId)}`, {
      field: "keyId",
      value: keyId,
    });
  }
  if (current.keys.length === 1) {
    throw new LifeboatError(
      "FAILED_PRECONDITION",
      `key slot ${keyId} is the last one of repository ${storage.description}: add another password before removing it`,
      { field: "keyId", value: keyId },
    );
  }
  const config = { ...current, keys: current.keys.filter((slot) => slot.id !== keyId) };
  await storage.put(REPOSITORY_CONFIG_BLOB, serializeRepositoryConfig(config));
  return config;
}

/** The slots of the repository at `storage`; needs no password, as repository.json is not secret. */
export async function listKeys(storage: BlobStorage): Promise<KeySlotInfo[]> {
  const config = await readRepositoryConfig(storage);
  return config.keys.map(({ id, created, host }) => (host === undefined ? { id, created } : { id, created, host }));
}

// Key changes start from the stored config, not the copy read at unlock, so a slot another
// process added in between is kept; the ids must match so one repository's key never lands in another.
async function currentConfig(
  storage: BlobStorage,
  repository: UnlockedRepository,
): Promise<{ master: Buffer; current: RepositoryConfig }> {
  const master = masterKeys.get(repository);
  if (!master) {
    throw new LifeboatError("INVALID_ARGUMENT", "the repository must be the one returned by unlockRepository or initRepositoryConfig", {
      field: "repository",
    });
  }
  const current = await readRepositoryConfig(storage);
  if (current.id !== repository.config.id) {
    throw new LifeboatError(
      "FAILED_PRECONDITION",
      `storage ${storage.description} holds repository ${current.id}, not the opened repository ${repository.config.id}`,
      { field: "storage", value: storage.description },
    );
  }
  return { master, current };
}
