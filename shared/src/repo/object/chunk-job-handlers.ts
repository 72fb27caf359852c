// Worker side of chunking a file off the main thread: the worker reads the file, cuts chunks and
// hashes them; the main thread answers which ids the repository lacks; the worker seals just
// those. One job per file keeps its handle, position, chunker state and the chunks awaiting that
// answer — at most one batch, so a worker's memory is bounded whatever the file's size.
import { open, type FileHandle } from "node:fs/promises";
import { ID_BYTES, hashInto, sealParts, type Codec } from "../content/blob-codec.js";
import type { Handler } from "../workers/repo-worker.js";
import { createChunker, type Chunker, type ChunkerOptions } from "./chunker.js";

const READ_BYTES = 1024 * 1024;

interface Job {
  file: FileHandle;
  /** Each job reads into its own buffer: jobs' reads overlap while they wait on the disk. */
  buffer: Uint8Array;
  position: number;
  chunker: Chunker;
  kept: Uint8Array[];
  ids: Uint8Array;
  eof: boolean;
}

export interface ChunkBatch {
  /** 32-byte ids back to back, one per chunk, in file order. */
  ids: Uint8Array;
  lengths: Uint32Array;
  eof: boolean;
  /** Bytes read so far (the file's size once eof). */
  size: number;
}

export function createChunkJobHandlers(codec: Codec): Record<string, Handler> {
  const jobs = new Map<number, Job>();

  const end = async (id: number): Promise<void> => {
    const job = jobs.get(id);
    jobs.delete(id);
    await job?.file.close();
  };

  return {
    /** Reads on until at least `maxBytes` of chunks are cut (or the file ends); keeps them for seal-chunks. */
    "chunk-next": async (message) => {
      const { job: id, path, maxBytes, chunker } = message as { job: number; path: string; maxBytes: number; chunker?: ChunkerOptions };
      let job = jobs.get(id);
      if (!job) {
        job = { file: await open(path, "r"), buffer: new Uint8Array(READ_BYTES), position: 0, chunker: createChunker(chunker), kept: [], ids: new Uint8Array(0), eof: false };
        jobs.set(id, job);
      }
      let bytes = 0;
      try {
        while (bytes < maxBytes && !job.eof) {
          const { bytesRead } = await job.file.read(job.buffer, 0, job.buffer.length, job.position);
          job.position += bytesRead;
          const chunks = bytesRead === 0 ? [job.chunker.finish()].filter((c): c is Uint8Array => c !== undefined) : job.chunker.push(job.buffer.subarray(0, bytesRead));
          if (bytesRead === 0) job.eof = true;
          for (const chunk of chunks) {
            job.kept.push(chunk);
            bytes += chunk.length;
          }
        }
      } catch (err) {
        await end(id);
        throw err;
      }
      const ids = new Uint8Array(job.kept.length * ID_BYTES);
      const lengths = new Uint32Array(job.kept.length);
      job.kept.forEach((chunk, i) => {
        hashInto(codec, chunk, ids, i * ID_BYTES);
        lengths[i] = chunk.length;
      });
      job.ids = ids;
      const result: ChunkBatch = { ids: ids.slice(), lengths, eof: job.eof, size: job.position };
      return { result, transfer: [result.ids.buffer as ArrayBuffer, lengths.buffer as ArrayBuffer] };
    },
    /** Seals the kept chunks whose `need` byte is 1, drops the rest; ends the job after its last batch. */
    "seal-chunks": async (message) => {
      const { job: id, need } = message as { job: number; need: Uint8Array };
      const job = jobs.get(id);
      if (!job) throw new Error(`no chunking job ${id}`);
      const parts: Uint8Array[] = [];
      const ids = new Uint8Array(need.reduce((sum, n) => sum + n, 0) * ID_BYTES);
      job.kept.forEach((chunk, i) => {
        if (!need[i]) return;
        ids.set(job.ids.subarray(i * ID_BYTES, (i + 1) * ID_BYTES), parts.length * ID_BYTES);
        parts.push(chunk);
      });
      job.kept = [];
      if (job.eof) await end(id);
      const result = sealParts(codec, parts, ids);
      return { result, transfer: [result.data.buffer as ArrayBuffer, result.lengths.buffer as ArrayBuffer] };
    },
    "chunk-end": async (message) => {
      await end((message as { job: number }).job);
      return { result: null };
    },
  };
}
