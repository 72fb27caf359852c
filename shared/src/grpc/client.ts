import type { MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import {
  Client,
  Metadata,
  status as GrpcStatus,
  type CallOptions as GrpcCallOptions,
  type ChannelCredentials,
  type ClientDuplexStream,
  type ClientReadableStream,
  type ClientWritableStream,
  type StatusObject,
} from "@grpc/grpc-js";
import { LifeboatError } from "../errors/index.js";
import { channelOptions, type GrpcLimits } from "./limits.js";
import { MessageInbox } from "./message-inbox.js";
import { createServiceDefinition, type MethodSpec } from "./service-definition.js";
import { fromGrpcError } from "./status.js";

/** Per-call options. */
export interface CallOptions {
  /** Aborting cancels the call; the pending promise or iteration rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** The call fails UNAVAILABLE (DEADLINE_EXCEEDED on the wire) past this instant (Date or epoch ms). */
  deadline?: Date | number;
  /** Sent with this call, after (and overriding) the client's metadata. */
  metadata?: Metadata;
}

/** Options for every call of one client. */
export interface ClientOptions {
  /** Sent with every call, e.g. the admin credential as `authorization: Bearer …`. */
  metadata?: Metadata;
}

/**
 * The calling side of a bidirectional stream: send messages, iterate the peer's. Iterating ends
 * when the peer closes the stream with OK, and throws a LifeboatError when it ends with an error.
 * Breaking out of the iteration, or `cancel()`, cancels the call.
 */
export interface BidiStream<Send, Receive> extends AsyncIterable<Receive> {
  /** Resolves once grpc-js has taken the message (waiting out flow control); rejects once the call has ended. */
  send(message: Send): Promise<void>;
  /** Half-closes: no more sends; the peer's messages keep arriving. */
  end(): void;
  /** Cancels the call; iteration ends without an error. */
  cancel(): void;
}

type RequestInit<M extends MethodSpec> = MessageInitShape<M["input"]>;
type Response<M extends MethodSpec> = MessageShape<M["output"]>;

/** How a client calls one method, by its kind. Errors are LifeboatErrors (see fromGrpcError). */
export type ClientMethod<M extends MethodSpec> = M["methodKind"] extends "unary"
  ? (request: RequestInit<M>, options?: CallOptions) => Promise<Response<M>>
  : M["methodKind"] extends "server_streaming"
    ? (request: RequestInit<M>, options?: CallOptions) => AsyncIterable<Response<M>>
    : M["methodKind"] extends "client_streaming"
      ? (requests: AsyncIterable<RequestInit<M>> | Iterable<RequestInit<M>>, options?: CallOptions) => Promise<Response<M>>
      : (options?: CallOptions) => BidiStream<RequestInit<M>, Response<M>>;

/** A typed client of a generated service: one function per method, named by its local name. */
export type ServiceClient<Methods extends GenServiceMethods> = {
  readonly [K in keyof Methods]: ClientMethod<Methods[K]>;
};

/**
 * A grpc-js channel to `address` with Lifeboat's message limits and keepalive. The caller owns it
 * and closes it with `close()`; several service clients may share it.
 */
export function createChannel(address: string, credentials: ChannelCredentials, limits?: GrpcLimits): Client {
  return new Client(address, credentials, channelOptions(limits));
}

/**
 * A typed client of `service` over `channel`: unary methods return a Promise, server streams an
 * AsyncIterable (started at once, iterable once), client streams take an iterable of requests, and
 * bidirectional streams a BidiStream.
 */
export function createClient<Methods extends GenServiceMethods>(
  service: GenService<Methods>,
  channel: Client,
  options: ClientOptions = {},
): ServiceClient<Methods> {
  const definition = createServiceDefinition(service);
  const client: Record<string, unknown> = {};
  for (const method of service.methods) {
    // Typed per method through ServiceClient; here one loop serves every method.
    const { path, requestSerialize, responseDeserialize } = definition[method.localName as keyof Methods] as unknown as {
      path: string;
      requestSerialize: (value: unknown) => Buffer;
      responseDeserialize: (bytes: Buffer) => unknown;
    };
    const metadataFor = (call: CallOptions) => mergeMetadata(options.metadata, call.metadata);
    switch (method.methodKind) {
      case "unary":
        client[method.localName] = (request: unknown, call: CallOptions = {}) =>
          new Promise((resolve, reject) => {
            if (call.signal?.aborted) return reject(call.signal.reason);
            const onAbort = () => grpcCall.cancel();
            const grpcCall = channel.makeUnaryRequest(
              path,
              requestSerialize,
              responseDeserialize,
              request,
              metadataFor(call),
              grpcOptions(call),
              (err, response) => {
                call.signal?.removeEventListener("abort", onAbort);
                if (call.signal?.aborted) reject(call.signal.reason);
                else if (err) reject(fromGrpcError(err));
                else resolve(response);
              },
            );
            call.signal?.addEventListener("abort", onAbort, { once: true });
          });
        break;
      case "server_streaming":
        client[method.localName] = (request: unknown, call: CallOptions = {}) => {
          const grpcCall = channel.makeServerStreamRequest(
            path,
            requestSerialize,
            responseDeserialize,
            request,
            metadataFor(call),
            grpcOptions(call),
          );
          return readResponses(grpcCall, call.signal).inbox;
        };
        break;
      case "client_streaming":
        client[method.localName] = (requests: AsyncIterable<unknown> | Iterable<unknown>, call: CallOptions = {}) =>
          new Promise((resolve, reject) => {
            if (call.signal?.aborted) return reject(call.signal.reason);
            const onAbort = () => grpcCall.cancel();
            const grpcCall = channel.makeClientStreamRequest(
              path,
              requestSerialize,
              responseDeserialize,
              metadataFor(call),
              grpcOptions(call),
              (err, response) => {
                call.signal?.removeEventListener("abort", onAbort);
                if (call.signal?.aborted) reject(call.signal.reason);
                else if (err) reject(fromGrpcError(err));
                else resolve(response);
              },
            );
            call.signal?.addEventListener("abort", onAbort, { once: true });
            const writer = createWriter(grpcCall);
            void (async () => {
              for await (const request of requests) await writer.send(request);
              grpcCall.end();
            })().catch((err: unknown) => {
              // A failed send means the call already ended and the callback has its status; a
              // failing source is the caller's error, and the call must not complete without it.
              if (writer.isFinished()) return;
              grpcCall.cancel();
              reject(err);
            });
          });
        break;
      case "bidi_streaming":
        client[method.localName] = (call: CallOptions = {}): BidiStream<unknown, unknown> => {
          const grpcCall = channel.makeBidiStreamRequest(
            path,
            requestSerialize,
            responseDeserialize,
            metadataFor(call),
            grpcOptions(call),
          );
          const { inbox, cancel } = readResponses(grpcCall, call.signal);
          const writer = createWriter(grpcCall);
          return {
            send: (message) => writer.send(message),
            end: () => writer.end(),
            cancel,
            [Symbol.asyncIterator]: () => inbox[Symbol.asyncIterator](),
          };
        };
        break;
    }
  }
  return client as ServiceClient<Methods>;
}

/**
 * Reads a call's responses into an inbox. grpc-js ends a failed stream by pushing end-of-data and
 * then emitting 'error' and 'status'; the inbox closes only when both the data has drained ('end')
 * and the status is known, so no message and no error is lost whenever the consumer starts reading.
 */
function readResponses<T>(
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
function createWriter(grpcCall: ClientWritableStream<unknown> | ClientDuplexStream<unknown, unknown>) {
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

/** The client's metadata with the call's on top: a key the call sets replaces the client's values. */
function mergeMetadata(base: Metadata | undefined, extra: Metadata | undefined): Metadata {
  const metadata = base ? base.clone() : new Metadata();
  for (const [key, values] of Object.entries(extra?.toJSON() ?? {})) {
    metadata.remove(key);
    for (const value of values) metadata.add(key, value);
  }
  return metadata;
}

function grpcOptions(call: CallOptions): GrpcCallOptions {
  return call.deadline === undefined ? {} : { deadline: call.deadline };
}
