// A writer's lease: it tells garbage collection "I may be about to reference content you think is
// unreferenced". The writer announces itself first, then reads the collections in progress and
// records which it has seen; a collection that finds a lease without its own name waits for that
// writer, because it may have deduplicated against a pack the collection is deleting.
import { LifeboatError } from "../../errors/index.js";
import type { BlobStorage } from "../storage/blob-storage.js";
import { GC_PREFIX, WRITER_PREFIX, describeSelf, listLiveLocks, newLockName, putLock, readLock, type GcLock, type WriterLease } from "./lock-records.js";

export interface LeaseTiming {
  /** How often a lease is rewritten; default 60 s. */
  refreshMs: number;
  /** A lease not rewritten for this long is dead; default 15 min. */
  staleMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = { refreshMs: 60_000, staleMs: 15 * 60_000 };

export class WriterLeaseHolder {
  readonly name = newLockName(WRITER_PREFIX);
  readonly #storage: BlobStorage;
  readonly #key: Uint8Array;
  readonly #timing: LeaseTiming;
  #lease: WriterLease = { ...describeSelf(), sawGc: [] };
  #timer: NodeJS.Timeout | undefined;
  #lastRefresh = 0;
  #refreshFailure: unknown;

  private constructor(storage: BlobStorage, key: Uint8Array, timing: LeaseTiming) {
    this.#storage = storage;
    this.#key = key;
    this.#timing = timing;
  }

  /**
   * Takes a lease and returns it with the packs that running collections are deleting: the caller
   * must neither read nor deduplicate against them.
   */
  static async acquire(storage: BlobStorage, key: Uint8Array, timing: LeaseTiming = DEFAULT_LEASE_TIMING): Promise<{ lease: WriterLeaseHolder; doomedPacks: Set<string> }> {
    const holder = new WriterLeaseHolder(storage, key, timing);
    await holder.#write();
    const doomedPacks = new Set<string>();
    for (const info of await listLiveLocks(storage, GC_PREFIX, timing.staleMs)) {
      const gc = await readLock<GcLock>(storage, key, info.name).catch(() => undefined);
      if (!gc) continue;
      holder.#lease.sawGc.push(info.name);
      for (const pack of gc.doomedPacks) doomedPacks.add(pack);
    }
    if (holder.#lease.sawGc.length > 0) await holder.#write();
    holder.#timer = setInterval(() => {
      holder.#write().catch((err: unknown) => {
        holder.#refreshFailure = err;
      });
    }, timing.refreshMs);
    holder.#timer.unref();
    return { lease: holder, doomedPacks };
  }

  /**
   * Throws unless the lease has been kept fresh: called just before a writer commits (writes its
   * manifest), since a writer that lost its lease may have lost content to a collection.
   */
  assertHeld(): void {
    if (Date.now() - this.#lastRefresh < this.#timing.staleMs * 0.8) return;
    throw new LifeboatError("UNAVAILABLE", `the writer lease ${this.name} on the repository lapsed (last renewed ${new Date(this.#lastRefresh).toISOString()}): the backup is not committed`, {
      retryable: true,
      cause: this.#refreshFailure,
    });
  }

  async release(): Promise<void> {
    clearInterval(this.#timer);
    await this.#storage.delete(this.name);
  }

  async #write(): Promise<void> {
    await putLock(this.#storage, this.#key, this.name, this.#lease);
    this.#lastRefresh = Date.now();
  }
}

export { readLock, listLiveLocks };
