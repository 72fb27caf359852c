import type { RepositoryAccess } from "@lifeboat/proto";
import { LifeboatError, isLifeboatError } from "@lifeboat/shared";
import { Repository, openAccessStorage, redactUrl, type OpenRepositoryOptions } from "@lifeboat/shared/repo";

// The hub answers an admin's call while it waits: a few quick attempts, not the agent's
// patient retries, so an unreachable store is reported in seconds.
const STORAGE_OPTIONS = { maxAttempts: 2, connectionTimeoutMs: 5_000, requestTimeoutMs: 30_000 };

/**
 * Opens the repository `access` names read-only (no writer lease), with errors in terms of the
 * fields a caller gave: a wrong password is UNAUTHENTICATED naming `<fieldPrefix>credentials.password`,
 * refused S3 keys name `credentials.access_key_id`, an unreachable store is UNAVAILABLE naming
 * `url`, a store without repository.json is FAILED_PRECONDITION naming `url`. The caller closes
 * the repository and then its storage.
 */
export async function openRepositoryReadOnly(access: RepositoryAccess, fieldPrefix: string, options: OpenRepositoryOptions = {}): Promise<Repository> {
  const password = access.credentials?.password ?? "";
  if (password === "") {
    throw new LifeboatError("INVALID_ARGUMENT", `${fieldPrefix}credentials.password is required: the repository's password`, { field: `${fieldPrefix}credentials.password` });
  }
  const storage = rename(() => openAccessStorage(access, STORAGE_OPTIONS), access, fieldPrefix);
  try {
    return await Repository.open(storage, password, { ...options, write: false });
  } catch (err) {
    await storage.close().catch(() => undefined);
    throw renamed(err, access, fieldPrefix);
  }
}

function rename<T>(fn: () => T, access: RepositoryAccess, fieldPrefix: string): T {
  try {
    return fn();
  } catch (err) {
    throw renamed(err, access, fieldPrefix);
  }
}

function renamed(err: unknown, access: RepositoryAccess, fieldPrefix: string): unknown {
  if (!isLifeboatError(err)) return err;
  const where = `repository "${access.name}" at ${redactUrl(access.url)}`;
  const url = `${fieldPrefix}url`;
  switch (err.code) {
    case "INVALID_ARGUMENT":
      return err.field === "url" ? new LifeboatError("INVALID_ARGUMENT", err.message, { field: url, value: redactUrl(access.url), cause: err }) : err;
    case "UNAUTHENTICATED":
      if (err.field === "password") {
        return new LifeboatError("UNAUTHENTICATED", `${where}: ${fieldPrefix}credentials.password is wrong: no key slot opens with it`, {
          field: `${fieldPrefix}credentials.password`,
          cause: err,
        });
      }
      return new LifeboatError("UNAUTHENTICATED", `${where}: the S3 credentials were refused (${fieldPrefix}credentials.access_key_id, secret_access_key): ${err.message}`, {
        field: `${fieldPrefix}credentials.access_key_id`,
        cause: err,
      });
    case "PERMISSION_DENIED":
      return new LifeboatError("PERMISSION_DENIED", `${where}: access was denied: ${err.message}`, { field: `${fieldPrefix}credentials.access_key_id`, cause: err });
    case "NOT_FOUND":
      return new LifeboatError("FAILED_PRECONDITION", `${where}: there is no repository there (repository.json is missing): create it with \`lifeboat repo init\` first`, {
        field: url,
        value: redactUrl(access.url),
        cause: err,
      });
    case "UNAVAILABLE":
      return new LifeboatError("UNAVAILABLE", `${where} cannot be reached: ${err.message}`, { field: url, value: redactUrl(access.url), cause: err, retryable: true });
    default:
      return new LifeboatError(err.code, `${where}: ${err.message}`, { field: err.field ?? url, cause: err });
  }
}
