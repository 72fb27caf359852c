// `repo check`: structure always (indexes decrypt, every indexed pack exists and is long enough,
// every referenced content is indexed and every tree decodes); with readData, every blob of the
// chosen packs is decrypted and re-hashed against its id. Problems are reported, never thrown,
// each naming the pack, the contents and the records (snapshots, backups) they damage.
import { randomInt } from "node:crypto";
import { isLifeboatError } from "../../errors/index.js";
import { PACKS_PREFIX, decodePackHeader, packBlobName, packIdFromBlobName, type ContentId, type PackId, type PackLocation } from "../content/index.js";
import type { Repository } from "../repository.js";
import { listLiveRecords } from "./live-records.js";
import { markFrom, recordsReferencing } from "./mark.js";
import type { CheckOptions, CheckProblem, CheckReport } from "./reports.js";

const LISTED_CONTENTS = 200;

export async function checkRepository(repo: Repository, options: CheckOptions = {}): Promise<CheckReport> {
  const { content, manifests, storage } = repo;
  const problems: Array<CheckProblem & { ids?: Set<ContentId> }> = [];
  const byPack = groupByPack(content.index.entries());
  const stored = new Map<PackId, number>();
  for await (const blob of storage.list(PACKS_PREFIX)) {
    const pack = packIdFromBlobName(blob.name);
    if (pack) stored.set(pack, blob.size);
  }

  for (const [pack, entries] of byPack) {
    const size = stored.get(pack);
    const end = Math.max(...entries.map((e) => e.offset + e.length));
    if (size === undefined) problems.push(packProblem(pack, entries, `pack ${pack} is missing: ${entries.length} contents indexed in it cannot be read`));
    else if (size < end + 4) problems.push(packProblem(pack, entries, `pack ${pack} is truncated: ${size} bytes, its indexed contents end at ${end}`));
  }

  const warnings: string[] = [];
  const orphans = [...stored.keys()].filter((pack) => !byPack.has(pack));
  if (orphans.length > 0) {
    warnings.push(`${orphans.length} packs are in no index (left by interrupted writers, or duplicates): gc removes them after its grace period`);
  }
  // Opening with onCorruptIndex skipped these; any other corrupt blob would have failed the open.
  for (const { name, message } of content.corruptIndexBlobs) problems.push({ message: `index blob ${name} cannot be read: ${message}` });

  const records = await listLiveRecords(manifests);
  const marked = await markFrom(content, manifests, records);
  for (const [id, reason] of marked.unreadable) {
    problems.push({ message: `content ${id} is referenced but cannot be read: ${reason}`, contents: [id], ids: new Set([id]) });
  }

  let packsRead = 0;
  let bytesRead = 0;
  if (options.readData) {
    const chosen = choosePacks([...byPack.keys()].filter((pack) => stored.has(pack)), options.subset ?? 1);
    for (const pack of chosen) {
      if (options.signal?.aborted) break;
      const problem = await readPack(repo, pack, byPack.get(pack)!);
      if (problem) problems.push(problem);
      packsRead++;
      bytesRead += stored.get(pack) ?? 0;
      options.progress?.(packsRead, chosen.length, bytesRead);
    }
  }

  // Naming affected records costs a walk per record, so it is done only when something is wrong.
  for (const problem of problems) {
    if (problem.ids && problem.ids.size > 0) problem.records = await recordsReferencing(content, manifests, records, problem.ids);
    delete problem.ids;
  }
  return {
    packs: stored.size,
    indexBlobs: content.loadedIndexBlobs.length,
    contents: content.index.size,
    records: records.length,
    packsRead,
    bytesRead,
    problems,
    warnings,
  };
}

async function readPack(repo: Repository, pack: PackId, entries: PackLocation[]): Promise<(CheckProblem & { ids: Set<ContentId> }) | undefined> {
  try {
    const header = decodePackHeader(pack, await repo.storage.get(packBlobName(pack)), repo.unlocked.keys.encryptionKey);
    const inHeader = new Set(header.map((entry) => `${entry.id}:${entry.offset}:${entry.length}`));
    const strays = entries.filter((entry) => !inHeader.has(`${entry.id}:${entry.offset}:${entry.length}`));
    if (strays.length > 0) return packProblem(pack, strays, `pack ${pack}: ${strays.length} indexed contents are not where its header says`);
  } catch (err) {
    if (!isLifeboatError(err)) throw err;
    return packProblem(pack, entries, `pack ${pack} cannot be read: ${err.message}`);
  }
  const bad: PackLocation[] = [];
  const reasons: string[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      try {
        await repo.content.getContent(entry.id);
      } catch (err) {
        if (!isLifeboatError(err)) throw err;
        bad.push(entry);
        if (reasons.length < 3) reasons.push(err.message);
      }
    }),
  );
  return bad.length === 0 ? undefined : packProblem(pack, bad, `pack ${pack}: ${bad.length} of ${entries.length} contents fail to decrypt or verify (${reasons.join("; ")})`);
}

function packProblem(pack: PackId, entries: readonly PackLocation[], message: string): CheckProblem & { ids: Set<ContentId> } {
  const ids = new Set(entries.map((entry) => entry.id));
  return { message, pack, contents: [...ids].slice(0, LISTED_CONTENTS), ids };
}

function groupByPack(entries: Iterable<PackLocation>): Map<PackId, PackLocation[]> {
  const byPack = new Map<PackId, PackLocation[]>();
  for (const entry of entries) {
    const list = byPack.get(entry.pack);
    if (list) list.push(entry);
    else byPack.set(entry.pack, [entry]);
  }
  return byPack;
}

/** A random share of the packs, at least one when there are any: repeated checks cover different packs. */
function choosePacks(packs: PackId[], subset: number): PackId[] {
  if (subset >= 1) return packs;
  const want = Math.max(1, Math.ceil(packs.length * subset));
  for (let i = packs.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [packs[i], packs[j]] = [packs[j]!, packs[i]!];
  }
  return packs.slice(0, want);
}

export { groupByPack };
