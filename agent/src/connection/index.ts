// The agent's side of AgentService: registration calls, the Connect stream, reconnects.
export { DEFAULT_BACKOFF, backoffDelay, retryWithBackoff, sleep, type BackoffPolicy, type RetryOptions } from "./backoff.js";
export { dialHub, type AgentServiceClient, type HubClient, type HubTls } from "./hub-client.js";
export { HubConnection, type ClusterDescription, type HubConnectionOptions, type TaskRunner } from "./hub-connection.js";
export { DEFAULT_HUB_SETTINGS, applyConfiguration, type HubSettings } from "./hub-settings.js";
export { HubAddressRotation, parseHubAddresses } from "./hub-addresses.js";
