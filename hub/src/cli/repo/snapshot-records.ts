// Finding snapshot records: by id, by "latest", and the parent a new snapshot of a path builds on.
// Records are small encrypted blobs under snapshots/; nothing here reads a pack.
import { LifeboatError, getSnapshot, listSnapshots, type Repository, type SnapshotRecord } from "@lifeboat/shared/repo";

/** Every snapshot record, oldest first (by time, then id). */
export async function loadSnapshots(repo: Repository): Promise<SnapshotRecord[]> {
  const ids = await listSnapshots(repo.manifests);
  const records = await Promise.all(ids.map((id) => getSnapshot(repo.manifests, id)));
  return records.sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id));
}

/**
 * The snapshot `ref` names: "latest" (the newest, optionally of `path`), a full id, or a prefix
 * of one id. NOT_FOUND when none matches; INVALID_ARGUMENT when a prefix is ambiguous.
 */
export async function findSnapshot(repo: Repository, ref: string, field: string): Promise<SnapshotRecord> {
  if (ref === "latest") {
    const newest = (await loadSnapshots(repo)).at(-1);
    if (!newest) throw new LifeboatError("NOT_FOUND", `repository ${repo.storage.description} has no snapshots`, { field, value: ref });
    return newest;
  }
  if (!/^[0-9a-f]{1,32}$/.test(ref)) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(ref)} is not a snapshot id: expected "latest" or hex digits of an id`, { field, value: ref });
  }
  const matches = (await listSnapshots(repo.manifests)).filter((id) => id.startsWith(ref));
  if (matches.length === 0) throw new LifeboatError("NOT_FOUND", `snapshot ${ref} is not in repository ${repo.storage.description}`, { field, value: ref });
  if (matches.length > 1) throw new LifeboatError("INVALID_ARGUMENT", `${field} ${ref} matches ${matches.length} snapshots; give more of the id`, { field, value: ref });
  return getSnapshot(repo.manifests, matches[0]!);
}

/** The newest snapshot of exactly `path` taken on `host`: what an incremental snapshot builds on. */
export async function latestOfPath(repo: Repository, path: string, host: string): Promise<SnapshotRecord | undefined> {
  const same = (await loadSnapshots(repo)).filter((r) => r.host === host && r.paths.length === 1 && r.paths[0] === path);
  return same.at(-1);
}
