import { AgentService } from "@lifeboat/proto";
import { createChannel, createClient, createClientTls, type ServiceClient, type ServiceMethods } from "@lifeboat/shared";

export type AgentServiceClient = ServiceClient<ServiceMethods<typeof AgentService>>;

export interface HubTls {
  /** The CA to trust for the hub's server certificate; the system roots when absent. */
  caCertificatePem?: string;
  /** The agent's client certificate and key (mTLS); absent for Register. */
  certificatePem?: string;
  privateKeyPem?: string;
}

/** A client of the hub's AgentService over its own TLS channel; the caller closes it. */
export interface HubClient {
  agent: AgentServiceClient;
  close(): void;
}

/** Opens a channel to the hub at `address` (host:port) with TLS, and mTLS when `tls` has a certificate. */
export function dialHub(address: string, tls: HubTls, maxMessageBytes: number): HubClient {
  const channel = createChannel(address, createClientTls(tls), { maxMessageBytes });
  return { agent: createClient(AgentService, channel), close: () => channel.close() };
}
