import { LifeboatError } from "../../errors/index.js";

// S3 caps keys at 1024 bytes; the prefix inside the bucket takes some of that.
const MAX_NAME_LENGTH = 900;
// Printable ASCII without backslash: the same name must mean the same blob on every medium,
// and a backslash is a separator on some filesystems.
const ALLOWED = /^[\x21-\x5b\x5d-\x7e]+$/;
// Reserved for the filesystem backend's temporary files, which must never look like blobs.
const TEMPORARY = /\.tmp-[0-9a-f]{16}$/;

/** True for a name the filesystem backend uses for a write in progress. */
export function isTemporaryName(segment: string): boolean {
  return segment.startsWith(".") && TEMPORARY.test(segment);
}

/** Temporary file name, in the same directory, for a blob whose last segment is `base`. */
export function temporaryName(base: string, random: string): string {
  return `.${base}.tmp-${random}`;
}

/**
 * Throws INVALID_ARGUMENT unless `name` is a relative, '/'-separated blob name: printable ASCII,
 * no backslash or space, no empty, '.' or '..' segment, not a reserved temporary name.
 */
export function validateBlobName(name: string, where: string): void {
  const problem = nameProblem(name, false);
  if (problem) {
    throw new LifeboatError("INVALID_ARGUMENT", `${where}: blob name ${JSON.stringify(name)} is not valid: ${problem}`, {
      field: "blob",
      value: name,
    });
  }
}

/** Like validateBlobName, for a listing prefix: may be empty and may end with '/'. */
export function validateBlobPrefix(prefix: string, where: string): void {
  const problem = prefix === "" ? undefined : nameProblem(prefix, true);
  if (problem) {
    throw new LifeboatError("INVALID_ARGUMENT", `${where}: blob prefix ${JSON.stringify(prefix)} is not valid: ${problem}`, {
      field: "prefix",
      value: prefix,
    });
  }
}

function nameProblem(name: string, isPrefix: boolean): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > MAX_NAME_LENGTH) return `it is longer than ${MAX_NAME_LENGTH} characters`;
  if (name.includes("\\")) return "backslashes are not allowed; use '/' between segments";
  if (!ALLOWED.test(name)) return "only printable ASCII without spaces is allowed";
  if (name.startsWith("/")) return "it must be relative, not start with '/'";
  const segments = name.split("/");
  if (isPrefix && segments.at(-1) === "") segments.pop();
  for (const segment of segments) {
    if (segment === "") return "it has an empty segment ('//' or a trailing '/')";
    if (segment === "." || segment === "..") return `segment '${segment}' is not allowed`;
    if (isTemporaryName(segment)) return `segment '${segment}' is reserved for temporary files`;
  }
  return undefined;
}

/** Throws INVALID_ARGUMENT unless offset and length are non-negative safe integers. */
export function validateRange(name: string, offset: number, length: number, where: string): void {
  for (const [field, value] of [["offset", offset], ["length", length]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new LifeboatError("INVALID_ARGUMENT", `${where}: range of blob "${name}": ${field} ${value} must be a non-negative integer`, {
        field,
        value: String(value),
      });
    }
  }
}

/** The error every backend throws when a range reaches past the blob's end. */
export function rangeBeyondEnd(name: string, offset: number, length: number, size: number | undefined, where: string): LifeboatError {
  const has = size === undefined ? "is shorter" : `has only ${size} bytes`;
  return new LifeboatError("CORRUPT", `${where}: blob "${name}" ${has}; bytes ${offset}..${offset + length} were asked for`, {
    field: "blob",
    value: name,
  });
}

export function blobNotFound(name: string, where: string, cause?: unknown): LifeboatError {
  return new LifeboatError("NOT_FOUND", `${where}: blob "${name}" not found`, { field: "blob", value: name, cause });
}
