import type { ServerDuplexStream, ServerReadableStream, ServerWritableStream } from "@grpc/grpc-js";
import { LifeboatError } from "../errors/index.js";
import { MessageInbox } from "./message-inbox.js";

// The server side of streaming calls: grpc-js object streams turned into an inbox to iterate and
// a writer to await.

/** The caller's messages, decoded; `onMalformed` hears of a message that does not decode. */
export type RequestInbox = MessageInbox<unknown> & { onMalformed?: (err: unknown) => void };

/**
 * The caller's messages, decoded as they arrive. The iteration ends when the caller half-closes and
 * throws UNAVAILABLE when it cancels; a message that does not decode closes it with that error.
 */
export function readRequests(
  grpcCall: ServerReadableStream<Buffer, unknown> | ServerDuplexStream<Buffer, unknown>,
  decode: (bytes: Buffer) => unknown,
): RequestInbox {
  const inbox: RequestInbox = new MessageInbox<unknown>({
    pause: () => grpcCall.pause(),
    resume: () => grpcCall.resume(),
  });
  grpcCall.on("data", (bytes: Buffer) => {
    if (inbox.closed) return;
    try {
      inbox.push(decode(bytes));
    } catch (err) {
      inbox.close(err);
      inbox.onMalformed?.(err);
    }
  });
  grpcCall.on("end", () => inbox.close());
  grpcCall.on("cancelled", () => {
    inbox.close(new LifeboatError("UNAVAILABLE", "the caller cancelled the stream", { retryable: true }));
  });
  return inbox;
}

/** Writes responses one awaited message at a time; fails once `signal` (the call's) aborts. */
export function createResponseWriter(
  grpcCall: ServerWritableStream<Buffer, unknown> | ServerDuplexStream<Buffer, unknown>,
  signal: AbortSignal,
) {
  return {
    send(message: unknown): Promise<void> {
      if (signal.aborted) return Promise.reject(signal.reason);
      if (grpcCall.writableEnded) {
        return Promise.reject(new LifeboatError("UNAVAILABLE", "the stream has ended", { retryable: true }));
      }
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
        grpcCall.write(message, (err: unknown) => {
          signal.removeEventListener("abort", onAbort);
          if (err) reject(new LifeboatError("UNAVAILABLE", "the stream has ended", { retryable: true, cause: err }));
          else resolve();
        });
      });
    },
  };
}

/** Ends a server-side stream with an error status; grpc-js turns its own 'error' event into the status. */
export function endWithError(grpcCall: ServerWritableStream<Buffer, unknown> | ServerDuplexStream<Buffer, unknown>, status: object): void {
  if (grpcCall.writableEnded) return;
  grpcCall.emit("error", status);
}
