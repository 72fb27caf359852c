// Worker side of restoring: decrypt, verify and write small files whole and large files' chunks at
// their offsets, so files are created and written on the worker threads, not the main thread.
import { writeSync } from "node:fs";
import { openBatch, type Codec } from "../content/blob-codec.js";
import type { Handler } from "../workers/repo-worker.js";
import { errnoOf } from "./fs-errors.js";
import { LifeboatError } from "../../errors/index.js";
import { isAllZero, writeSmallFileSync, type SmallFileMeta } from "./small-file-sync.js";

export interface SmallFileTarget extends SmallFileMeta {
  path: string;
  size: number;
}

/** Per file: bytes written, or why it failed (a content problem, or the errno of a filesystem one). */
export type SmallFileResult = { written: number } | { corrupt: string } | { errno: string | undefined; message: string };

/** What writing one chunk of a large file did: its length, and whether it was left as a hole. */
export interface ChunkWriteResult {
  length: number;
  hole: boolean;
}

export function createRestoreHandlers(codec: Codec): Record<string, Handler> {
  return {
    /** Decrypts one chunk of a large file and writes it at its position in the open file `fd`. */
    "write-chunk": (message) => {
      const { fd, position, data, ids, flags } = message as unknown as { fd: number; position: number; data: Uint8Array; ids: Uint8Array; flags: Uint8Array };
      const opened = openBatch(codec, data, Uint32Array.of(data.length), ids, flags);
      if (opened.failures.length > 0) throw new LifeboatError("CORRUPT", opened.failures[0]![1]);
      const plain = opened.data;
      const hole = isAllZero(plain);
      if (!hole) for (let done = 0; done < plain.length; ) done += writeSync(fd, plain, done, plain.length - done, position + done);
      const result: ChunkWriteResult = { length: plain.length, hole };
      return { result };
    },
    "write-small-files": (message) => {
      const { files, data, lengths, ids, flags } = message as unknown as { files: SmallFileTarget[]; data: Uint8Array; lengths: Uint32Array; ids: Uint8Array; flags: Uint8Array };
      const opened = openBatch(codec, data, lengths, ids, flags);
      const failures = new Map(opened.failures);
      const results: SmallFileResult[] = [];
      let at = 0;
      files.forEach((file, i) => {
        const plain = opened.data.subarray(at, at + opened.lengths[i]!);
        at += opened.lengths[i]!;
        const failure = failures.get(i);
        if (failure !== undefined) results.push({ corrupt: failure });
        else if (plain.length !== file.size) results.push({ corrupt: `holds ${plain.length} bytes where the listing says ${file.size}` });
        else {
          try {
            results.push({ written: writeSmallFileSync(file.path, plain, file) });
          } catch (error) {
            results.push({ errno: errnoOf(error), message: error instanceof Error ? error.message : String(error) });
          }
        }
      });
      return { result: results };
    },
  };
}
