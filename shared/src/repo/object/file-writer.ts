import { closeSync, openSync, readSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { createChunker, type ChunkerOptions } from "./chunker.js";
import type { ContentId, ContentWriter } from "./content-access.js";
import { InFlight } from "./in-flight.js";

export interface WriteFileOptions {
  chunker?: ChunkerOptions;
  /** A read buffer to reuse across files (one per concurrent file); 4 MiB is allocated if absent. */
  buffer?: Uint8Array;
  /** putContent calls pending at once. Default 4. */
  inFlight?: number;
  /**
   * The size lstat reported. Reading stops there, which saves the end-of-file read for small files:
   * bytes appended after lstat belong to the next snapshot (their write moved mtime and ctime, so
   * the next snapshot reads the file again).
   */
  expectedSize?: number;
  signal?: AbortSignal;
}

export interface FileContent {
  /** Chunk ids in file order; empty for an empty file. */
  content: ContentId[];
  /** Bytes read, the sum of the chunks' sizes. */
  size: number;
}

export const defaultReadBufferSize = 1024 * 1024;

/** Reads `path` in buffer-sized reads, chunks it and stores each chunk as "data" content. */
export async function writeFileContent(path: string, content: ContentWriter, options: WriteFileOptions = {}): Promise<FileContent> {
  const file = await open(path, "r");
  try {
    return await writeOpenFileContent(file, content, options);
  } finally {
    await file.close();
  }
}

export async function writeOpenFileContent(file: FileHandle, content: ContentWriter, options: WriteFileOptions = {}): Promise<FileContent> {
  const buffer = options.buffer ?? new Uint8Array(defaultReadBufferSize);
  const chunker = createChunker(options.chunker);
  const puts = new InFlight<ContentId>(options.inFlight ?? 4);
  const limit = options.expectedSize ?? Number.POSITIVE_INFINITY;
  let size = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const want = Math.min(buffer.length, limit - size);
    if (want <= 0) break;
    const { bytesRead } = await file.read(buffer, 0, want, size);
    if (bytesRead === 0) break;
    size += bytesRead;
    for (const chunk of chunker.push(buffer.subarray(0, bytesRead))) {
      await puts.add(() => content.putContent("data", chunk));
    }
  }
  const last = chunker.finish();
  if (last) await puts.add(() => content.putContent("data", last));
  return { content: await puts.all(), size };
}

/** Files at most this big, and below the minimum chunk size, are read and written with synchronous calls. */
export const smallFileSize = 64 * 1024;

/**
 * Reads a small file whole with synchronous calls. For thousands of small files the thread-pool
 * round trips of open/read/close cost far more than the syscalls themselves (each takes a few
 * microseconds on a local filesystem), so the event loop is better off doing them directly.
 * Reads at most `size` bytes (the size lstat saw); returns fewer if the file shrank.
 */
export function readSmallFile(path: string, size: number): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const buffer: Uint8Array = Buffer.allocUnsafeSlow(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, buffer, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return done === size ? buffer : buffer.slice(0, done);
  } finally {
    closeSync(fd);
  }
}
