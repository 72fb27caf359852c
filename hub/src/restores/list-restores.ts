// Listing restores: the most selective index, newest first, other conditions checked on each
// record; the page token is the index member of the last restore given.
import { RestorePhase, type Restore } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import { indexMember } from "./restore-keys.js";
import { backupIdOf, createMs, type RestoreStore } from "./restore-store.js";

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
// Index members read per round trip while filling a page.
const SCAN_BATCH = 200;

export interface RestoreFilter {
  /** The target cluster's id. */
  clusterId?: string;
  backupId?: string;
  phase?: RestorePhase;
}

export interface RestorePage {
  restores: Restore[];
  nextPageToken: string;
}

function matcher(filter: RestoreFilter): (restore: Restore) => boolean {
  return (r) =>
    (!filter.clusterId || r.clusterId === filter.clusterId) &&
    (!filter.backupId || backupIdOf(r) === filter.backupId) &&
    (filter.phase === undefined || filter.phase === RestorePhase.UNSPECIFIED || r.phase === filter.phase);
}

// Filter values become parts of index key names, so they keep to the id character set.
const FILTER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkFilter(filter: RestoreFilter): void {
  for (const [field, value] of [["cluster", filter.clusterId], ["backup_id", filter.backupId]] as const) {
    if (value !== undefined && value !== "" && !FILTER_ID.test(value)) {
      throw new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(value)} is not a valid ${field === "cluster" ? "cluster id or name" : "backup id"}`, { field, value });
    }
  }
}

function indexOf(store: RestoreStore, filter: RestoreFilter): string {
  if (filter.backupId) return store.keys.backupRestores(filter.backupId);
  if (filter.clusterId) return store.keys.clusterRestores(filter.clusterId);
  if (filter.phase) return store.keys.phaseRestores(filter.phase);
  return store.keys.restores;
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

function encodeToken(restore: Restore): string {
  return Buffer.from(indexMember(createMs(restore), restore.id), "utf8").toString("base64url");
}

/**
 * One page of the restores matching `filter`, newest first. The token is empty when no restore
 * is left after the page (the scan looks one match ahead to know).
 */
export async function listRestorePage(store: RestoreStore, filter: RestoreFilter, page: { size: number; token?: string }): Promise<RestorePage> {
  const size = checkPageSize(page.size);
  checkFilter(filter);
  const matches = matcher(filter);
  const index = indexOf(store, filter);
  let before = page.token ? decodeToken(page.token) : undefined;
  const restores: Restore[] = [];
  for (;;) {
    const members = await store.members(index, SCAN_BATCH, before);
    if (members.length === 0) return { restores, nextPageToken: "" };
    // A record removed between the index read and its own read is left out.
    const found = await store.readMany(members.map((m) => m.slice(m.indexOf(":") + 1)));
    for (const restore of found) {
      if (!matches(restore)) continue;
      if (restores.length === size) return { restores, nextPageToken: encodeToken(restores[size - 1]!) };
      restores.push(restore);
    }
    if (members.length < SCAN_BATCH) return { restores, nextPageToken: "" };
    before = members[members.length - 1];
  }
}

/** Every restore matching `filter`, newest first. */
export async function listAllRestores(store: RestoreStore, filter: RestoreFilter): Promise<Restore[]> {
  const all: Restore[] = [];
  let token: string | undefined;
  do {
    const page = await listRestorePage(store, filter, { size: MAX_PAGE_SIZE, token });
    all.push(...page.restores);
    token = page.nextPageToken || undefined;
  } while (token);
  return all;
}
