// The hub: gRPC services, schedules and catalog arrive with their issues.
export const component = "hub";
export * from "./store/index.js";
export * from "./queue/index.js";
