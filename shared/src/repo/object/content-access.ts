/**
 * The narrow view of the content layer that the object layer needs. Declared here, beside its use,
 * so files and trees never see packs, keys or indexes.
 */

/** Keyed BLAKE3-256 of a content's plaintext: 64 lowercase hex characters. */
export type ContentId = string & { readonly __brand: "ContentId" };

/** data: file chunks; tree: listings; item: a resource's JSON; items: a page of a backup's item index. */
export type ContentKind = "data" | "tree" | "item" | "meta" | "items";

export interface ContentWriter {
  /**
   * Stores `data` and resolves with its id once the content is accepted (it may still sit in a
   * pack being filled). May take a while to resolve: that is the backpressure. The caller must not
   * mutate `data` afterwards.
   */
  putContent(kind: ContentKind, data: Uint8Array): Promise<ContentId>;
}

export interface ContentReader {
  /** The plaintext of `id`, verified. */
  getContent(id: ContentId): Promise<Uint8Array>;
}

const contentIdPattern = /^[0-9a-f]{64}$/;

export function isContentId(value: unknown): value is ContentId {
  return typeof value === "string" && contentIdPattern.test(value);
}
