// The typed records: what a snapshot and a backup manifest hold, and their shape checks.
import type { ItemIndexRef } from "./item-index.js";
import type { ContentId, RecordChecker } from "./record-checks.js";

export interface SnapshotStats {
  files: number;
  directories: number;
  bytes: number;
  [counter: string]: number;
}

/** One snapshot of a set of paths (a volume, a directory): its tree and where it came from. */
export interface SnapshotRecord {
  id: string;
  time: string;
  host: string;
  paths: string[];
  tree: ContentId;
  /** The snapshot this one was made incrementally from. */
  parent?: string;
  stats: SnapshotStats;
  tags?: string[];
}

/** One resource in a backup. `group` is "" for the core group, `namespace` "" when cluster-scoped. */
export interface BackupItem {
  group: string;
  version: string;
  resource: string;
  namespace: string;
  name: string;
  /** The JSON of the item in `version` (the cluster's preferred version of its resource). */
  content: ContentId;
  kind?: string;
  /**
   * Every group/version the cluster served the item in, each with its JSON's content: the item's
   * own group/version first, then its other versions, then any other groups serving the same
   * object (the same `metadata.uid`), e.g. an Ingress on 1.16 under both networking.k8s.io and
   * extensions.
   */
  versions?: BackupItemVersion[];
}

/** One served version of an item. `group` and `resource` are absent when they are the item's own. */
export interface BackupItemVersion {
  group?: string;
  resource?: string;
  version: string;
  content: ContentId;
}

/**
 * The record that makes a backup exist. Written last, after every item, volume snapshot, log and
 * result is in the repository, so a crash mid-backup leaves no manifest and no half backup to restore.
 */
export interface BackupManifest {
  id: string;
  cluster: string;
  kubernetesVersion: string;
  /** The backup spec as the hub sent it; kept opaque here. */
  spec: unknown;
  started: string;
  completed: string;
  phase: string;
  counts: Record<string, number>;
  /** The items, stored as pages of content (see item-index.ts). */
  itemIndex: ItemIndexRef;
  volumeSnapshots: unknown[];
  /** Other content the backup keeps alive (e.g. volume snapshot trees). */
  roots: ContentId[];
  /** The catalog's view, so a hub can rebuild its catalog from the repository alone. */
  clusterName?: string;
  clusterFingerprint?: string;
  policyId?: string;
  labels?: Record<string, string>;
  /** When TTL expiry deletes the backup (ISO time). */
  expires?: string;
  /** The BackupSummary as proto JSON; kept opaque here. */
  summary?: unknown;
}

export function checkSnapshotRecord(value: unknown, check: RecordChecker): SnapshotRecord {
  const r = check.object(value, "(record)");
  const stats = check.counts(r.stats, "stats");
  for (const key of ["files", "directories", "bytes"]) check.count(stats[key], `stats.${key}`);
  const record: SnapshotRecord = {
    id: check.recordId(r.id, "id"),
    time: check.time(r.time, "time"),
    host: check.string(r.host, "host"),
    paths: check.strings(r.paths, "paths"),
    tree: check.contentId(r.tree, "tree"),
    stats: stats as SnapshotStats,
  };
  if (r.parent !== undefined) record.parent = check.recordId(r.parent, "parent");
  if (r.tags !== undefined) record.tags = check.strings(r.tags, "tags");
  return record;
}

export function checkBackupManifest(value: unknown, check: RecordChecker): BackupManifest {
  const r = check.object(value, "(record)");
  if (!("spec" in r)) check.fail("spec", undefined, "the backup spec");
  return {
    id: check.recordId(r.id, "id"),
    cluster: check.string(r.cluster, "cluster"),
    kubernetesVersion: check.string(r.kubernetesVersion, "kubernetesVersion"),
    spec: r.spec,
    started: check.time(r.started, "started"),
    completed: check.time(r.completed, "completed"),
    phase: check.string(r.phase, "phase"),
    counts: check.counts(r.counts, "counts"),
    itemIndex: checkItemIndexRef(r.itemIndex, check),
    volumeSnapshots: check.array(r.volumeSnapshots, "volumeSnapshots"),
    roots: check.array(r.roots, "roots").map((id, i) => check.contentId(id, `roots[${i}]`)),
    ...optionalCatalogFields(r, check),
  };
}

function optionalCatalogFields(r: Record<string, unknown>, check: RecordChecker): Partial<BackupManifest> {
  const fields: Partial<BackupManifest> = {};
  if (r.clusterName !== undefined) fields.clusterName = check.string(r.clusterName, "clusterName");
  if (r.clusterFingerprint !== undefined) fields.clusterFingerprint = check.string(r.clusterFingerprint, "clusterFingerprint", { empty: true });
  if (r.policyId !== undefined) fields.policyId = check.string(r.policyId, "policyId", { empty: true });
  if (r.labels !== undefined) {
    const labels = check.object(r.labels, "labels");
    fields.labels = Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, check.string(v, `labels.${k}`, { empty: true })]));
  }
  if (r.expires !== undefined) fields.expires = check.time(r.expires, "expires");
  if (r.summary !== undefined) fields.summary = r.summary;
  return fields;
}

function checkItemIndexRef(value: unknown, check: RecordChecker): ItemIndexRef {
  const ref = check.object(value, "itemIndex");
  return {
    count: check.count(ref.count, "itemIndex.count"),
    pages: check.array(ref.pages, "itemIndex.pages").map((id, i) => check.contentId(id, `itemIndex.pages[${i}]`)),
  };
}
