import type { ChannelOptions, ServerOptions } from "@grpc/grpc-js";

/**
 * Largest message either side sends or accepts unless configured otherwise. Inventories of big
 * clusters (thousands of nodes and API resources) fit with room to spare; bulk data never travels
 * over gRPC (it goes to the repository), so a larger message is a bug or an attack.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

// HTTP/2 pings find half-open connections (a NAT that forgot the agent's stream) that TCP alone
// would keep for hours. grpc-js servers accept pings at any rate; a C-core server behind the same
// name would want ≥ 10 s between them (grpc.http2.min_ping_interval_without_data_ms).
const KEEPALIVE_TIME_MS = 60_000;
const KEEPALIVE_TIMEOUT_MS = 20_000;

export interface GrpcLimits {
  /** Largest message sent or accepted, in bytes; default DEFAULT_MAX_MESSAGE_BYTES. */
  maxMessageBytes?: number;
}

/** Options for a grpc-js client channel (agent, CLI): message size limits and keepalive. */
export function channelOptions(limits: GrpcLimits = {}): ChannelOptions {
  const max = limits.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  return {
    "grpc.max_send_message_length": max,
    "grpc.max_receive_message_length": max,
    "grpc.keepalive_time_ms": KEEPALIVE_TIME_MS,
    "grpc.keepalive_timeout_ms": KEEPALIVE_TIMEOUT_MS,
  };
}

/** Options for a grpc-js server (hub): message size limits and keepalive. */
export function serverOptions(limits: GrpcLimits = {}): ServerOptions {
  const max = limits.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  return {
    "grpc.max_send_message_length": max,
    "grpc.max_receive_message_length": max,
    "grpc.keepalive_time_ms": KEEPALIVE_TIME_MS,
    "grpc.keepalive_timeout_ms": KEEPALIVE_TIMEOUT_MS,
  };
}
