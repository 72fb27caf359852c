// Listing the catalog: the most selective index, newest first, other conditions checked on each
// record; the page token is the index member of the last backup given.
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, type Backup } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import { parseLabelSelector, type LabelSelector } from "@lifeboat/shared";
import { indexBound, indexMember } from "./backup-keys.js";
import { createMs, type BackupStore } from "./backup-store.js";
import type { BackupFilter } from "./catalog-types.js";

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
// Index members read per round trip while filling a page.
const SCAN_BATCH = 200;

export interface BackupPage {
  backups: Backup[];
  nextPageToken: string;
}

/** A compiled BackupFilter: whether one backup matches. */
function matcher(filter: BackupFilter): (backup: Backup) => boolean {
  const labels: LabelSelector | undefined = filter.labelSelector ? parseLabelSelector(filter.labelSelector, "label_selector") : undefined;
  const after = filter.createdAfter?.getTime();
  return (b) =>
    (!filter.clusterId || b.clusterId === filter.clusterId) &&
    (!filter.policyId || b.policyId === filter.policyId) &&
    (filter.phase === undefined || filter.phase === BackupPhase.UNSPECIFIED || b.phase === filter.phase) &&
    (after === undefined || (b.createTime !== undefined && timestampMs(b.createTime) >= after)) &&
    (labels === undefined || labels(b.labels));
}

// Filter values become parts of index key names, so they keep to the id character set.
const FILTER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkFilter(filter: BackupFilter): void {
  for (const [field, value] of [["cluster", filter.clusterId], ["policy", filter.policyId]] as const) {
    if (value !== undefined && value !== "" && !FILTER_ID.test(value)) {
      throw new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(value)} is not a valid ${field} id or name`, { field, value });
    }
  }
}

function indexOf(store: BackupStore, filter: BackupFilter): string {
  if (filter.clusterId) return store.keys.clusterBackups(filter.clusterId);
  if (filter.policyId) return store.keys.policyBackups(filter.policyId);
  if (filter.phase) return store.keys.phaseBackups(filter.phase);
  return store.keys.backups;
}

function checkPageSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw new LifeboatError("INVALID_ARGUMENT", `page_size ${size} is invalid: give 1 to ${MAX_PAGE_SIZE}, or 0 for ${DEFAULT_PAGE_SIZE}`, { field: "page_size", value: String(size) });
  }
  return size === 0 ? DEFAULT_PAGE_SIZE : size;
}

const TOKEN = /^\d{15}:[0-9a-f]{32}$/;

function decodeToken(token: string): string {
  const member = Buffer.from(token, "base64url").toString("utf8");
  if (!TOKEN.test(member)) {
    throw new LifeboatError("INVALID_ARGUMENT", `page_token ${JSON.stringify(token)} is invalid: pass the next_page_token of a previous page`, { field: "page_token", value: token });
  }
  return member;
}

function encodeToken(backup: Backup): string {
  return Buffer.from(indexMember(createMs(backup), backup.id), "utf8").toString("base64url");
}

/**
 * One page of the backups matching `filter`, newest first. The token is empty when no backup
 * is left after the page (the scan looks one match ahead to know).
 */
export async function listBackupPage(store: BackupStore, filter: BackupFilter, page: { size: number; token?: string }): Promise<BackupPage> {
  const size = checkPageSize(page.size);
  checkFilter(filter);
  const matches = matcher(filter);
  const index = indexOf(store, filter);
  const lowest = filter.createdAfter ? indexBound(filter.createdAfter.getTime()) : undefined;
  let before = page.token ? decodeToken(page.token) : undefined;
  const backups: Backup[] = [];
  for (;;) {
    const members = await store.members(index, SCAN_BATCH, before, lowest);
    if (members.length === 0) return { backups, nextPageToken: "" };
    // A record removed between the index read and its own read is left out.
    const found = await store.readMany(members.map((m) => m.slice(m.indexOf(":") + 1)));
    for (const backup of found) {
      if (!matches(backup)) continue;
      if (backups.length === size) return { backups, nextPageToken: encodeToken(backups[size - 1]!) };
      backups.push(backup);
    }
    if (members.length < SCAN_BATCH) return { backups, nextPageToken: "" };
    before = members[members.length - 1];
  }
}

/** Every backup matching `filter`, newest first. */
export async function listAllBackups(store: BackupStore, filter: BackupFilter): Promise<Backup[]> {
  const all: Backup[] = [];
  let token: string | undefined;
  do {
    const page = await listBackupPage(store, filter, { size: MAX_PAGE_SIZE, token });
    all.push(...page.backups);
    token = page.nextPageToken || undefined;
  } while (token);
  return all;
}
