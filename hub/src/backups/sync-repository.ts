// Rebuilding the catalog from a repository: every backup with a manifest there that the catalog
// does not hold is added, so a new hub pointed at an existing repository sees every backup.
import { getBackupManifest, listBackups } from "@lifeboat/shared/repo";
import type { RepositoryDirectory } from "../repositories/directory-types.js";
import type { BackupStore } from "./backup-store.js";
import { backupFromManifest } from "./manifest-backup.js";
import { withRepository } from "../repositories/with-repository.js";

export interface SyncDeps {
  store: BackupStore;
  directory: RepositoryDirectory;
}

export interface SyncReport {
  /** Backups found in the repository and added to the catalog. */
  added: number;
  /** Backups the catalog already had. */
  known: number;
  /** Manifests that could not be read or recorded, each with its reason. */
  problems: string[];
}

/** Reads every manifest of repository `name` and adds the backups the catalog lacks. */
export async function syncRepository(deps: SyncDeps, name: string): Promise<SyncReport> {
  const report: SyncReport = { added: 0, known: 0, problems: [] };
  await withRepository(deps.directory, name, async (repo) => {
    for (const id of await listBackups(repo.manifests)) {
      if (await deps.store.read(id)) {
        report.known++;
        continue;
      }
      try {
        const backup = backupFromManifest(await getBackupManifest(repo.manifests, id), name);
        // Another hub syncing at once may have added it first.
        if (await deps.store.create(backup)) report.added++;
        else report.known++;
      } catch (err) {
        report.problems.push(`backups/${id}/manifest: ${(err as Error).message}`);
      }
    }
  });
  return report;
}
