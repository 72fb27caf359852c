// The generated contract: everything under src/gen comes from proto/ via `buf generate`.
export * from "./gen/lifeboat/v1/build_info_pb.js";
