// How much of each pack is still referenced, and what the collector may do with it.
import type { ContentId, PackId, PackLocation } from "../content/index.js";
import type { BlobInfo } from "../storage/index.js";

export interface PackPlan {
  /** Packs with nothing live (or in no index), old enough to delete. */
  dead: Set<PackId>;
  /** Packs mostly dead, old enough: their live contents move to new packs, then they go. */
  repack: Map<PackId, ContentId[]>;
  /** Bytes the dead and repacked packs occupy. */
  bytes: number;
}

export interface PlanInput {
  entries: Iterable<PackLocation>;
  stored: ReadonlyMap<PackId, BlobInfo>;
  live: ReadonlySet<ContentId>;
  now: number;
  graceMs: number;
  repackBelow: number;
}

export function planPacks({ entries, stored, live, now, graceMs, repackBelow }: PlanInput): PackPlan {
  const usage = new Map<PackId, { liveBytes: number; liveIds: ContentId[] }>();
  for (const entry of entries) {
    let pack = usage.get(entry.pack);
    if (!pack) usage.set(entry.pack, (pack = { liveBytes: 0, liveIds: [] }));
    if (live.has(entry.id)) {
      pack.liveBytes += entry.length;
      pack.liveIds.push(entry.id);
    }
  }
  const plan: PackPlan = { dead: new Set(), repack: new Map(), bytes: 0 };
  for (const [pack, info] of stored) {
    // Young packs may belong to a writer that has not committed yet: never touch them.
    if (now - info.modified.getTime() < graceMs) continue;
    const use = usage.get(pack);
    if (!use || use.liveIds.length === 0) {
      plan.dead.add(pack);
      plan.bytes += info.size;
    } else if (use.liveBytes < info.size * repackBelow) {
      plan.repack.set(pack, use.liveIds);
      plan.bytes += info.size;
    }
  }
  return plan;
}
