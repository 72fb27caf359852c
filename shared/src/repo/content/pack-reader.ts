// Reads sealed blobs out of packs. File data and resource items are read a whole pack at a time
// into a small LRU cache, because a restore reads a pack's blobs in about the order they were
// written (a pack holds thousands of items: one read instead of thousands); listings and other
// single blobs are read by byte range.
import { LifeboatError, isLifeboatError } from "../../errors/index.js";
import type { BlobStorage } from "../storage/blob-storage.js";
import { packBlobName, type PackId } from "./pack-format.js";
import type { PackLocation } from "./pack-index.js";

const WHOLE_PACK_KINDS: ReadonlySet<string> = new Set(["data", "item", "items"]);

export class PackReader {
  readonly #storage: BlobStorage;
  readonly #capacity: number;
  // Map iteration order is insertion order: re-inserting on a hit makes it an LRU.
  readonly #cache = new Map<PackId, Promise<Uint8Array>>();

  constructor(storage: BlobStorage, cachedPacks: number) {
    this.#storage = storage;
    this.#capacity = cachedPacks;
  }

  async read(location: PackLocation): Promise<Uint8Array> {
    const { pack, offset, length } = location;
    try {
      const cached = this.#cache.get(pack);
      if (cached || (WHOLE_PACK_KINDS.has(location.kind) && this.#capacity > 0)) {
        const bytes = await this.#whole(pack, cached);
        if (offset + length > bytes.length) throw new LifeboatError("CORRUPT", `pack ${pack} is truncated: ${bytes.length} bytes, blob ends at ${offset + length}`);
        return bytes.subarray(offset, offset + length);
      }
      return await this.#storage.getRange(packBlobName(pack), offset, length);
    } catch (err) {
      throw explain(err, location);
    }
  }

  #whole(pack: PackId, cached: Promise<Uint8Array> | undefined): Promise<Uint8Array> {
    const fetched = cached ?? this.#storage.get(packBlobName(pack));
    this.#cache.delete(pack);
    this.#cache.set(pack, fetched);
    // A failed read must not stay cached.
    fetched.catch(() => this.#cache.get(pack) === fetched && this.#cache.delete(pack));
    while (this.#cache.size > this.#capacity) this.#cache.delete(this.#cache.keys().next().value!);
    return fetched;
  }
}

/** Storage speaks of blobs; here a missing or short pack is corrupt content, named with its blob. */
function explain(err: unknown, { pack, id }: PackLocation): unknown {
  if (!isLifeboatError(err)) return err;
  if (err.code === "NOT_FOUND") {
    return new LifeboatError("CORRUPT", `content ${id} is in pack ${pack}, which is missing from the repository`, { field: "pack", value: pack, cause: err });
  }
  if (err.code === "CORRUPT" && !err.message.includes(id)) {
    return new LifeboatError("CORRUPT", `content ${id} in pack ${pack}: ${err.message}`, { field: "pack", value: pack, cause: err });
  }
  return err;
}
