// `repo gc`: mark from live records, delete packs nothing references and repack mostly-dead ones,
// without stopping writers. The protocol (see locks/writer-lease.ts): the collector publishes the
// packs it will delete in a gc lock, then sweeps only if every live writer lease has seen that
// lock (such writers avoid those packs); writers that started earlier are waited for or the sweep
// is deferred. Records committed meanwhile are marked again before anything is deleted.
import { ContentStore, PACKS_PREFIX, decodeIndexBlob, packBlobName, packIdFromBlobName, writeIndexBlob, type PackEntries, type PackId, type PackLocation } from "../content/index.js";
import { GC_PREFIX, WRITER_PREFIX, describeSelf, listLiveLocks, newLockName, putLock, readLock, DEFAULT_LEASE_TIMING, type WriterLease } from "../locks/index.js";
import type { Repository } from "../repository.js";
import type { BlobInfo } from "../storage/index.js";
import { listLiveRecords } from "./live-records.js";
import { markFrom } from "./mark.js";
import { planPacks } from "./pack-usage.js";
import type { GcOptions, GcReport } from "./reports.js";

const POLL_MS = 1000;

export async function collectGarbage(repo: Repository, options: GcOptions = {}): Promise<GcReport> {
  const { content, manifests, storage } = repo;
  const key = repo.unlocked.keys.encryptionKey;
  const staleMs = DEFAULT_LEASE_TIMING.staleMs;
  const report: GcReport = { records: 0, liveContents: 0, packsBefore: 0, packsDeleted: 0, packsRepacked: 0, bytesFreed: 0, indexBlobsCompacted: 0, dryRun: options.dryRun ?? false };

  const others = await listLiveLocks(storage, GC_PREFIX, staleMs);
  if (others.length > 0) return { ...report, deferred: `another collection is running (${others[0]!.name})` };

  const stored = new Map<PackId, BlobInfo>();
  for await (const blob of storage.list(PACKS_PREFIX)) {
    const pack = packIdFromBlobName(blob.name);
    if (pack) stored.set(pack, blob);
  }
  report.packsBefore = stored.size;
  const records = await listLiveRecords(manifests);
  const marked = await markFrom(content, manifests, records, { progress: (done, total) => options.progress?.("mark", done, total) });
  report.records = records.length;
  report.liveContents = marked.live.size;
  if (marked.unreadable.size > 0) {
    // Sweeping with part of the graph unreadable could delete what the unreadable part references.
    const [id, reason] = marked.unreadable.entries().next().value!;
    return { ...report, deferred: `${marked.unreadable.size} referenced contents cannot be read (e.g. ${id}: ${reason}); run repo check` };
  }
  const plan = planPacks({
    entries: content.index.entries(),
    stored,
    live: marked.live,
    now: Date.now(),
    graceMs: options.graceMs ?? 60 * 60_000,
    repackBelow: options.repackBelow ?? 0.5,
  });
  if (report.dryRun) return { ...report, packsDeleted: plan.dead.size, packsRepacked: plan.repack.size, bytesFreed: plan.bytes };
  if (plan.dead.size === 0 && plan.repack.size === 0 && content.loadedIndexBlobs.length <= 1) return report;

  const doomed = new Set<PackId>([...plan.dead, ...plan.repack.keys()]);
  // Live contents of mostly-dead packs go to new packs first, through a store blind to the doomed ones.
  const repacker = await ContentStore.open(storage, repo.unlocked.keys, { excludePacks: doomed });
  let moved: PackLocation[] = [];
  try {
    let done = 0;
    for (const [, ids] of plan.repack) {
      for (const id of ids) await repacker.putContent(content.locate(id)!.kind, await content.getContent(id));
      done++;
      options.progress?.("repack", done, plan.repack.size);
    }
    await repacker.flush();
    moved = [...repacker.index.entries()].filter((entry) => !content.index.hasPack(entry.pack));
  } finally {
    await repacker.abort();
  }

  const lockName = newLockName(GC_PREFIX);
  await putLock(storage, key, lockName, { ...describeSelf(), doomedPacks: [...doomed] });
  try {
    const rival = (await listLiveLocks(storage, GC_PREFIX, staleMs)).find((lock) => lock.name !== lockName);
    if (rival) return { ...report, deferred: `another collection started meanwhile (${rival.name})` };
    const waiting = await waitForWriters(repo, lockName, options.waitForWritersMs ?? 0);
    if (waiting > 0) return { ...report, deferred: `${waiting} writers that started before this collection are still running; run gc again later or pass a wait` };

    await spareLateWork(repo, records, doomed);

    report.indexBlobsCompacted = await compactIndex(repo, doomed);
    // This repository may go on reading and writing: it must forget what is about to go, and
    // find what was moved where it now is.
    content.index.dropPacks(doomed);
    for (const entry of moved) content.index.add(entry.pack, entry);
    for (const pack of doomed) {
      await storage.delete(packBlobName(pack));
      report.bytesFreed += stored.get(pack)?.size ?? 0;
      report.packsDeleted++;
      options.progress?.("delete", report.packsDeleted, doomed.size);
    }
    report.packsRepacked = [...plan.repack.keys()].filter((pack) => doomed.has(pack)).length;
    report.packsDeleted -= report.packsRepacked;
    return report;
  } finally {
    await storage.delete(lockName);
  }
}

/**
 * Writers that ran beside the mark may have committed records referencing old content, and stored
 * packs this collection saw unindexed. With the writers now finished, the index is read afresh:
 * packs it now names are not orphans, and packs holding content of new records are kept.
 */
async function spareLateWork(repo: Repository, marked: readonly string[], doomed: Set<PackId>): Promise<void> {
  const current = await ContentStore.open(repo.storage, repo.unlocked.keys, { workers: 0 });
  try {
    for (const pack of doomed) if (!repo.content.index.hasPack(pack) && current.index.hasPack(pack)) doomed.delete(pack);
    const fresh = (await listLiveRecords(repo.manifests)).filter((name) => !marked.includes(name));
    if (fresh.length === 0) return;
    const late = await markFrom(current, repo.manifests, fresh);
    for (const id of late.live) {
      const pack = current.locate(id)?.pack;
      if (pack) doomed.delete(pack);
    }
  } finally {
    await current.abort();
  }
}

/** Live writer leases that have not seen lock `lockName`, after waiting up to `waitMs` for them to end. */
async function waitForWriters(repo: Repository, lockName: string, waitMs: number): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    let blocking = 0;
    for (const info of await listLiveLocks(repo.storage, WRITER_PREFIX, DEFAULT_LEASE_TIMING.staleMs)) {
      if (info.name === repo.leaseName) continue;
      const lease = await readLock<WriterLease>(repo.storage, repo.unlocked.keys.encryptionKey, info.name).catch(() => undefined);
      if (lease && !lease.sawGc.includes(lockName)) blocking++;
    }
    if (blocking === 0 || Date.now() >= deadline) return blocking;
    await new Promise((wake) => setTimeout(wake, POLL_MS));
  }
}

/**
 * Rewrites the index blobs loaded at open as one, without the doomed packs; returns how many it
 * replaced. Built from the blobs themselves, not the in-memory index, which keeps one location per
 * content: a second copy in another pack must stay indexed when the first one's pack goes.
 */
async function compactIndex(repo: Repository, doomed: ReadonlySet<PackId>): Promise<number> {
  const key = repo.unlocked.keys.encryptionKey;
  const names = repo.content.loadedIndexBlobs;
  const kept = new Map<PackId, PackEntries>();
  for (const name of names) {
    for (const packEntries of decodeIndexBlob(name, await repo.storage.get(name), key)) {
      // A collection interrupted between writing its compacted blob and deleting the old ones leaves a pack listed twice.
      if (!doomed.has(packEntries.pack) && !kept.has(packEntries.pack)) kept.set(packEntries.pack, packEntries);
    }
  }
  await writeIndexBlob(repo.storage, [...kept.values()], key);
  for (const name of names) await repo.storage.delete(name);
  return names.length;
}
