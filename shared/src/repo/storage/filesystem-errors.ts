import { LifeboatError, isLifeboatError } from "../../errors/index.js";
import { blobNotFound } from "./blob-name.js";

export type FilesystemOperation = "put" | "get" | "getRange" | "head" | "list" | "delete";

// Errors the same call may not hit again a moment later (descriptor limits, a busy file).
const TRANSIENT = new Set(["EMFILE", "ENFILE", "EAGAIN", "EBUSY", "EINTR"]);

/** The errno code of a Node filesystem error, if it has one. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Turns a Node filesystem error from `operation` on blob `name` into a LifeboatError in storage
 * terms. `where` is the storage description. LifeboatErrors pass through unchanged.
 */
export function filesystemError(err: unknown, operation: FilesystemOperation, name: string, where: string): LifeboatError {
  if (isLifeboatError(err)) return err;
  const code = errnoCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  const options = { field: "blob", value: name, cause: err };
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
    case "EISDIR":
    case "EEXIST":
      if (operation !== "put") return blobNotFound(name, where, err);
      // On put these mean a blob and a directory want the same path ("a" and "a/b").
      return new LifeboatError(
        "FAILED_PRECONDITION",
        `${where}: cannot put blob "${name}": a blob and a directory on this filesystem would share a path (${code})`,
        options,
      );
    case "ENOSPC":
    case "EDQUOT":
      // Not retryable: waiting does not free space; someone has to.
      return new LifeboatError(
        "UNAVAILABLE",
        `${where}: cannot ${operation} blob "${name}": the disk is full (${code === "EDQUOT" ? "quota exceeded" : "no space left on device"})`,
        { ...options, retryable: false },
      );
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return new LifeboatError("PERMISSION_DENIED", `${where}: cannot ${operation} blob "${name}": ${detail}`, options);
  }
  if (code && TRANSIENT.has(code)) {
    return new LifeboatError("UNAVAILABLE", `${where}: cannot ${operation} blob "${name}" for now: ${detail}`, { ...options, retryable: true });
  }
  if (code === "EIO") return new LifeboatError("UNAVAILABLE", `${where}: cannot ${operation} blob "${name}": I/O error on the disk`, options);
  return new LifeboatError("INTERNAL", `${where}: cannot ${operation} blob "${name}": ${detail}`, options);
}
