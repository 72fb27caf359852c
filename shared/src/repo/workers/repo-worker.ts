// Worker thread entry: runs the handlers the repository registers, one message at a time, and
// answers each by its sequence number. Results carry their buffers as transfers, not copies.
import { parentPort, workerData } from "node:worker_threads";
import { isLifeboatError } from "../../errors/index.js";
import { createCodecHandlers } from "../content/codec-handlers.js";
import { createChunkJobHandlers } from "../object/chunk-job-handlers.js";
import { createRestoreHandlers } from "../object/restore-handlers.js";

export interface HandlerResult {
  result: unknown;
  transfer?: ArrayBuffer[];
}

export type Handler = (message: Record<string, unknown>) => HandlerResult | Promise<HandlerResult>;

const codec = createCodecHandlers(workerData.keys, workerData.options);
const handlers: Record<string, Handler> = { ...codec.handlers, ...createChunkJobHandlers(codec.codec), ...createRestoreHandlers(codec.codec) };

parentPort!.on("message", async (message: { seq: number; op: string }) => {
  try {
    const handler = handlers[message.op];
    if (!handler) throw new Error(`unknown worker operation ${message.op}`);
    const { result, transfer } = await handler(message as unknown as Record<string, unknown>);
    parentPort!.postMessage({ seq: message.seq, result }, transfer ?? []);
  } catch (err) {
    const error = isLifeboatError(err) ? { message: err.message, code: err.code } : { message: err instanceof Error ? err.message : String(err) };
    parentPort!.postMessage({ seq: message.seq, error });
  }
});
