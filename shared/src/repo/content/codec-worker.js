// Worker thread entry: runs blob-codec batches off the main thread so both cores hash, compress
// and encrypt. Protocol: { seq, op: "seal" | "open", data, lengths, ids, flags? } in,
// { seq, result } or { seq, error } out; buffers travel as transfers, not copies.
import { parentPort, workerData } from "node:worker_threads";
import { createCodec, openBatch, sealBatch } from "./blob-codec.js";

const codec = createCodec(workerData.keys, workerData.options);

parentPort.on("message", (message) => {
  try {
    const result =
      message.op === "seal"
        ? sealBatch(codec, message.data, message.lengths, message.ids)
        : openBatch(codec, message.data, message.lengths, message.ids, message.flags);
    parentPort.postMessage({ seq: message.seq, result }, [result.data.buffer, result.lengths.buffer]);
  } catch (err) {
    parentPort.postMessage({ seq: message.seq, error: err instanceof Error ? err.message : String(err) });
  }
});
