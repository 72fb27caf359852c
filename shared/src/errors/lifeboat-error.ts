/** Codes every Lifeboat layer speaks; one table maps them to gRPC status and CLI exit codes. */
export type ErrorCode =
  | "INVALID_ARGUMENT"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "FAILED_PRECONDITION"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "UNAVAILABLE"
  | "CORRUPT"
  | "INTERNAL";

export interface LifeboatErrorOptions {
  field?: string;
  value?: string;
  retryable?: boolean;
  cause?: unknown;
}

/** Base of every error Lifeboat throws. Branch on `code`, never on message text. */
export class LifeboatError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly value?: string;
  readonly retryable: boolean;
  // Marker checked by isLifeboatError, so two copies of this class (two package
  // versions) still recognise each other's errors.
  readonly isLifeboatError = true;

  constructor(code: ErrorCode, message: string, options: LifeboatErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LifeboatError";
    this.code = code;
    this.field = options.field;
    this.value = options.value;
    this.retryable = options.retryable ?? false;
  }
}

export function isLifeboatError(err: unknown): err is LifeboatError {
  return typeof err === "object" && err !== null && (err as { isLifeboatError?: unknown }).isLifeboatError === true;
}
