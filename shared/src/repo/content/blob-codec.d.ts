// Types for blob-codec.js (plain JavaScript so worker threads can load it from src/ and dist/).
export declare const NONCE_BYTES: number;
export declare const TAG_BYTES: number;
export declare const ID_BYTES: number;

export interface CodecKeys {
  contentIdKey: Uint8Array;
  encryptionKey: Uint8Array;
}
export interface CodecOptions {
  compressionLevel?: number;
}
export interface Codec {
  readonly __codec: unique symbol;
}
export interface SealedBatch {
  data: Buffer;
  lengths: Uint32Array;
  /** Bit 0: the body is zstd-compressed. */
  flags: Uint8Array;
}
export interface OpenedBatch {
  data: Buffer;
  lengths: Uint32Array;
  failures: Array<[index: number, reason: string]>;
}

export declare function createCodec(keys: CodecKeys, options?: CodecOptions): Codec;
export declare function sealBatch(codec: Codec, data: Uint8Array, lengths: Uint32Array, ids: Uint8Array): SealedBatch;
export declare function openBatch(codec: Codec, data: Uint8Array, lengths: Uint32Array, ids: Uint8Array, flags: Uint8Array): OpenedBatch;
export declare function sealParts(codec: Codec, parts: readonly Uint8Array[], ids: Uint8Array): SealedBatch;
export declare function hashInto(codec: Codec, data: Uint8Array, out: Uint8Array, at: number): void;
/** Opens one sealed blob into the codec's scratch memory, valid until its next open; throws the reason on failure. */
export declare function openInScratch(codec: Codec, sealed: Uint8Array, id: Uint8Array, compressed: boolean): Buffer;
/** The reason an open failed, worded as openBatch reports it. */
export declare function openFailure(err: unknown): string;
