export { createAgentService, authenticateAgent, type AgentServiceDeps } from "./agent-service.js";
export { MAX_OUTSTANDING_CREDITS } from "./agent-session.js";
export { createAdminService, type AdminServiceDeps } from "./admin-service.js";
export { adminAuthorizer } from "./admin-auth.js";
export { ClusterStreams, type ClusterChange } from "./cluster-streams.js";
export { toWireCluster } from "./wire-cluster.js";
export { toWireTask, specToPayload } from "./wire-task.js";
export { toWireToken } from "./wire-token.js";
export { toWireEvent } from "./wire-event.js";
