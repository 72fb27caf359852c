// `repo repair-index`: indexes packs that no index blob names, from the headers the packs carry
// (a lost or corrupt index blob, or a writer that died between storing packs and their index).
// Packs already indexed are left alone; a pack whose header does not open is reported, not guessed at.
import { isLifeboatError } from "../../errors/index.js";
import { PACKS_PREFIX, decodePackHeader, packBlobName, packIdFromBlobName, writeIndexBlob, type PackEntries, type PackId } from "../content/index.js";
import type { Repository } from "../repository.js";

export interface RebuildReport {
  packs: number;
  /** Packs no index named, read for their headers. */
  packsRead: number;
  contentsIndexed: number;
  /** The index blob written, when any pack was indexed. */
  indexBlob?: string;
  /** Packs whose header could not be read, with the reason. */
  unreadable: string[];
}

export async function rebuildIndex(repo: Repository, progress?: (done: number, total: number) => void): Promise<RebuildReport> {
  const key = repo.unlocked.keys.encryptionKey;
  const unindexed: PackId[] = [];
  let packs = 0;
  for await (const blob of repo.storage.list(PACKS_PREFIX)) {
    const pack = packIdFromBlobName(blob.name);
    if (!pack) continue;
    packs++;
    if (!repo.content.index.hasPack(pack)) unindexed.push(pack);
  }
  const found: PackEntries[] = [];
  const unreadable: string[] = [];
  for (const [i, pack] of unindexed.entries()) {
    try {
      found.push({ pack, entries: decodePackHeader(pack, await repo.storage.get(packBlobName(pack)), key) });
    } catch (err) {
      if (!isLifeboatError(err)) throw err;
      unreadable.push(`pack ${pack}: ${err.message}`);
    }
    progress?.(i + 1, unindexed.length);
  }
  const report: RebuildReport = { packs, packsRead: unindexed.length, contentsIndexed: 0, unreadable };
  if (found.length === 0) return report;
  report.indexBlob = await writeIndexBlob(repo.storage, found, key);
  for (const { pack, entries } of found) {
    for (const entry of entries) repo.content.index.add(pack, entry);
    report.contentsIndexed += entries.length;
  }
  return report;
}
