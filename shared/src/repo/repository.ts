// The repository as its users see it: storage, keys, content, records and the writer's lease,
// opened together with one password and closed together.
import type { ContentStoreOptions } from "./content/index.js";
import { ContentStore } from "./content/index.js";
import { initRepositoryConfig, unlockRepository, type NewSlotOptions, type UnlockedRepository } from "./keys/index.js";
import { DEFAULT_LEASE_TIMING, WriterLeaseHolder, type LeaseTiming } from "./locks/index.js";
import { ManifestStore } from "./manifest/index.js";
import type { BlobStorage } from "./storage/index.js";

export interface OpenRepositoryOptions extends Omit<ContentStoreOptions, "excludePacks"> {
  /** Take a writer lease (default true); read-only users (check, listing) pass false. */
  write?: boolean;
  leaseTiming?: LeaseTiming;
}

export class Repository {
  readonly storage: BlobStorage;
  readonly unlocked: UnlockedRepository;
  readonly content: ContentStore;
  readonly manifests: ManifestStore;
  readonly #lease: WriterLeaseHolder | undefined;

  private constructor(storage: BlobStorage, unlocked: UnlockedRepository, content: ContentStore, lease: WriterLeaseHolder | undefined) {
    this.storage = storage;
    this.unlocked = unlocked;
    this.content = content;
    this.manifests = new ManifestStore(storage, unlocked.keys.encryptionKey);
    this.#lease = lease;
  }

  /** The writer lease's blob name, when this repository was opened for writing. */
  get leaseName(): string | undefined {
    return this.#lease?.name;
  }

  get id(): string {
    return this.unlocked.config.id;
  }

  /** Creates repository.json; ALREADY_EXISTS when there is one. Writes nothing else. */
  static async init(storage: BlobStorage, password: string, options: NewSlotOptions = {}): Promise<string> {
    return (await initRepositoryConfig(storage, password, options)).config.id;
  }

  /** Unlocks with `password` (UNAUTHENTICATED when no key opens) and loads the index. */
  static async open(storage: BlobStorage, password: string, options: OpenRepositoryOptions = {}): Promise<Repository> {
    const unlocked = await unlockRepository(storage, password);
    const { keys } = unlocked;
    let lease: WriterLeaseHolder | undefined;
    let excludePacks = new Set<string>();
    if (options.write ?? true) {
      ({ lease, doomedPacks: excludePacks } = await WriterLeaseHolder.acquire(storage, keys.encryptionKey, options.leaseTiming ?? DEFAULT_LEASE_TIMING));
    }
    try {
      const content = await ContentStore.open(storage, keys, { ...options, excludePacks });
      return new Repository(storage, unlocked, content, lease);
    } catch (err) {
      await lease?.release().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Stores everything pending, then checks the lease is still held: call before writing the record
   * that commits a backup (its manifest), so nothing commits that a collection may have undercut.
   */
  async prepareCommit(): Promise<void> {
    await this.content.flush();
    this.#lease?.assertHeld();
  }

  async close(): Promise<void> {
    try {
      await this.content.close();
    } finally {
      await this.#lease?.release();
    }
  }

  /** Gives up without storing what is pending (after a failure); releases the lease. */
  async abort(): Promise<void> {
    await this.content.abort();
    await this.#lease?.release().catch(() => undefined);
  }
}
