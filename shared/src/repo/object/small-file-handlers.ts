// Worker side of restoring small files: decrypt, verify and write each file whole, so thousands of
// small files are created on the worker threads in parallel instead of one by one on the main thread.
import { openBatch, type Codec } from "../content/blob-codec.js";
import type { Handler } from "../workers/repo-worker.js";
import { errnoOf } from "./fs-errors.js";
import { writeSmallFileSync, type SmallFileMeta } from "./small-file-sync.js";

export interface SmallFileTarget extends SmallFileMeta {
  path: string;
  size: number;
}

/** Per file: bytes written, or why it failed (a content problem, or the errno of a filesystem one). */
export type SmallFileResult = { written: number } | { corrupt: string } | { errno: string | undefined; message: string };

export function createSmallFileHandlers(codec: Codec): Record<string, Handler> {
  return {
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
