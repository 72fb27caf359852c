import { LifeboatError, isLifeboatError, type ErrorCode } from "../../errors/index.js";

export const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

const codes: Record<string, ErrorCode> = {
  ENOENT: "NOT_FOUND",
  EACCES: "PERMISSION_DENIED",
  EPERM: "PERMISSION_DENIED",
  EEXIST: "ALREADY_EXISTS",
  ENOTDIR: "FAILED_PRECONDITION",
  ENOSPC: "UNAVAILABLE",
  EIO: "UNAVAILABLE",
  EMFILE: "UNAVAILABLE",
};

/** Wraps a filesystem error with the path at fault; LifeboatErrors (and aborts) pass through. */
export function fileError(action: string, path: string, error: unknown): unknown {
  if (isLifeboatError(error) || (error as Error | undefined)?.name === "AbortError") return error;
  const errno = errnoOf(error) ?? "unknown error";
  const code = codes[errno] ?? "INTERNAL";
  return new LifeboatError(code, `cannot ${action} "${path}": ${errno}`, {
    field: "path",
    value: path,
    retryable: code === "UNAVAILABLE",
    cause: error,
  });
}
