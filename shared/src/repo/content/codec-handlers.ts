// The content layer's worker-side operations: sealing and opening batches of blobs.
import type { Handler } from "../workers/repo-worker.js";
import { createCodec, openBatch, sealBatch, type Codec, type CodecKeys, type CodecOptions } from "./blob-codec.js";

export interface BatchMessage {
  data: Uint8Array;
  lengths: Uint32Array;
  ids: Uint8Array;
  flags: Uint8Array;
}

export function createCodecHandlers(keys: CodecKeys, options: CodecOptions = {}): { codec: Codec; handlers: Record<string, Handler> } {
  const codec = createCodec(keys, options);
  return {
    codec,
    handlers: {
      seal: (message) => {
        const { data, lengths, ids } = message as unknown as BatchMessage;
        const result = sealBatch(codec, data, lengths, ids);
        return { result, transfer: [result.data.buffer as ArrayBuffer, result.lengths.buffer as ArrayBuffer] };
      },
      open: (message) => {
        const { data, lengths, ids, flags } = message as unknown as BatchMessage;
        const result = openBatch(codec, data, lengths, ids, flags);
        return { result, transfer: [result.data.buffer as ArrayBuffer, result.lengths.buffer as ArrayBuffer] };
      },
    },
  };
}
