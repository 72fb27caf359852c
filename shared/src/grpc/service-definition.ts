import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type DescMethod,
  type MessageInitShape,
  type MessageShape,
} from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import { LifeboatError } from "../errors/index.js";

/** The method table of a generated service: `typeof AgentService` → `{ register: …, connect: … }`. */
export type ServiceMethods<Service> = Service extends GenService<infer Methods> ? Methods : never;

/** One method of a generated service: its kind and its input and output schemas. */
export type MethodSpec = GenServiceMethods[string];

/**
 * One method as grpc-js sees it, typed by the generated messages: senders may pass init shapes
 * (plain objects), receivers get messages. Assignable to grpc-js's MethodDefinition.
 */
export interface GrpcMethodDefinition<M extends MethodSpec> {
  path: string;
  originalName: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize: (value: MessageInitShape<M["input"]>) => Buffer;
  requestDeserialize: (bytes: Buffer) => MessageShape<M["input"]>;
  responseSerialize: (value: MessageInitShape<M["output"]>) => Buffer;
  responseDeserialize: (bytes: Buffer) => MessageShape<M["output"]>;
}

/** A grpc-js service definition (for `Server.addService`, `makeGenericClientConstructor`) typed by the generated messages. */
export type GrpcServiceDefinition<Methods extends GenServiceMethods> = {
  [K in keyof Methods]: GrpcMethodDefinition<Methods[K]>;
};

const definitions = new WeakMap<object, GrpcServiceDefinition<GenServiceMethods>>();

/**
 * The grpc-js definition of a generated service, derived from its descriptor: paths such as
 * `/lifeboat.v1.AgentService/Connect`, streaming flags from each method's kind, and (de)serializers
 * built on `toBinary` / `fromBinary`. Keys are the methods' local names (`connect`). Memoized per
 * service, so every client and server of one service share one definition.
 */
export function createServiceDefinition<Methods extends GenServiceMethods>(
  service: GenService<Methods>,
): GrpcServiceDefinition<Methods> {
  const known = definitions.get(service);
  if (known) return known as GrpcServiceDefinition<Methods>;
  const definition: Record<string, GrpcMethodDefinition<MethodSpec>> = {};
  for (const method of service.methods) {
    definition[method.localName] = {
      path: methodPath(method),
      originalName: method.name,
      requestStream: method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming",
      responseStream: method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
      requestSerialize: encoderFor(method.input),
      requestDeserialize: (bytes: Buffer) => decodeMessage(method.input, bytes),
      responseSerialize: encoderFor(method.output),
      responseDeserialize: (bytes: Buffer) => decodeMessage(method.output, bytes),
    };
  }
  definitions.set(service, definition as GrpcServiceDefinition<GenServiceMethods>);
  return definition as GrpcServiceDefinition<Methods>;
}

/** The HTTP/2 path gRPC uses for a method: `/<package>.<Service>/<Method>`. */
export function methodPath(method: DescMethod): string {
  return `/${method.parent.typeName}/${method.name}`;
}

/** Serializes a message or an init shape of `schema` to protobuf binary, as a Buffer for grpc-js. */
export function encoderFor<Schema extends DescMessage>(schema: Schema): (value: MessageInitShape<Schema>) => Buffer {
  return (value) => {
    const bytes = toBinary(schema, create(schema, value));
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

/**
 * Parses protobuf binary as a `schema` message. Unknown fields are kept (a newer peer's additions
 * survive a round trip). Throws INVALID_ARGUMENT naming the message type when the bytes are not a
 * valid encoding of it.
 */
export function decodeMessage<Schema extends DescMessage>(schema: Schema, bytes: Uint8Array): MessageShape<Schema> {
  try {
    return fromBinary(schema, bytes);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new LifeboatError(
      "INVALID_ARGUMENT",
      `message is not a valid ${schema.typeName} (${bytes.byteLength} bytes): ${reason}`,
      { field: schema.typeName, cause: err },
    );
  }
}
