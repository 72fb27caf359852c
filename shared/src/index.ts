export { LifeboatError, isLifeboatError, type ErrorCode } from "./errors/index.js";
