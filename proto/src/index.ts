// The generated contract: everything under src/gen comes from proto/ via `buf generate`.
export * from "./gen/lifeboat/v1/admin_service_pb.js";
export * from "./gen/lifeboat/v1/agent_service_pb.js";
export * from "./gen/lifeboat/v1/backup_pb.js";
export * from "./gen/lifeboat/v1/build_info_pb.js";
export * from "./gen/lifeboat/v1/cluster_pb.js";
export * from "./gen/lifeboat/v1/event_pb.js";
export * from "./gen/lifeboat/v1/inventory_pb.js";
export * from "./gen/lifeboat/v1/policy_pb.js";
export * from "./gen/lifeboat/v1/repository_pb.js";
export * from "./gen/lifeboat/v1/restore_pb.js";
export * from "./gen/lifeboat/v1/task_pb.js";
export * from "./gen/lifeboat/v1/token_pb.js";
