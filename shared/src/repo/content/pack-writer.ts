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
  /** Sealed blobs are copied in as they arrive, so the batches they came in can be freed. */
  buffer: Buffer;
  entries: IndexEntry[];
  bytes: number;
}

// Room after a full pack's blobs for its header, so the trailer goes in place rather than by copying the pack.
const TRAILER_ROOM = 256 * 1024;

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
    // A blob that would overflow the pack starts the next one: packs stay within their size.
    if (this.#open.bytes > 0 && this.#open.bytes + sealed.length > this.#options.packSize) this.#upload(this.#takeOpen());
    const pack = this.#open;
    if (pack.bytes + sealed.length > pack.buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(pack.bytes + sealed.length, this.#options.packSize + TRAILER_ROOM));
      pack.buffer.copy(grown, 0, 0, pack.bytes);
      pack.buffer = grown;
      for (const { id: held } of pack.entries) {
        const pending = this.#pending.get(held)!;
        pending.sealed = grown.subarray(pending.entry.offset, pending.entry.offset + pending.entry.length);
      }
    }
    pack.buffer.set(sealed, pack.bytes);
    const entry: IndexEntry = { id, kind, compressed, offset: pack.bytes, length: sealed.length, rawLength };
    pack.entries.push(entry);
    this.#pending.set(id, { entry, sealed: pack.buffer.subarray(pack.bytes, pack.bytes + sealed.length) });
    pack.bytes += sealed.length;
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
    const trailer = encodePackTrailer(pack.id, pack.entries, this.#key);
    let body: Buffer;
    if (pack.bytes + trailer.length <= pack.buffer.length) {
      trailer.copy(pack.buffer, pack.bytes);
      body = pack.buffer.subarray(0, pack.bytes + trailer.length);
    } else {
      body = Buffer.concat([pack.buffer.subarray(0, pack.bytes), trailer]);
    }
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
    // The buffer is allocated by the first blob: a store that only reads never holds one.
    return { id: newPackId(), buffer: Buffer.alloc(0), entries: [], bytes: 0 };
  }
}
