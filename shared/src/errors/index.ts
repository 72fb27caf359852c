export { LifeboatError, isLifeboatError, type ErrorCode, type LifeboatErrorOptions } from "./lifeboat-error.js";
