// The in-memory index: content id -> pack and byte range. Rows live in typed-array columns rather
// than one object per blob, so millions of blobs cost tens of bytes each beyond the map's key.
import { CONTENT_KINDS, type ContentId } from "./content-id.js";
import type { IndexEntry } from "./index-entry.js";
import type { PackId } from "./pack-format.js";

export interface PackLocation extends IndexEntry {
  pack: PackId;
}

export class PackIndex {
  readonly #rows = new Map<string, number>();
  readonly #packs: PackId[] = [];
  readonly #packNumbers = new Map<PackId, number>();
  #pack = new Uint32Array(1024);
  #offset = new Uint32Array(1024);
  #length = new Uint32Array(1024);
  #rawLength = new Uint32Array(1024);
  #kindFlags = new Uint8Array(1024);
  #used = 0;

  get size(): number {
    return this.#rows.size;
  }

  get packCount(): number {
    return this.#packNumbers.size;
  }

  has(id: ContentId): boolean {
    return this.#rows.has(id);
  }

  /** First write wins: a blob stored twice (two writers racing) is read from the pack indexed first. */
  add(pack: PackId, entry: IndexEntry): void {
    if (this.#rows.has(entry.id)) return;
    let packNumber = this.#packNumbers.get(pack);
    if (packNumber === undefined) {
      packNumber = this.#packs.length;
      this.#packs.push(pack);
      this.#packNumbers.set(pack, packNumber);
    }
    if (this.#used === this.#pack.length) this.#grow();
    const row = this.#used++;
    this.#pack[row] = packNumber;
    this.#offset[row] = entry.offset;
    this.#length[row] = entry.length;
    this.#rawLength[row] = entry.rawLength;
    this.#kindFlags[row] = (CONTENT_KINDS.indexOf(entry.kind) << 1) | (entry.compressed ? 1 : 0);
    this.#rows.set(entry.id, row);
  }

  get(id: ContentId): PackLocation | undefined {
    const row = this.#rows.get(id);
    return row === undefined ? undefined : this.#location(id, row);
  }

  hasPack(pack: PackId): boolean {
    return this.#packNumbers.has(pack);
  }

  packs(): PackId[] {
    return [...this.#packNumbers.keys()];
  }

  /** Every location, grouped by nothing in particular; for maintenance walks. */
  *entries(): IterableIterator<PackLocation> {
    for (const [id, row] of this.#rows) yield this.#location(id as ContentId, row);
  }

  /** Forgets a pack's blobs (garbage collection removed it, or a writer must not reuse it). */
  dropPacks(drop: ReadonlySet<PackId>): void {
    const numbers = new Set<number>();
    for (const pack of drop) {
      const number = this.#packNumbers.get(pack);
      if (number !== undefined) numbers.add(number);
      this.#packNumbers.delete(pack);
    }
    if (numbers.size === 0) return;
    for (const [id, row] of this.#rows) if (numbers.has(this.#pack[row]!)) this.#rows.delete(id);
  }

  #location(id: ContentId, row: number): PackLocation {
    const kindFlags = this.#kindFlags[row]!;
    return {
      id,
      pack: this.#packs[this.#pack[row]!]!,
      offset: this.#offset[row]!,
      length: this.#length[row]!,
      rawLength: this.#rawLength[row]!,
      kind: CONTENT_KINDS[kindFlags >> 1]!,
      compressed: (kindFlags & 1) === 1,
    };
  }

  #grow(): void {
    const grow = <T extends Uint32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(old.length * 2);
      next.set(old);
      return next;
    };
    this.#pack = grow(this.#pack, (n) => new Uint32Array(n));
    this.#offset = grow(this.#offset, (n) => new Uint32Array(n));
    this.#length = grow(this.#length, (n) => new Uint32Array(n));
    this.#rawLength = grow(this.#rawLength, (n) => new Uint32Array(n));
    this.#kindFlags = grow(this.#kindFlags, (n) => new Uint8Array(n));
  }
}
