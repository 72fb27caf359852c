export {
  createServiceDefinition,
  decodeMessage,
  encoderFor,
  methodPath,
  type GrpcServiceDefinition,
  type MethodSpec,
  type ServiceMethods,
} from "./service-definition.js";
export {
  createChannel,
  createClient,
  type BidiStream,
  type CallOptions,
  type ClientMethod,
  type ClientOptions,
  type ServiceClient,
} from "./client.js";
export {
  addService,
  bindServer,
  createServer,
  type AddServiceOptions,
  type HandlerContext,
  type MethodHandler,
  type ServerBidiStream,
  type ServiceImplementation,
} from "./server.js";
export { ERROR_METADATA, fromGrpcError, grpcStatusFor, statusName, toGrpcStatus } from "./status.js";
export { DEFAULT_MAX_MESSAGE_BYTES, channelOptions, serverOptions, type GrpcLimits } from "./limits.js";
export { createClientTls, createServerTls, type ClientTlsOptions, type ServerTlsOptions } from "./tls.js";
