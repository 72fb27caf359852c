import type { MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import {
  Client,
  Metadata,
  type CallOptions as GrpcCallOptions,
  type ChannelCredentials,
  type ServiceError,
} from "@grpc/grpc-js";
import { createRequestWriter, readResponses } from "./client-streams.js";
import { channelOptions, type GrpcLimits } from "./limits.js";
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

type CallRequest<M extends MethodSpec> = MessageInitShape<M["input"]>;
type CallResponse<M extends MethodSpec> = MessageShape<M["output"]>;

/** How a client calls one method, by its kind. Errors are LifeboatErrors (see fromGrpcError). */
export type ClientMethod<M extends MethodSpec> = M["methodKind"] extends "unary"
  ? (request: CallRequest<M>, options?: CallOptions) => Promise<CallResponse<M>>
  : M["methodKind"] extends "server_streaming"
    ? (request: CallRequest<M>, options?: CallOptions) => AsyncIterable<CallResponse<M>>
    : M["methodKind"] extends "client_streaming"
      ? (requests: AsyncIterable<CallRequest<M>> | Iterable<CallRequest<M>>, options?: CallOptions) => Promise<CallResponse<M>>
      : (options?: CallOptions) => BidiStream<CallRequest<M>, CallResponse<M>>;

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
              settleWith(call, onAbort, resolve, reject),
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
              settleWith(call, onAbort, resolve, reject),
            );
            call.signal?.addEventListener("abort", onAbort, { once: true });
            const writer = createRequestWriter(grpcCall);
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
          const writer = createRequestWriter(grpcCall);
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

/** The client's metadata with the call's on top: a key the call sets replaces the client's values. */
function mergeMetadata(base: Metadata | undefined, extra: Metadata | undefined): Metadata {
  const metadata = base ? base.clone() : new Metadata();
  for (const [key, values] of Object.entries(extra?.toJSON() ?? {})) {
    metadata.remove(key);
    for (const value of values) metadata.add(key, value);
  }
  return metadata;
}

/** Settles a call with one response: the caller's abort reason wins over the CANCELLED it caused. */
function settleWith(
  call: CallOptions,
  onAbort: () => void,
  resolve: (response: unknown) => void,
  reject: (err: unknown) => void,
): (err: ServiceError | null, response?: unknown) => void {
  return (err, response) => {
    call.signal?.removeEventListener("abort", onAbort);
    if (call.signal?.aborted) reject(call.signal.reason);
    else if (err) reject(fromGrpcError(err));
    else resolve(response);
  };
}

function grpcOptions(call: CallOptions): GrpcCallOptions {
  return call.deadline === undefined ? {} : { deadline: call.deadline };
}
