import { Metadata, status as GrpcStatus, type StatusObject } from "@grpc/grpc-js";
import { LifeboatError, isLifeboatError, type ErrorCode } from "../errors/index.js";

/**
 * THE table between Lifeboat error codes and gRPC status codes; nothing else translates.
 * One-to-one, so a code survives the round trip hub → wire → CLI.
 */
const grpcStatusByCode: Record<ErrorCode, GrpcStatus> = {
  INVALID_ARGUMENT: GrpcStatus.INVALID_ARGUMENT,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  ALREADY_EXISTS: GrpcStatus.ALREADY_EXISTS,
  FAILED_PRECONDITION: GrpcStatus.FAILED_PRECONDITION,
  UNAUTHENTICATED: GrpcStatus.UNAUTHENTICATED,
  PERMISSION_DENIED: GrpcStatus.PERMISSION_DENIED,
  UNAVAILABLE: GrpcStatus.UNAVAILABLE,
  CORRUPT: GrpcStatus.DATA_LOSS,
  INTERNAL: GrpcStatus.INTERNAL,
};

/**
 * Statuses no Lifeboat code produces but grpc-js, proxies or other peers do, read as the nearest
 * code. RESOURCE_EXHAUSTED is what grpc-js answers for a message over the size limit: bad input,
 * not a reason to retry.
 */
const codeByForeignStatus: Partial<Record<GrpcStatus, { code: ErrorCode; retryable: boolean }>> = {
  [GrpcStatus.CANCELLED]: { code: "UNAVAILABLE", retryable: true },
  [GrpcStatus.UNKNOWN]: { code: "INTERNAL", retryable: false },
  [GrpcStatus.DEADLINE_EXCEEDED]: { code: "UNAVAILABLE", retryable: true },
  [GrpcStatus.RESOURCE_EXHAUSTED]: { code: "INVALID_ARGUMENT", retryable: false },
  [GrpcStatus.ABORTED]: { code: "FAILED_PRECONDITION", retryable: true },
  [GrpcStatus.OUT_OF_RANGE]: { code: "INVALID_ARGUMENT", retryable: false },
  // The peer does not serve the method: a hub and agent of contracts too far apart.
  [GrpcStatus.UNIMPLEMENTED]: { code: "FAILED_PRECONDITION", retryable: false },
};

const codeByGrpcStatus = new Map<GrpcStatus, ErrorCode>(
  Object.entries(grpcStatusByCode).map(([code, grpcStatus]) => [grpcStatus, code as ErrorCode]),
);

/** Trailing metadata that carries what a status code cannot: the exact code, the field, the value. */
export const ERROR_METADATA = {
  code: "lifeboat-error-code",
  // -bin: grpc-js base64s binary values, so any UTF-8 field or value travels intact.
  field: "lifeboat-error-field-bin",
  value: "lifeboat-error-value-bin",
  retryable: "lifeboat-error-retryable",
} as const;

// Header lists are capped (grpc-js accepts 8 KiB of metadata by default); an error's value is for
// a human to recognise, not to reproduce.
const MAX_VALUE_CHARS = 1024;

/** The gRPC status a Lifeboat error code travels as. */
export function grpcStatusFor(code: ErrorCode): GrpcStatus {
  return grpcStatusByCode[code];
}

/**
 * The status to end a call with for an error a handler threw. A LifeboatError keeps its message,
 * code, field, value and retryable flag. Anything else becomes INTERNAL with a message that says
 * only where it happened: a foreign error's text may hold anything (a Redis command with its keys,
 * a URL with credentials), so it stays in the server's log.
 */
export function toGrpcStatus(err: unknown, method: string): StatusObject {
  if (!isLifeboatError(err)) {
    return { code: GrpcStatus.INTERNAL, details: `internal error in ${method}`, metadata: new Metadata() };
  }
  const metadata = new Metadata();
  metadata.set(ERROR_METADATA.code, err.code);
  metadata.set(ERROR_METADATA.retryable, String(err.retryable));
  if (err.field !== undefined) metadata.set(ERROR_METADATA.field, Buffer.from(err.field, "utf8"));
  if (err.value !== undefined) metadata.set(ERROR_METADATA.value, Buffer.from(truncate(err.value), "utf8"));
  return { code: grpcStatusFor(err.code), details: err.message, metadata };
}

/**
 * The LifeboatError a failed call stands for, on the calling side. Restores code, field, value and
 * retryable from trailing metadata when the peer is a Lifeboat server, else reads the status code
 * (UNAVAILABLE, DEADLINE_EXCEEDED and CANCELLED are retryable). The grpc-js error is the `cause`.
 * A LifeboatError passes through unchanged.
 */
export function fromGrpcError(err: unknown): LifeboatError {
  if (isLifeboatError(err)) return err;
  if (!isStatusLike(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return new LifeboatError("INTERNAL", `gRPC call failed: ${message}`, { cause: err });
  }
  const metadata = isMetadataLike(err.metadata) ? err.metadata : undefined;
  const sentCode = firstString(metadata, ERROR_METADATA.code);
  const foreign = codeByForeignStatus[err.code as GrpcStatus];
  const code: ErrorCode = isErrorCode(sentCode)
    ? sentCode
    : (codeByGrpcStatus.get(err.code) ?? foreign?.code ?? "INTERNAL");
  const sentRetryable = firstString(metadata, ERROR_METADATA.retryable);
  const retryable = sentRetryable !== undefined ? sentRetryable === "true" : (foreign?.retryable ?? code === "UNAVAILABLE");
  const details = typeof err.details === "string" && err.details !== "" ? err.details : `gRPC status ${statusName(err.code)}`;
  return new LifeboatError(code, details, {
    field: firstText(metadata, ERROR_METADATA.field),
    value: firstText(metadata, ERROR_METADATA.value),
    retryable,
    cause: err,
  });
}

/** The name of a gRPC status code, e.g. 8 → "RESOURCE_EXHAUSTED". */
export function statusName(code: number): string {
  return GrpcStatus[code] ?? `status ${code}`;
}

function isStatusLike(err: unknown): err is { code: number; details?: unknown; metadata?: unknown } {
  return typeof err === "object" && err !== null && Number.isInteger((err as { code?: unknown }).code);
}

function isErrorCode(value: string | undefined): value is ErrorCode {
  return value !== undefined && Object.hasOwn(grpcStatusByCode, value);
}

// Duck-typed, not instanceof: the error may come from another copy of grpc-js.
function isMetadataLike(value: unknown): value is MetadataReader {
  return typeof value === "object" && value !== null && typeof (value as { get?: unknown }).get === "function";
}

type MetadataReader = Pick<Metadata, "get">;

function firstString(metadata: MetadataReader | undefined, key: string): string | undefined {
  const value = metadata?.get(key)[0];
  return typeof value === "string" ? value : undefined;
}

function firstText(metadata: MetadataReader | undefined, key: string): string | undefined {
  const value = metadata?.get(key)[0];
  return value === undefined ? undefined : Buffer.isBuffer(value) ? value.toString("utf8") : value;
}

function truncate(value: string): string {
  return value.length <= MAX_VALUE_CHARS ? value : `${value.slice(0, MAX_VALUE_CHARS)}…`;
}
