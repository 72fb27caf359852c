export { LifeboatError, isLifeboatError, type ErrorCode } from "./errors/index.js";
export { parseLabelSelector, type LabelSelector } from "./label-selector.js";
export * from "./grpc/index.js";
export * from "./repo/index.js";
