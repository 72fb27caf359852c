import {
  status as GrpcStatus,
  type ClientDuplexStream,
  type ClientReadableStream,
  type ClientWritableStream,
  type StatusObject,
} from "@grpc/grpc-js";
import { LifeboatError } from "../errors/index.js";
import { MessageInbox } from "./message-inbox.js";
import { fromGrpcError } from "./status.js";

// The calling side of streaming calls: grpc-js object streams turned into an inbox to iterate and
// a writer to await.

/**
 * Reads a call's responses into an inbox. grpc-js ends a failed stream by pushing end-of-data and
 * then emitting 'error' and 'status'; the inbox closes only when both the data has drained ('end')
 * and the status is known, so no message and no error is lost whenever the consumer starts reading.
 */
export function readResponses<T>(
  grpcCall: ClientReadableStream<T> | ClientDuplexStream<unknown, T>,
  signal: AbortSignal | undefined,
): { inbox: MessageInbox<T>; cancel: () => void } {
  let isCancelled = false;
  let isEnded = false;
  let finalStatus: StatusObject | undefined;
  let failure: unknown;
  const cancel = () => {
    if (isCancelled) return;
    isCancelled = true;
    signal?.removeEventListener("abort", onAbort);
    inbox.close();
    grpcCall.cancel();
  };
  const inbox = new MessageInbox<T>(
    { pause: () => grpcCall.pause(), resume: () => grpcCall.resume() },
    { onReturn: cancel },
  );
  const onAbort = () => {
    inbox.close(signal?.reason);
    cancel();
  };
  const settle = () => {
    if (!isEnded || !finalStatus) return;
    signal?.removeEventListener("abort", onAbort);
    if (finalStatus.code === GrpcStatus.OK || isCancelled) inbox.close();
    else inbox.close(fromGrpcError(failure ?? finalStatus));
  };
  grpcCall.on("data", (message: T) => inbox.push(message));
  grpcCall.on("end", () => {
    isEnded = true;
    settle();
  });
  // Always listened to: grpc-js emits 'error' for every non-OK status, even one we asked for by
  // cancelling, and an unheard 'error' would crash the process.
  grpcCall.on("error", (err: unknown) => {
    failure = err;
  });
  grpcCall.on("status", (status: StatusObject) => {
    finalStatus = status;
    settle();
  });
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  return { inbox, cancel };
}

/** Writes to a call's request stream, one awaited message at a time. */
export function createRequestWriter(grpcCall: ClientWritableStream<unknown> | ClientDuplexStream<unknown, unknown>) {
  let finished: LifeboatError | undefined;
  let isHalfClosed = false;
  const pending = new Set<(err: LifeboatError) => void>();
  grpcCall.on("status", (status: StatusObject) => {
    finished =
      status.code === GrpcStatus.OK
        ? new LifeboatError("UNAVAILABLE", "the stream has ended: the server closed it", { retryable: true })
        : fromGrpcError({ ...status, details: status.details });
    for (const fail of pending) fail(finished);
    pending.clear();
  });
  return {
    isFinished: () => finished !== undefined,
    send(message: unknown): Promise<void> {
      if (finished) return Promise.reject(finished);
      if (isHalfClosed) {
        return Promise.reject(new LifeboatError("FAILED_PRECONDITION", "cannot send on a stream after end()"));
      }
      return new Promise<void>((resolve, reject) => {
        // grpc-js may never call a write back once the call has ended; the status fails it instead.
        pending.add(reject);
        grpcCall.write(message, (err: unknown) => {
          pending.delete(reject);
          if (err) reject(fromGrpcError(err));
          else resolve();
        });
      });
    },
    end(): void {
      if (isHalfClosed || finished) return;
      isHalfClosed = true;
      grpcCall.end();
    },
  };
}
