// Gathers sealed blobs into packs of a few MiB and uploads each when full, a bounded number at a
// time. Blobs stay readable from memory until their pack is stored and indexed.
import type { BlobStorage } from "../storage/blob-storage.js";
import type { ContentId, ContentKind } from "./content-id.js";
import type { IndexEntry } from "./index-entry.js";
import { encodePackTrailer, newPackId, packBlobName, type PackId } from "./pack-format.js";

export interface PackWriterOptions {
  /** A pack is closed once its blobs reach this many bytes. */
  packSize: number;
  /** Packs uploading at once; `add` waits when more are closed. */
  maxUploads: number;
  /** Called once a pack is stored, before `flush` resolves. */
  onStored(pack: PackId, entries: readonly IndexEntry[]): void;
}

interface OpenPack {
  id: PackId;
  parts: Uint8Array[];
  entries: IndexEntry[];
  bytes: number;
}

export interface PendingBlob {
  entry: IndexEntry;
  sealed: Uint8Array;
}

export class PackWriter {
  readonly #storage: BlobStorage;
  readonly #key: Uint8Array;
  readonly #options: PackWriterOptions;
  readonly #pending = new Map<ContentId, PendingBlob>();
  readonly #uploads = new Set<Promise<void>>();
  #open: OpenPack;
  #failure: unknown;

  constructor(storage: BlobStorage, encryptionKey: Uint8Array, options: PackWriterOptions) {
    this.#storage = storage;
    this.#key = encryptionKey;
    this.#options = options;
    this.#open = this.#newPack();
  }

  /** Sealed bytes of a blob not yet stored, if it is one. */
  pending(id: ContentId): PendingBlob | undefined {
    return this.#pending.get(id);
  }

  async add(id: ContentId, kind: ContentKind, sealed: Uint8Array, compressed: boolean, rawLength: number): Promise<void> {
    this.#throwIfFailed();
    const pack = this.#open;
    const entry: IndexEntry = { id, kind, compressed, offset: pack.bytes, length: sealed.length, rawLength };
    pack.parts.push(sealed);
    pack.entries.push(entry);
    pack.bytes += sealed.length;
    this.#pending.set(id, { entry, sealed });
    if (pack.bytes >= this.#options.packSize) this.#upload(this.#takeOpen());
    // Every writer waits while uploads are saturated, not just the one that closed a pack:
    // that is what holds back putContent and so bounds memory.
    while (this.#uploads.size > this.#options.maxUploads) await Promise.race(this.#uploads);
    this.#throwIfFailed();
  }

  /** Closes the open pack and waits for every upload; rethrows the first upload failure. */
  async flush(): Promise<void> {
    if (this.#open.entries.length > 0) this.#upload(this.#takeOpen());
    while (this.#uploads.size > 0) await Promise.allSettled([...this.#uploads]);
    this.#throwIfFailed();
  }

  #takeOpen(): OpenPack {
    const pack = this.#open;
    this.#open = this.#newPack();
    return pack;
  }

  #upload(pack: OpenPack): void {
    const body = Buffer.concat([...pack.parts, encodePackTrailer(pack.id, pack.entries, this.#key)]);
    const upload = this.#storage
      .put(packBlobName(pack.id), body)
      .then(() => {
        this.#options.onStored(pack.id, pack.entries);
        for (const entry of pack.entries) this.#pending.delete(entry.id);
      })
      .catch((err: unknown) => {
        this.#failure ??= err;
      })
      .finally(() => this.#uploads.delete(upload));
    this.#uploads.add(upload);
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  #newPack(): OpenPack {
    return { id: newPackId(), parts: [], entries: [], bytes: 0 };
  }
}
