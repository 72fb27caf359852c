import { LifeboatError, isLifeboatError } from "../../errors/index.js";
import { blobNotFound } from "./blob-name.js";

export type S3Operation = "put" | "get" | "getRange" | "head" | "list" | "delete";

// Error codes S3 and compatible servers use to ask a client to slow down.
const THROTTLING = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "RequestTimeout",
  "RequestTimeTooSkewed",
]);
const UNAUTHENTICATED = new Set(["InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "CredentialsProviderError"]);

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/**
 * Turns an error from the AWS SDK (after its own retries) into a LifeboatError in storage terms.
 * Messages carry the S3 error code and status, never request headers or credentials.
 */
export function s3Error(err: unknown, operation: S3Operation, name: string, where: string): LifeboatError {
  if (isLifeboatError(err)) return err;
  const shape = (typeof err === "object" && err !== null ? err : {}) as SdkErrorShape;
  const code = typeof shape.name === "string" ? shape.name : "Error";
  const status = shape.$metadata?.httpStatusCode;
  const attempts = shape.$metadata?.attempts;
  const said = typeof shape.message === "string" && shape.message !== "" && shape.message !== code ? `: ${shape.message}` : "";
  const answer = status === undefined ? `${code}${said}` : `${code} (HTTP ${status})${said}`;
  const tries = attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : "";
  const what = `${where}: cannot ${operation} ${operation === "list" ? "blobs under" : "blob"} "${name}"`;
  const options = { field: "blob", value: name, cause: err };

  if (code === "NoSuchKey" || (status === 404 && code !== "NoSuchBucket")) return blobNotFound(name, where, err);
  if (code === "NoSuchBucket") {
    return new LifeboatError("FAILED_PRECONDITION", `${what}: the bucket does not exist (NoSuchBucket)`, options);
  }
  if (code === "InvalidRange" || status === 416) {
    return new LifeboatError("CORRUPT", `${what}: the range reaches past the blob's end (${answer})`, options);
  }
  if (UNAUTHENTICATED.has(code)) return new LifeboatError("UNAUTHENTICATED", `${what}: credentials were refused: ${answer}`, options);
  if (code === "AccessDenied" || status === 403) return new LifeboatError("PERMISSION_DENIED", `${what}: ${answer}`, options);
  // Throttling, server faults, and network failures with no HTTP answer at all: the SDK has
  // already retried them, so a caller may still try again later.
  if (THROTTLING.has(code) || status === undefined || status === 429 || status >= 500) {
    return new LifeboatError("UNAVAILABLE", `${what}: S3 is unavailable${tries}: ${answer}`, { ...options, retryable: true });
  }
  return new LifeboatError("INTERNAL", `${what}: ${answer}`, options);
}
