import { ServerCredentials, credentials, type ChannelCredentials, type Client, type Server } from "@grpc/grpc-js";
import { createChannel } from "../grpc/client.js";
import type { GrpcLimits } from "../grpc/limits.js";
import { bindServer, createServer } from "../grpc/server.js";

export interface GrpcFixture {
  server: Server;
  /** host:port the server listens on. */
  address: string;
  /** A channel to the server; closed by close(). */
  channel: Client;
  /** Another channel to the server with its own options; closed by close(). */
  openChannel(options?: { limits?: GrpcLimits; credentials?: ChannelCredentials }): Client;
  close(): Promise<void>;
}

/**
 * A real grpc-js server on 127.0.0.1 (a free port) with the services `register` adds, and a
 * channel to it. Insecure unless given server credentials.
 */
export async function startGrpcFixture(
  register: (server: Server) => void,
  options: { limits?: GrpcLimits; serverCredentials?: ServerCredentials; channelCredentials?: ChannelCredentials } = {},
): Promise<GrpcFixture> {
  const server = createServer(options.limits);
  register(server);
  const port = await bindServer(server, "127.0.0.1:0", options.serverCredentials ?? ServerCredentials.createInsecure());
  const address = `127.0.0.1:${port}`;
  const channels: Client[] = [];
  const openChannel = (channelOptions: { limits?: GrpcLimits; credentials?: ChannelCredentials } = {}) => {
    const channel = createChannel(
      address,
      channelOptions.credentials ?? options.channelCredentials ?? credentials.createInsecure(),
      channelOptions.limits,
    );
    channels.push(channel);
    return channel;
  };
  return {
    server,
    address,
    channel: openChannel(),
    openChannel,
    async close() {
      for (const channel of channels) channel.close();
      // Streams a test left open would hold tryShutdown forever; forceShutdown ends them.
      server.forceShutdown();
    },
  };
}
