// Listing task-driven records (backups, restores): the most selective index, newest first, other
// conditions checked on each record; the page token is the index member of the last record given.
// Each kind says which index and which conditions (a RecordQuery); the paging is the same.
import { LifeboatError } from "@lifeboat/shared";
import { createMs, indexMember } from "./index-member.js";
import type { StorableRecord } from "./record-store.js";

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
// Index members read per round trip while filling a page.
const SCAN_BATCH = 200;

/** Where to look for a listing's records and which of them it wants. */
export interface RecordQuery<R> {
  /** The index to scan (the most selective the filter allows). */
  index: string;
  /** The lowest index member wanted (an indexBound), when the filter bounds the create time. */
  lowest?: string;
  matches(record: R): boolean;
}

/** What listing reads of a record store. */
export interface ListableStore<R> {
  members(index: string, count: number, before?: string, lowest?: string): Promise<string[]>;
  readMany(ids: readonly string[]): Promise<R[]>;
}

export interface RecordPage<R> {
  records: R[];
  nextPageToken: string;
}

// Filter values become parts of index key names, so they keep to the id character set.
const FILTER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** INVALID_ARGUMENT unless `value` (when given) could be an id; `validAs` says what it should be ("cluster id or name"). */
export function checkFilterId(field: string, value: string | undefined, validAs: string): void {
  if (value !== undefined && value !== "" && !FILTER_ID.test(value)) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(value)} is not a valid ${validAs}`, { field, value });
  }
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

function encodeToken(record: StorableRecord): string {
  return Buffer.from(indexMember(createMs(record), record.id), "utf8").toString("base64url");
}

/**
 * One page of the records `plan` asks for, newest first. `plan` runs after the page size is
 * checked and before the token is, so errors come in that order. The token is empty when no
 * record is left after the page (the scan looks one match ahead to know).
 */
export async function listRecordPage<R extends StorableRecord>(store: ListableStore<R>, page: { size: number; token?: string }, plan: () => RecordQuery<R>): Promise<RecordPage<R>> {
  const size = checkPageSize(page.size);
  const { index, lowest, matches } = plan();
  let before = page.token ? decodeToken(page.token) : undefined;
  const records: R[] = [];
  for (;;) {
    const members = await store.members(index, SCAN_BATCH, before, lowest);
    if (members.length === 0) return { records, nextPageToken: "" };
    // A record removed between the index read and its own read is left out.
    const found = await store.readMany(members.map((m) => m.slice(m.indexOf(":") + 1)));
    for (const record of found) {
      if (!matches(record)) continue;
      if (records.length === size) return { records, nextPageToken: encodeToken(records[size - 1]!) };
      records.push(record);
    }
    if (members.length < SCAN_BATCH) return { records, nextPageToken: "" };
    before = members[members.length - 1];
  }
}

/** Every record `plan` asks for, newest first. */
export async function listAllRecords<R extends StorableRecord>(store: ListableStore<R>, plan: () => RecordQuery<R>): Promise<R[]> {
  const all: R[] = [];
  let token: string | undefined;
  do {
    const page = await listRecordPage(store, { size: MAX_PAGE_SIZE, token }, plan);
    all.push(...page.records);
    token = page.nextPageToken || undefined;
  } while (token);
  return all;
}
