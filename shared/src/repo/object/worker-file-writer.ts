// Main-thread side of chunking a file on a worker (see chunk-job-handlers.ts): asks for the next
// batch of chunk ids, claims the ones the repository lacks, has the worker seal just those, and
// hands the sealed blobs to the content store. The next batch is read while this one is sealed.
import type { SealedBatch } from "../content/blob-codec.js";
import { contentIdFromBytes } from "../content/content-id.js";
import type { WorkerPool } from "../workers/worker-pool.js";
import type { ChunkBatch } from "./chunk-job-handlers.js";
import type { ChunkerOptions } from "./chunker.js";
import type { ContentId, ContentKind } from "./content-access.js";
import type { FileContent } from "./file-writer.js";

/** What this writer needs of the content store, declared here beside its one use. */
export interface SealedContentSink {
  readonly workers: WorkerPool | undefined;
  claim(id: ContentId, rawLength: number): boolean;
  putSealed(id: ContentId, kind: ContentKind, sealed: Uint8Array, compressed: boolean, rawLength: number): Promise<void>;
  release(id: ContentId): void;
}

const BATCH_BYTES = 1024 * 1024;
let nextJob = 0;

export async function writeFileOnWorker(pool: WorkerPool, sink: SealedContentSink, path: string, chunker?: ChunkerOptions): Promise<FileContent> {
  const lane = pool.leastBusy();
  const job = ++nextJob;
  const ids: ContentId[] = [];
  const claimed = new Set<ContentId>();
  const ask = (): Promise<ChunkBatch> => pool.request<ChunkBatch>(lane, { op: "chunk-next", job, path, maxBytes: BATCH_BYTES, chunker });
  let next = ask();
  try {
    for (;;) {
      const batch = await next;
      const count = batch.lengths.length;
      const need = new Uint8Array(count);
      const wanted: Array<{ id: ContentId; length: number }> = [];
      for (let i = 0; i < count; i++) {
        const id = contentIdFromBytes(batch.ids.subarray(i * 32, (i + 1) * 32)) as ContentId;
        ids.push(id);
        if (sink.claim(id, batch.lengths[i]!)) {
          need[i] = 1;
          claimed.add(id);
          wanted.push({ id, length: batch.lengths[i]! });
        }
      }
      const sealing = pool.request<SealedBatch>(lane, { op: "seal-chunks", job, need }, [need.buffer]);
      if (!batch.eof) next = ask();
      const sealed = await sealing;
      let at = 0;
      for (const [k, { id, length }] of wanted.entries()) {
        const size = sealed.lengths[k]!;
        await sink.putSealed(id, "data", sealed.data.subarray(at, at + size), (sealed.flags[k]! & 1) === 1, length);
        claimed.delete(id);
        at += size;
      }
      if (batch.eof) return { content: ids, size: batch.size };
    }
  } catch (err) {
    for (const id of claimed) sink.release(id);
    await next.catch(() => undefined);
    await pool.request(lane, { op: "chunk-end", job }).catch(() => undefined);
    throw err;
  }
}
