// The hub: gRPC services, registration and the fleet's records, repositories, policies and their
// schedules, the backup catalog and retention, and restores.
export const component = "hub";
export * from "./store/index.js";
export * from "./queue/index.js";
export * from "./pki/index.js";
export * from "./config/index.js";
export * from "./clusters/index.js";
export * from "./tokens/index.js";
export * from "./grpc/index.js";
export * from "./repositories/index.js";
export * from "./backups/index.js";
export * from "./restores/index.js";
export * from "./policies/index.js";
export * from "./schedules/index.js";
export * from "./retention/index.js";
export { initHub, type InitHubOptions, type InitHubResult } from "./hub-init.js";
export { startHub, type StartHubOptions, type RunningHub } from "./hub-process.js";
export { jsonLinesLog, silentLog, type HubLog } from "./log.js";
export { HUB_BUILD } from "./version.js";
