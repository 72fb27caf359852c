// The agent: one per cluster, dialling out to the hub and running what it assigns.
export { startAgent, type AgentOptions, type RunningAgent } from "./agent.js";
export { AGENT_BUILD } from "./build-info.js";
export type { BackoffPolicy } from "./connection/index.js";
export { parseHubAddresses } from "./connection/index.js";
export { loadKubeConfig, restoredMarkerPath, startNodeAgent, type NodeAgentOptions, type RunningNodeAgent } from "./volumes/node/index.js";
