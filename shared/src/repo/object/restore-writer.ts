// Main-thread side of restoring on the workers (restore-handlers.ts does the writing): small files
// go in batches with their sealed content; a large file's chunks go one by one, a few in flight.
import { LifeboatError, isLifeboatError } from "../../errors/index.js";
import { packBatch } from "../content/codec-pool.js";
import { contentIdBytes } from "../content/content-id.js";
import type { WorkerPool } from "../workers/worker-pool.js";
import type { ContentId } from "./content-access.js";
import { fileError } from "./fs-errors.js";
import type { ChunkWriteResult, SmallFileResult, SmallFileTarget } from "./restore-handlers.js";

/** What this writer needs of the content store, declared beside its one use. */
export interface SealedContentSource {
  readonly workers: WorkerPool | undefined;
  sealedContent(id: ContentId): Promise<{ sealed: Uint8Array; compressed: boolean; rawLength: number }>;
}

interface Pending {
  target: SmallFileTarget;
  id: ContentId;
  sealed: Uint8Array;
  compressed: boolean;
  resolve(written: number): void;
  reject(err: unknown): void;
}

const MAX_FILES = 256;
const MAX_BYTES = 1024 * 1024;

export class RestoreWriter {
  readonly #pool: WorkerPool;
  readonly #source: SealedContentSource;
  #batch: Pending[] = [];
  #bytes = 0;
  #scheduled = false;

  constructor(pool: WorkerPool, source: SealedContentSource) {
    this.#pool = pool;
    this.#source = source;
  }

  /** Writes `target` from content `id` on a worker; resolves with the bytes written (0 for a hole). */
  async write(id: ContentId, target: SmallFileTarget): Promise<number> {
    const { sealed, compressed } = await this.#source.sealedContent(id);
    return new Promise<number>((resolve, reject) => {
      this.#batch.push({ target, id, sealed, compressed, resolve, reject });
      this.#bytes += sealed.length;
      if (this.#batch.length >= MAX_FILES || this.#bytes >= MAX_BYTES) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /**
   * Writes the chunks `ids` of a large file into `fd` on the workers, a few at a time, each at its
   * offset (holes are left unwritten). Returns the file's length and whether it ends in a hole.
   */
  async writeChunks(fd: number, ids: readonly ContentId[], inFlight: number): Promise<{ length: number; holeAtEnd: boolean }> {
    const writes: Array<Promise<ChunkWriteResult>> = [];
    let position = 0;
    let settledUpTo = 0;
    try {
      for (const id of ids) {
        const { sealed, compressed, rawLength } = await this.#source.sealedContent(id);
        const data = Buffer.allocUnsafeSlow(sealed.length);
        data.set(sealed);
        const message = { op: "write-chunk", fd, position, data, ids: contentIdBytes(id), flags: Uint8Array.of(compressed ? 1 : 0) };
        const write = this.#pool.request<ChunkWriteResult>(this.#pool.leastBusy(), message, [data.buffer as ArrayBuffer]).catch((err: unknown) => {
          throw isLifeboatError(err) && err.code === "CORRUPT" ? new LifeboatError("CORRUPT", `content ${id} ${err.message}`, { field: "content", value: id, cause: err }) : err;
        });
        // Handled now, awaited below: a later chunk may fail while an earlier one is awaited.
        write.catch(() => undefined);
        writes.push(write);
        position += rawLength;
        if (writes.length - settledUpTo >= inFlight) await writes[settledUpTo++];
      }
      const results = await Promise.all(writes);
      return { length: results.reduce((sum, r) => sum + r.length, 0), holeAtEnd: results.at(-1)?.hole ?? false };
    } catch (err) {
      // Writes still running must end before the caller closes the file under them.
      await Promise.allSettled(writes);
      throw err;
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#batch;
    if (batch.length === 0) return;
    this.#batch = [];
    this.#bytes = 0;
    const packed = packBatch(
      batch.map((p) => p.sealed),
      batch.map((p) => contentIdBytes(p.id)),
      batch.map((p) => (p.compressed ? 1 : 0)),
    );
    const message = { op: "write-small-files", files: batch.map((p) => p.target), ...packed };
    this.#pool.request<SmallFileResult[]>(this.#pool.leastBusy(), message, [packed.data.buffer]).then(
      (results) => batch.forEach((p, i) => settle(p, results[i]!)),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
  }
}

function settle(p: Pending, result: SmallFileResult): void {
  if ("written" in result) p.resolve(result.written);
  else if ("corrupt" in result) {
    p.reject(new LifeboatError("CORRUPT", `file "${p.target.path}": content ${p.id} ${result.corrupt}`, { field: "content", value: p.id }));
  } else {
    p.reject(fileError("write", p.target.path, Object.assign(new Error(result.message), { code: result.errno })));
  }
}
