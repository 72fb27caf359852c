// The bottom layer of the repository: named, immutable blobs on some medium. Every layer above
// speaks only this interface, so a backend, a retry or fault wrapper, or a read-only view is a
// drop-in. Names are relative, '/'-separated, ASCII ('packs/3f/3f9a…', 'repository.json').

/** What a listing or `head` says about one blob. `modified` is the medium's clock, not the writer's. */
export interface BlobInfo {
  name: string;
  size: number;
  modified: Date;
}

export interface PutOptions {
  /** Keep the blob immutable until this time (S3 Object Lock, COMPLIANCE mode); ignored where unsupported. */
  retainUntil?: Date;
  /**
   * The blob need not survive a crash of this machine (a lock, rewritten while its writer lives):
   * still atomic, but without waiting for the disk.
   */
  ephemeral?: boolean;
}

/**
 * Narrow storage interface. Errors are LifeboatErrors: NOT_FOUND for a missing blob (field "blob",
 * value the name), UNAVAILABLE (retryable) for transient faults, INVALID_ARGUMENT for a bad name.
 * `put` is atomic: a reader sees the old blob, or none, or the whole new one, never a part.
 */
export interface BlobStorage {
  /** Human-readable location without credentials, for messages: 'file:///srv/repo', 's3://bucket/prefix'. */
  readonly description: string;
  put(name: string, data: Uint8Array, options?: PutOptions): Promise<void>;
  get(name: string): Promise<Uint8Array>;
  /** Bytes [offset, offset+length) of a blob; NOT_FOUND if absent, CORRUPT if the blob is shorter. */
  getRange(name: string, offset: number, length: number): Promise<Uint8Array>;
  /** Undefined when the blob does not exist. */
  head(name: string): Promise<BlobInfo | undefined>;
  /** Every blob whose name starts with `prefix`, in no promised order. */
  list(prefix: string): AsyncIterable<BlobInfo>;
  /** Deleting a missing blob is not an error. */
  delete(name: string): Promise<void>;
  close(): Promise<void>;
}
