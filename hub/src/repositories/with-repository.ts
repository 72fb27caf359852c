// The catalogs read and remove backup and restore records in a repository without a writer
// lease: deleting records and reading manifests never writes content.
import { openRepositoryWithAccess, type Repository } from "@lifeboat/shared/repo";
import type { RepositoryDirectory } from "./directory-types.js";

/** Opens repository `name` read-only, runs `use`, and closes it (and its storage) whatever happens. */
export async function withRepository<T>(directory: Pick<RepositoryDirectory, "access">, name: string, use: (repo: Repository) => Promise<T>): Promise<T> {
  const access = await directory.access(name);
  const repo = await openRepositoryWithAccess(access, { write: false });
  try {
    return await use(repo);
  } finally {
    await repo.close().catch(() => undefined);
    await repo.storage.close().catch(() => undefined);
  }
}
