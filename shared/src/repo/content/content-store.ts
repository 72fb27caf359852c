// The content layer's face: plaintext in, content id out, and back. Deduplicates against every
// pack any writer has indexed, seals on worker threads, packs, and indexes what it stored.
import { availableParallelism } from "node:os";
import { LifeboatError, isLifeboatError } from "../../errors/index.js";
import type { BlobStorage } from "../storage/blob-storage.js";
import { WorkerPool } from "../workers/worker-pool.js";
import { CodecPool } from "./codec-pool.js";
import { ContentHasher, contentIdBytes, type ContentId, type ContentKind } from "./content-id.js";
import { loadIndex, writeIndexBlob, type LoadedIndex, type PackEntries } from "./index-blobs.js";
import type { IndexEntry } from "./index-entry.js";
import type { PackId } from "./pack-format.js";
import type { PackIndex, PackLocation } from "./pack-index.js";
import { PackReader } from "./pack-reader.js";
import { PackWriter } from "./pack-writer.js";

export interface ContentKeys {
  contentIdKey: Uint8Array;
  encryptionKey: Uint8Array;
}

export interface ContentStoreOptions {
  /** Threads that compress and encrypt; default: one per core. 0 runs inline. */
  workers?: number;
  /** Bytes per pack before it is closed; default 4 MiB. */
  packSize?: number;
  /** Packs uploading at once; default 2. */
  maxUploads?: number;
  /** Whole packs kept in memory for reads; default 6 (a restore of several large files at once reads from as many packs). */
  cachedPacks?: number;
  /** Plaintext bytes accepted but not yet sealed before putContent waits; default 8 MiB. */
  maxSealingBytes?: number;
  compressionLevel?: number;
  /** Stored packs per index blob, so an interrupted writer leaves most of its work indexed; default 32. */
  packsPerIndex?: number;
  /** Packs this writer must neither read nor deduplicate against (garbage collection is removing them). */
  excludePacks?: ReadonlySet<string>;
  /** Called for each corrupt index blob instead of failing to open (for repository checks). */
  onCorruptIndex?: (name: string, err: unknown) => void;
}

export interface ContentStats {
  /** Blobs and plaintext bytes stored by this writer. */
  newBlobs: number;
  newBytes: number;
  /** Sealed bytes stored (after compression, with encryption overhead). */
  storedBytes: number;
  /** Blobs offered that were already in the repository. */
  reusedBlobs: number;
  reusedBytes: number;
}

export class ContentStore {
  readonly #storage: BlobStorage;
  readonly #keys: ContentKeys;
  readonly #index: PackIndex;
  readonly #hasher: ContentHasher;
  readonly #pool: CodecPool;
  readonly #workers: WorkerPool | undefined;
  readonly #writer: PackWriter;
  readonly #reader: PackReader;
  readonly #maxSealingBytes: number;
  readonly #packsPerIndex: number;
  readonly #sealing = new Map<ContentId, Promise<void>>();
  readonly #unindexed: PackEntries[] = [];
  readonly #indexWrites = new Set<Promise<unknown>>();
  readonly #drainWaiters: Array<() => void> = [];
  readonly stats: ContentStats = { newBlobs: 0, newBytes: 0, storedBytes: 0, reusedBlobs: 0, reusedBytes: 0 };
  #sealingBytes = 0;
  #failure: unknown;

  /** Index blobs merged at open (maintenance compacts exactly these). */
  readonly loadedIndexBlobs: readonly string[];
  /** Index blobs skipped at open as corrupt (with `onCorruptIndex`), with the reason. */
  readonly corruptIndexBlobs: ReadonlyArray<{ name: string; message: string }>;

  private constructor(storage: BlobStorage, keys: ContentKeys, loaded: LoadedIndex, options: ContentStoreOptions) {
    this.loadedIndexBlobs = loaded.names;
    this.corruptIndexBlobs = loaded.corrupt;
    this.#storage = storage;
    this.#keys = keys;
    this.#index = loaded.index;
    this.#hasher = new ContentHasher(keys.contentIdKey);
    const threads = options.workers ?? availableParallelism();
    const codecOptions = { compressionLevel: options.compressionLevel };
    this.#workers = threads > 0 ? new WorkerPool(threads, { keys: { contentIdKey: keys.contentIdKey, encryptionKey: keys.encryptionKey }, options: codecOptions }) : undefined;
    this.#pool = new CodecPool({ keys, workers: this.#workers, ...codecOptions });
    this.#reader = new PackReader(storage, options.cachedPacks ?? 6);
    this.#maxSealingBytes = options.maxSealingBytes ?? 8 * 1024 * 1024;
    this.#packsPerIndex = options.packsPerIndex ?? 32;
    this.#writer = new PackWriter(storage, keys.encryptionKey, {
      packSize: options.packSize ?? 4 * 1024 * 1024,
      maxUploads: options.maxUploads ?? 2,
      onStored: (pack, entries) => this.#indexPack(pack, entries),
    });
  }

  /** Loads every index blob in the repository and returns a store ready to read and write. */
  static async open(storage: BlobStorage, keys: ContentKeys, options: ContentStoreOptions = {}): Promise<ContentStore> {
    const loaded = await loadIndex(storage, keys.encryptionKey, { excludePacks: options.excludePacks, onCorrupt: options.onCorruptIndex });
    return new ContentStore(storage, keys, loaded, options);
  }

  has(id: ContentId): boolean {
    return this.#index.has(id) || this.#writer.pending(id) !== undefined || this.#sealing.has(id);
  }

  locate(id: ContentId): PackLocation | undefined {
    return this.#index.get(id);
  }

  get index(): PackIndex {
    return this.#index;
  }

  /** The worker threads, for layers above that run their own CPU work there (file chunking); undefined when inline. */
  get workers(): WorkerPool | undefined {
    return this.#workers;
  }

  /**
   * For content hashed and sealed elsewhere (on a worker): true when the caller should store it with
   * `putSealed`; false when the repository has it already (counted as reused).
   */
  claim(id: ContentId, rawLength: number): boolean {
    this.#throwIfFailed();
    if (this.has(id)) {
      this.stats.reusedBlobs++;
      this.stats.reusedBytes += rawLength;
      return false;
    }
    this.#sealing.set(id, Promise.resolve());
    return true;
  }

  /** Stores a blob claimed with `claim`; waits while uploads are saturated. */
  async putSealed(id: ContentId, kind: ContentKind, sealed: Uint8Array, compressed: boolean, rawLength: number): Promise<void> {
    try {
      this.stats.newBlobs++;
      this.stats.newBytes += rawLength;
      this.stats.storedBytes += sealed.length;
      await this.#writer.add(id, kind, sealed, compressed, rawLength);
    } finally {
      this.#sealing.delete(id);
      this.#drainWaiters.splice(0).forEach((wake) => wake());
    }
  }

  /** Gives up a claim without storing (the sealing failed). */
  release(id: ContentId): void {
    this.#sealing.delete(id);
    this.#drainWaiters.splice(0).forEach((wake) => wake());
  }

  /**
   * Stores `data` unless equal content is already stored; resolves with its id once accepted, which
   * may be before it is sealed: failures surface on a later call or on `flush`. Callers must not
   * change `data` afterwards.
   */
  async putContent(kind: ContentKind, data: Uint8Array): Promise<ContentId> {
    this.#throwIfFailed();
    const id = this.#hasher.idOf(data);
    if (this.has(id)) {
      this.stats.reusedBlobs++;
      this.stats.reusedBytes += data.length;
      return id;
    }
    this.#sealingBytes += data.length;
    const sealing = this.#pool
      .seal(contentIdBytes(id), data)
      .then(async (sealed) => {
        this.stats.newBlobs++;
        this.stats.newBytes += data.length;
        this.stats.storedBytes += sealed.bytes.length;
        await this.#writer.add(id, kind, sealed.bytes, sealed.compressed, data.length);
      })
      .catch((err: unknown) => {
        this.#failure ??= err;
      })
      .finally(() => {
        this.#sealing.delete(id);
        this.#sealingBytes -= data.length;
        this.#drainWaiters.splice(0).forEach((wake) => wake());
      });
    this.#sealing.set(id, sealing);
    while (this.#sealingBytes > this.#maxSealingBytes) await new Promise<void>((wake) => this.#drainWaiters.push(wake));
    return id;
  }

  async getContent(id: ContentId): Promise<Uint8Array> {
    await this.#sealing.get(id);
    const pending = this.#writer.pending(id);
    const location = pending ? undefined : this.#index.get(id);
    if (!pending && !location) {
      throw new LifeboatError("NOT_FOUND", `content ${id} is not in the repository's index`, { field: "content", value: id });
    }
    const sealed = pending ? pending.sealed : await this.#reader.read(location!);
    const compressed = pending ? pending.entry.compressed : location!.compressed;
    try {
      return await this.#pool.open(contentIdBytes(id), sealed, compressed);
    } catch (err) {
      if (!isLifeboatError(err) || err.code !== "CORRUPT") throw err;
      const where = location ? ` in pack ${location.pack}` : "";
      throw new LifeboatError("CORRUPT", `content ${id}${where} ${err.message}: the pack was changed or damaged`, {
        field: "pack",
        value: location?.pack,
        cause: err,
      });
    }
  }

  /** A blob as stored (sealed), for layers that open it on a worker themselves. */
  async sealedContent(id: ContentId): Promise<{ sealed: Uint8Array; compressed: boolean; rawLength: number }> {
    await this.#sealing.get(id);
    const pending = this.#writer.pending(id);
    if (pending) return { sealed: pending.sealed, compressed: pending.entry.compressed, rawLength: pending.entry.rawLength };
    const location = this.#index.get(id);
    if (!location) throw new LifeboatError("NOT_FOUND", `content ${id} is not in the repository's index`, { field: "content", value: id });
    return { sealed: await this.#reader.read(location), compressed: location.compressed, rawLength: location.rawLength };
  }

  /** Waits until everything accepted is sealed, packed, stored and indexed. */
  async flush(): Promise<void> {
    while (this.#sealing.size > 0) await new Promise<void>((wake) => this.#drainWaiters.push(wake));
    this.#throwIfFailed();
    await this.#writer.flush();
    this.#writeIndex();
    while (this.#indexWrites.size > 0) await Promise.allSettled([...this.#indexWrites]);
    this.#throwIfFailed();
  }

  /** Flushes, then stops the worker threads. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.#workers?.close();
    }
  }

  /** Stops the worker threads without storing what is pending (after a failure). */
  async abort(): Promise<void> {
    await this.#workers?.close();
  }

  #indexPack(pack: PackId, entries: readonly IndexEntry[]): void {
    for (const entry of entries) this.#index.add(pack, entry);
    this.#unindexed.push({ pack, entries });
    if (this.#unindexed.length >= this.#packsPerIndex) this.#writeIndex();
  }

  #writeIndex(): void {
    if (this.#unindexed.length === 0) return;
    const packs = this.#unindexed.splice(0);
    const write = writeIndexBlob(this.#storage, packs, this.#keys.encryptionKey)
      .catch((err: unknown) => {
        this.#failure ??= err;
      })
      .finally(() => this.#indexWrites.delete(write));
    this.#indexWrites.add(write);
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }
}
