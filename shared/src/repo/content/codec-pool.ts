// Runs blob sealing and opening on worker threads, in batches: one message per blob would cost
// more than sealing a 4 KiB blob does, and a repository can hold millions of tiny ones.
import { LifeboatError } from "../../errors/index.js";
import { WorkerPool } from "../workers/worker-pool.js";
import { createCodec, ID_BYTES, openBatch, sealBatch, type Codec, type CodecKeys, type OpenedBatch, type SealedBatch } from "./blob-codec.js";

export interface CodecPoolOptions {
  keys: CodecKeys;
  /** Worker threads to use; undefined runs everything inline on the calling thread. */
  workers: WorkerPool | undefined;
  compressionLevel?: number;
  /** A batch is sent once it holds this many bytes or blobs, or at the next turn of the event loop. */
  maxBatchBytes?: number;
  maxBatchCount?: number;
}

export interface SealedBlob {
  bytes: Uint8Array;
  compressed: boolean;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
}

type Op = "seal" | "open";

class Batch<T> {
  readonly parts: Uint8Array[] = [];
  readonly ids: Uint8Array[] = [];
  readonly flags: number[] = [];
  readonly waiters: Waiter<T>[] = [];
  bytes = 0;

  add(id: Uint8Array, data: Uint8Array, flag: number, waiter: Waiter<T>): void {
    this.parts.push(data);
    this.ids.push(id);
    this.flags.push(flag);
    this.waiters.push(waiter);
    this.bytes += data.length;
  }

  pack(): PackedBatch {
    return packBatch(this.parts, this.ids, this.flags);
  }
}

export interface PackedBatch {
  data: Uint8Array<ArrayBuffer>;
  lengths: Uint32Array<ArrayBuffer>;
  ids: Uint8Array<ArrayBuffer>;
  flags: Uint8Array<ArrayBuffer>;
}

/** Blobs with their 32-byte ids and flags as the worker protocol carries them: one buffer each, ready to transfer. */
export function packBatch(parts: readonly Uint8Array[], ids: readonly Uint8Array[], flags: readonly number[]): PackedBatch {
  const bytes = parts.reduce((sum, part) => sum + part.length, 0);
  // allocUnsafeSlow: not zero-filled (every byte is written below), and not from the shared pool (it is transferred).
  const data = new Uint8Array(Buffer.allocUnsafeSlow(bytes).buffer, 0, bytes) as Uint8Array<ArrayBuffer>;
  const lengths = new Uint32Array(parts.length);
  const packedIds = new Uint8Array(parts.length * ID_BYTES);
  let at = 0;
  parts.forEach((part, i) => {
    data.set(part, at);
    at += part.length;
    lengths[i] = part.length;
    packedIds.set(ids[i]!, i * ID_BYTES);
  });
  return { data, lengths, ids: packedIds, flags: Uint8Array.from(flags) };
}

const INLINE_OPEN_BYTES = 64 * 1024;
// Bytes sealed on the calling thread before the workers are started for the rest.
const INLINE_SEAL_BYTES = 8 * 1024 * 1024;

export class CodecPool {
  readonly #workers: WorkerPool | undefined;
  /** Opens small blobs (listings, small files) here: a round trip to a worker costs more. */
  readonly #inline: Codec;
  readonly #maxBytes: number;
  readonly #maxCount: number;
  #seal = new Batch<SealedBlob>();
  #open = new Batch<Uint8Array>();
  #flushScheduled = false;
  #sealedInline = 0;

  constructor(options: CodecPoolOptions) {
    this.#maxBytes = options.maxBatchBytes ?? 1024 * 1024;
    this.#maxCount = options.maxBatchCount ?? 2048;
    this.#workers = options.workers;
    this.#inline = createCodec(options.keys, { compressionLevel: options.compressionLevel });
  }

  seal(id: Uint8Array, data: Uint8Array): Promise<SealedBlob> {
    // Small work (a backup where little changed) is sealed here: starting the workers costs more.
    if (this.#workers && !this.#workers.started && this.#sealedInline + data.length <= INLINE_SEAL_BYTES) {
      this.#sealedInline += data.length;
      const { data: out, flags } = sealBatch(this.#inline, data, Uint32Array.of(data.length), id);
      return Promise.resolve({ bytes: out, compressed: (flags[0]! & 1) === 1 });
    }
    return new Promise((resolve, reject) => {
      this.#seal.add(id, data, 0, { resolve, reject });
      this.#schedule(this.#seal);
    });
  }

  /** Rejects with CORRUPT (reason in the message) when the blob does not open or verify. */
  open(id: Uint8Array, sealed: Uint8Array, compressed: boolean): Promise<Uint8Array> {
    if (sealed.length <= INLINE_OPEN_BYTES || !this.#workers) return this.#openInline(id, sealed, compressed);
    return new Promise((resolve, reject) => {
      this.#open.add(id, sealed, compressed ? 1 : 0, { resolve, reject });
      this.#schedule(this.#open);
    });
  }

  async #openInline(id: Uint8Array, sealed: Uint8Array, compressed: boolean): Promise<Uint8Array> {
    const { data, failures } = openBatch(this.#inline, sealed, Uint32Array.of(sealed.length), id, Uint8Array.of(compressed ? 1 : 0));
    if (failures.length > 0) throw new LifeboatError("CORRUPT", failures[0]![1]);
    return data;
  }

  #schedule(batch: Batch<SealedBlob> | Batch<Uint8Array>): void {
    if (batch.bytes >= this.#maxBytes || batch.parts.length >= this.#maxCount) {
      this.#flush();
      return;
    }
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#seal.parts.length > 0) {
      const batch = this.#seal;
      this.#seal = new Batch();
      this.#run("seal", batch, (result, i, bytes) => ({ bytes, compressed: ((result as SealedBatch).flags[i]! & 1) === 1 }));
    }
    if (this.#open.parts.length > 0) {
      const batch = this.#open;
      this.#open = new Batch();
      this.#run("open", batch, (_result, _i, bytes) => bytes);
    }
  }

  #run<T>(op: Op, batch: Batch<T>, pick: (result: SealedBatch | OpenedBatch, index: number, bytes: Uint8Array) => T): void {
    const settle = (message: { result?: SealedBatch | OpenedBatch; error?: string }): void => {
      const { result, error } = message;
      if (!result) {
        const err = new LifeboatError("INTERNAL", `blob ${op} failed: ${error ?? "worker stopped"}`);
        for (const waiter of batch.waiters) waiter.reject(err);
        return;
      }
      const failed = new Map((result as OpenedBatch).failures ?? []);
      let at = 0;
      batch.waiters.forEach((waiter, i) => {
        const bytes = result.data.subarray(at, at + result.lengths[i]!);
        at += result.lengths[i]!;
        const reason = failed.get(i);
        if (reason === undefined) waiter.resolve(pick(result, i, bytes));
        else waiter.reject(new LifeboatError("CORRUPT", reason));
      });
    };
    const packed = batch.pack();
    if (!this.#workers) {
      try {
        const result =
          op === "seal"
            ? sealBatch(this.#inline, packed.data, packed.lengths, packed.ids)
            : openBatch(this.#inline, packed.data, packed.lengths, packed.ids, packed.flags);
        settle({ result });
      } catch (err) {
        settle({ error: err instanceof Error ? err.message : String(err) });
      }
      return;
    }
    const lane = this.#workers!.leastBusy();
    this.#workers!
      .request<SealedBatch | OpenedBatch>(lane, { op, ...packed }, [packed.data.buffer, packed.lengths.buffer, packed.ids.buffer])
      .then(
        (result) => settle({ result }),
        (err: unknown) => settle({ error: err instanceof Error ? err.message : String(err) }),
      );
  }
}
