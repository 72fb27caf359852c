import type { PeerCertificate } from "node:tls";
import type { DescMethod, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import {
  Server,
  type Metadata,
  type MethodDefinition,
  type ServerCredentials,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedHandleCall,
  type sendUnaryData,
} from "@grpc/grpc-js";
import { LifeboatError, isLifeboatError } from "../errors/index.js";
import { serverOptions, type GrpcLimits } from "./limits.js";
import { createResponseWriter, endWithError, readRequests } from "./server-streams.js";
import { createServiceDefinition, decodeMessage, methodPath, type MethodSpec } from "./service-definition.js";
import { toGrpcStatus } from "./status.js";

/** What a handler knows about its call besides the request. */
export interface HandlerContext {
  /** The full method path, e.g. `/lifeboat.v1.AgentService/Connect`. */
  readonly method: string;
  /** The caller's request metadata (headers). */
  readonly metadata: Metadata;
  /** The caller's address, e.g. `ipv4:127.0.0.1:53122`. */
  readonly peer: string;
  /**
   * The client certificate, present only when the caller presented one over TLS and it verified
   * against the server's CA (see createServerTls). The agent's identity on Connect.
   */
  readonly peerCertificate: PeerCertificate | undefined;
  /**
   * Aborted when the call ends for any reason: the client cancelled, the deadline passed, the
   * connection dropped, or the handler finished. Pass it to whatever the handler starts.
   */
  readonly signal: AbortSignal;
}

/**
 * The handling side of a bidirectional stream: iterate the caller's messages (the iteration ends
 * when the caller half-closes, and throws UNAVAILABLE if it cancels), send your own at any time.
 */
export interface ServerBidiStream<Receive, Send> extends AsyncIterable<Receive> {
  /** Resolves once grpc-js has taken the message; rejects UNAVAILABLE once the call has ended. */
  send(message: Send): Promise<void>;
}

type CallRequest<M extends MethodSpec> = MessageShape<M["input"]>;
type CallResponseInit<M extends MethodSpec> = MessageInitShape<M["output"]>;

/**
 * How a service implements one method, by its kind. A handler ends the call with OK by returning
 * (a bidi or server-stream handler by finishing), and with an error status by throwing: a
 * LifeboatError travels with its code, field and value (see status.ts).
 */
export type MethodHandler<M extends MethodSpec> = M["methodKind"] extends "unary"
  ? (request: CallRequest<M>, context: HandlerContext) => Promise<CallResponseInit<M>> | CallResponseInit<M>
  : M["methodKind"] extends "server_streaming"
    ? (request: CallRequest<M>, context: HandlerContext) => AsyncIterable<CallResponseInit<M>>
    : M["methodKind"] extends "client_streaming"
      ? (requests: AsyncIterable<CallRequest<M>>, context: HandlerContext) => Promise<CallResponseInit<M>> | CallResponseInit<M>
      : (stream: ServerBidiStream<CallRequest<M>, CallResponseInit<M>>, context: HandlerContext) => Promise<void>;

/** A service's handlers, one per method, named by local name (`connect`, `createToken`). */
export type ServiceImplementation<Methods extends GenServiceMethods> = {
  [K in keyof Methods]: MethodHandler<Methods[K]>;
};

export interface AddServiceOptions {
  /**
   * Runs before each handler of the service, before the request is even decoded; throw a
   * LifeboatError (UNAUTHENTICATED, PERMISSION_DENIED) to refuse the call.
   */
  authorize?: (context: HandlerContext) => void | Promise<void>;
  /**
   * Told of every error a handler threw that is not a LifeboatError. The caller gets INTERNAL
   * without the error's text (it may hold secrets), so log it here.
   */
  onUnexpectedError?: (error: unknown, method: string) => void;
}

/** A grpc-js server with Lifeboat's message limits and keepalive; add services with addService. */
export function createServer(limits?: GrpcLimits): Server {
  return new Server(serverOptions(limits));
}

/** Binds `server` to `address` (port 0 picks a free one) and resolves the bound port. */
export function bindServer(server: Server, address: string, credentials: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (err, port) => {
      if (err) reject(new LifeboatError("UNAVAILABLE", `cannot listen on ${address}: ${err.message}`, { cause: err }));
      else resolve(port);
    });
  });
}

/**
 * Registers `implementation` of a generated service on `server`. Requests are decoded here rather
 * than by grpc-js, so bytes that are not a valid request answer INVALID_ARGUMENT naming the message
 * type (grpc-js would say INTERNAL).
 */
export function addService<Methods extends GenServiceMethods>(
  server: Server,
  service: GenService<Methods>,
  implementation: ServiceImplementation<Methods>,
  options: AddServiceOptions = {},
): void {
  const definition = createServiceDefinition(service);
  const rawDefinition: Record<string, MethodDefinition<unknown, unknown>> = {};
  const handlers: Record<string, UntypedHandleCall> = {};
  for (const method of service.methods) {
    const name = method.localName as keyof Methods & string;
    rawDefinition[name] = { ...(definition[name] as MethodDefinition<unknown, unknown>), requestDeserialize: (bytes: Buffer) => bytes };
    handlers[name] = adaptHandler(method, implementation[name] as unknown as AnyHandler, options);
  }
  server.addService(rawDefinition, handlers);
}

// The handler's shape is checked by ServiceImplementation; here it is called by method kind.
type AnyHandler = (first: unknown, context: HandlerContext) => unknown;

function adaptHandler(method: DescMethod, handler: AnyHandler, options: AddServiceOptions): UntypedHandleCall {
  const path = methodPath(method);
  const decode = (bytes: Buffer) => decodeMessage(method.input, bytes);
  const statusOf = (err: unknown) => {
    if (!isLifeboatError(err)) options.onUnexpectedError?.(err, path);
    return toGrpcStatus(err, path);
  };
  const call = handler;

  switch (method.methodKind) {
    case "unary":
      return (grpcCall: ServerUnaryCall<Buffer, unknown>, callback: sendUnaryData<unknown>) => {
        const { context, finish } = createContext(grpcCall, path);
        void (async () => {
          await options.authorize?.(context);
          return await call(decode(grpcCall.request), context);
        })().then(
          (response) => {
            finish();
            callback(null, response);
          },
          (err: unknown) => {
            finish();
            callback(statusOf(err));
          },
        );
      };
    case "client_streaming":
      return (grpcCall: ServerReadableStream<Buffer, unknown>, callback: sendUnaryData<unknown>) => {
        const { context, finish } = createContext(grpcCall, path);
        const requests = readRequests(grpcCall, decode);
        void (async () => {
          await options.authorize?.(context);
          return await call(requests, context);
        })().then(
          (response) => {
            finish();
            callback(null, response);
          },
          (err: unknown) => {
            finish();
            callback(statusOf(err));
          },
        );
      };
    case "server_streaming":
      return (grpcCall: ServerWritableStream<Buffer, unknown>) => {
        const { context, finish } = createContext(grpcCall, path);
        const writer = createResponseWriter(grpcCall, context.signal);
        void (async () => {
          await options.authorize?.(context);
          const responses = call(decode(grpcCall.request), context) as AsyncIterable<unknown>;
          for await (const response of responses) {
            // A cancelled call stops the handler's iterable (its finally blocks run) at once.
            if (context.signal.aborted) break;
            await writer.send(response);
          }
        })().then(
          () => {
            finish();
            grpcCall.end();
          },
          (err: unknown) => {
            finish();
            endWithError(grpcCall, statusOf(err));
          },
        );
      };
    case "bidi_streaming":
      return (grpcCall: ServerDuplexStream<Buffer, unknown>) => {
        const { context, finish } = createContext(grpcCall, path);
        const requests = readRequests(grpcCall, decode);
        const writer = createResponseWriter(grpcCall, context.signal);
        const stream: ServerBidiStream<unknown, unknown> = {
          send: (message) => writer.send(message),
          [Symbol.asyncIterator]: () => requests[Symbol.asyncIterator](),
        };
        // A malformed message fails the call at once, whether or not the handler is reading.
        requests.onMalformed = (err) => {
          finish();
          endWithError(grpcCall, statusOf(err));
        };
        void (async () => {
          await options.authorize?.(context);
          await call(stream, context);
        })().then(
          () => {
            finish();
            grpcCall.end();
          },
          (err: unknown) => {
            finish();
            endWithError(grpcCall, statusOf(err));
          },
        );
      };
  }
}

interface SurfaceCall {
  on(event: "cancelled", listener: () => void): unknown;
  readonly metadata: Metadata;
  getPeer(): string;
  getAuthContext(): ReturnType<ServerUnaryCall<unknown, unknown>["getAuthContext"]>;
}

function createContext(grpcCall: SurfaceCall, path: string): { context: HandlerContext; finish: () => void } {
  const controller = new AbortController();
  grpcCall.on("cancelled", () => {
    controller.abort(new LifeboatError("UNAVAILABLE", `${path}: the call was cancelled`, { retryable: true }));
  });
  const certificate = grpcCall.getAuthContext().sslPeerCertificate;
  const context: HandlerContext = {
    method: path,
    metadata: grpcCall.metadata,
    peer: grpcCall.getPeer(),
    peerCertificate: certificate?.raw ? certificate : undefined,
    signal: controller.signal,
  };
  const finish = () => controller.abort(new LifeboatError("UNAVAILABLE", `${path}: the call has ended`));
  return { context, finish };
}
