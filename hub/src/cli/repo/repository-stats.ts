// `repo stats`: what the repository holds, from the index loaded at open and the record names.
// No pack is read, so this is cheap on any size of repository.
import { listBackups, listSnapshots, type ContentKind, type Repository } from "@lifeboat/shared/repo";
import { renderFields } from "../output.js";
import { formatBytes } from "./units.js";

export interface RepositoryStats {
  id: string;
  storage: string;
  keys: number;
  packs: number;
  /** Sealed (compressed, encrypted) bytes of the indexed contents: pack bytes less headers. */
  packBytes: number;
  contents: number;
  /** Plaintext bytes of the indexed contents. */
  contentBytes: number;
  contentsByKind: Partial<Record<ContentKind, number>>;
  indexBlobs: number;
  snapshots: number;
  backups: number;
}

export async function repositoryStats(repo: Repository): Promise<RepositoryStats> {
  const byKind: Partial<Record<ContentKind, number>> = {};
  let packBytes = 0;
  let contentBytes = 0;
  for (const entry of repo.content.index.entries()) {
    packBytes += entry.length;
    contentBytes += entry.rawLength;
    byKind[entry.kind] = (byKind[entry.kind] ?? 0) + 1;
  }
  return {
    id: repo.id,
    storage: repo.storage.description,
    keys: repo.unlocked.config.keys.length,
    packs: repo.content.index.packCount,
    packBytes,
    contents: repo.content.index.size,
    contentBytes,
    contentsByKind: byKind,
    indexBlobs: repo.content.loadedIndexBlobs.length,
    snapshots: (await listSnapshots(repo.manifests)).length,
    backups: (await listBackups(repo.manifests)).length,
  };
}

export function renderStats(s: RepositoryStats): string {
  const kinds = Object.entries(s.contentsByKind).map(([kind, n]) => `${n} ${kind}`).join(", ");
  return renderFields([
    ["repository", s.id],
    ["storage", s.storage],
    ["keys", String(s.keys)],
    ["packs", String(s.packs)],
    ["pack bytes", `${formatBytes(s.packBytes)} (${s.packBytes})`],
    ["contents", kinds === "" ? "0" : `${s.contents} (${kinds})`],
    ["content bytes", `${formatBytes(s.contentBytes)} (${s.contentBytes})`],
    ["index blobs", String(s.indexBlobs)],
    ["snapshots", String(s.snapshots)],
    ["backups", String(s.backups)],
  ]);
}
