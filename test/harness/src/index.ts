export * from "./free-port.js";
export * from "./process-group.js";
export * from "./redis-server.js";
export * from "./s3-server.js";
export * from "./s3-fault-proxy.js";
export * from "./kube-fleet.js";
export * from "./kubectl.js";
export * from "./node-agents.js";
