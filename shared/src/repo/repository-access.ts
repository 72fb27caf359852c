// Opening a repository from a RepositoryAccess: how the hub (for checks, sync and deletes) and an
// agent (inside a task) reach the repository the catalog names, with the credentials it holds.
import type { RepositoryAccess } from "@lifeboat/proto";
import { LifeboatError } from "../errors/index.js";
import { Repository, type OpenRepositoryOptions } from "./repository.js";
import { openStorage, type BlobStorage, type OpenStorageOptions } from "./storage/index.js";

/** The storage `access` names, with its S3 key when it carries one (else the environment's). */
export function openAccessStorage(access: RepositoryAccess, options: Omit<OpenStorageOptions, "credentials"> = {}): BlobStorage {
  const credentials = access.credentials;
  const hasKey = credentials !== undefined && credentials.accessKeyId !== "";
  return openStorage(access.url, {
    ...options,
    ...(hasKey ? { credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}) } } : {}),
  });
}

/**
 * Opens the repository `access` names with its password. INVALID_ARGUMENT when it has none;
 * UNAUTHENTICATED when the password opens no key slot. The caller closes the repository and then
 * its storage (`repo.storage.close()`); when opening fails the storage is closed here.
 */
export async function openRepositoryWithAccess(access: RepositoryAccess, options: OpenRepositoryOptions = {}): Promise<Repository> {
  const password = access.credentials?.password ?? "";
  if (password === "") {
    throw new LifeboatError("INVALID_ARGUMENT", `repository "${access.name}" has no password`, { field: "credentials.password" });
  }
  const storage = openAccessStorage(access);
  try {
    return await Repository.open(storage, password, options);
  } catch (err) {
    await storage.close().catch(() => undefined);
    throw err;
  }
}
