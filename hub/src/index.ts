// The hub: gRPC services, registration and the fleet's records; schedules and catalog arrive with their issues.
export const component = "hub";
export * from "./store/index.js";
export * from "./queue/index.js";
export * from "./pki/index.js";
export * from "./config/index.js";
export * from "./clusters/index.js";
export * from "./tokens/index.js";
export * from "./grpc/index.js";
export { initHub, type InitHubOptions, type InitHubResult } from "./hub-init.js";
export { startHub, type StartHubOptions, type RunningHub } from "./hub-process.js";
export { jsonLinesLog, silentLog, type HubLog } from "./log.js";
export { HUB_BUILD } from "./version.js";
