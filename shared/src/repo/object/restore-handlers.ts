// Worker side of restoring: decrypt, verify and write small files whole and large files' chunks at
// their offsets, so files are created and written on the worker threads, not the main thread.
import { writeSync } from "node:fs";
import { ID_BYTES, openFailure, openInScratch, type Codec } from "../content/blob-codec.js";
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
      let plain: Buffer;
      try {
        plain = openInScratch(codec, data, ids, (flags[0]! & 1) === 1);
      } catch (err) {
        throw new LifeboatError("CORRUPT", openFailure(err));
      }
      const hole = isAllZero(plain);
      if (!hole) for (let done = 0; done < plain.length; ) done += writeSync(fd, plain, done, plain.length - done, position + done);
      const result: ChunkWriteResult = { length: plain.length, hole };
      return { result };
    },
    "write-small-files": (message) => {
      const { files, data, lengths, ids, flags } = message as unknown as { files: SmallFileTarget[]; data: Uint8Array; lengths: Uint32Array; ids: Uint8Array; flags: Uint8Array };
      const results: SmallFileResult[] = [];
      let at = 0;
      files.forEach((file, i) => {
        const sealed = data.subarray(at, at + lengths[i]!);
        at += lengths[i]!;
        let plain: Buffer;
        try {
          plain = openInScratch(codec, sealed, ids.subarray(i * ID_BYTES, (i + 1) * ID_BYTES), (flags[i]! & 1) === 1);
        } catch (err) {
          results.push({ corrupt: openFailure(err) });
          return;
        }
        if (plain.length !== file.size) results.push({ corrupt: `holds ${plain.length} bytes where the listing says ${file.size}` });
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
