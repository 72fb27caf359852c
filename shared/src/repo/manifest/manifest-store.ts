// Records on storage: JSON, sealed with the repository's encryption key under their own name as
// AAD, one blob each. Records are few, so they are not packed and a listing is a storage listing
// that never reads a pack; a large one (a backup manifest with its item index) is zstd-compressed
// before sealing, which its JSON shrinks under about tenfold.
import { createRequire } from "node:module";
import { LifeboatError, isLifeboatError } from "../../errors/index.js";
import { openWithKey, sealWithKey } from "../keys/index.js";
import type { BlobStorage } from "../storage/blob-storage.js";
import { RECORD_FOLDERS, checkRecordName, isRecordName } from "./record-names.js";

// The envelope's version lets a later Lifeboat change a record's shape and still read old ones.
const RECORD_VERSION = 1;
// Smaller records stay plain JSON: a zstd frame's overhead would eat the gain.
const COMPRESS_FROM_BYTES = 1024;
// Every zstd frame starts with these bytes; JSON text never does, so either form reads back.
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const zstd = createRequire(import.meta.url)("zstd-napi") as {
  compress(data: Uint8Array, options: { compressionLevel: number }): Buffer;
  decompress(data: Uint8Array): Buffer;
};

export class ManifestStore {
  readonly #storage: BlobStorage;
  readonly #encryptionKey: Uint8Array;

  /** `encryptionKey` is the repository's 32-byte encryption key (RepositoryKeys.encryptionKey). */
  constructor(storage: BlobStorage, encryptionKey: Uint8Array) {
    this.#storage = storage;
    this.#encryptionKey = encryptionKey;
  }

  get description(): string {
    return this.#storage.description;
  }

  /** Writes (or replaces) record `name`. Throws INVALID_ARGUMENT for a bad name or a value JSON cannot hold. */
  async put(name: string, record: unknown): Promise<void> {
    checkRecordName(name);
    let json: string | undefined;
    try {
      json = JSON.stringify({ version: RECORD_VERSION, record });
    } catch (cause) {
      throw new LifeboatError("INVALID_ARGUMENT", `record ${name} cannot be written as JSON`, { field: "record", value: name, cause });
    }
    if (record === undefined || json === undefined) {
      throw new LifeboatError("INVALID_ARGUMENT", `record ${name} has no value to write`, { field: "record", value: name });
    }
    const text = Buffer.from(json, "utf8");
    const plaintext = text.length >= COMPRESS_FROM_BYTES ? zstd.compress(text, { compressionLevel: 3 }) : text;
    await this.#storage.put(name, sealWithKey(this.#encryptionKey, plaintext, aadOf(name)));
  }

  /**
   * Reads record `name`. Throws NOT_FOUND when absent, CORRUPT (naming the record) when it fails
   * authentication, FAILED_PRECONDITION for a record version this Lifeboat does not read.
   */
  async get(name: string): Promise<unknown> {
    checkRecordName(name);
    const where = `record ${name} in repository ${this.#storage.description}`;
    let sealed: Uint8Array;
    try {
      sealed = await this.#storage.get(name);
    } catch (err) {
      if (isLifeboatError(err) && err.code === "NOT_FOUND") {
        throw new LifeboatError("NOT_FOUND", `${where} does not exist`, { field: "record", value: name, cause: err });
      }
      throw err;
    }
    const opened = Buffer.from(openWithKey(this.#encryptionKey, sealed, aadOf(name), where));
    let envelope: unknown;
    try {
      const text = opened.subarray(0, ZSTD_MAGIC.length).equals(ZSTD_MAGIC) ? zstd.decompress(opened) : opened;
      envelope = JSON.parse(text.toString("utf8"));
    } catch (cause) {
      throw new LifeboatError("CORRUPT", `${where} is not valid JSON (or compressed JSON)`, { field: "record", value: name, cause });
    }
    if (typeof envelope !== "object" || envelope === null || !("record" in envelope)) {
      throw new LifeboatError("CORRUPT", `${where} has no record envelope`, { field: "record", value: name });
    }
    const version = (envelope as { version?: unknown }).version;
    if (version !== RECORD_VERSION) {
      throw new LifeboatError(
        "FAILED_PRECONDITION",
        `${where} has version ${String(version)}: this Lifeboat reads version ${RECORD_VERSION}`,
        { field: "version", value: String(version) },
      );
    }
    return (envelope as { record: unknown }).record;
  }

  /**
   * Names of the records starting with `prefix` ("snapshots/", "backups/<id>/", or "" for all),
   * sorted. Only the record folders are listed, so other blobs are never touched.
   */
  async list(prefix: string): Promise<string[]> {
    const names: string[] = [];
    for (const folder of RECORD_FOLDERS) {
      if (!folder.startsWith(prefix) && !prefix.startsWith(folder)) continue;
      const listed = prefix.length > folder.length ? prefix : folder;
      for await (const info of this.#storage.list(listed)) {
        if (isRecordName(info.name)) names.push(info.name);
      }
    }
    return names.sort();
  }

  /** Deletes record `name`; deleting a missing record is not an error. */
  async delete(name: string): Promise<void> {
    checkRecordName(name);
    await this.#storage.delete(name);
  }
}

function aadOf(name: string): Buffer {
  return Buffer.from(name, "utf8");
}
