// Members of the records' listing indexes (ZSETs, all scored 0): "<create ms, 15 digits>:<id>", so
// ZRANGE BYLEX REV lists newest first and a member doubles as a page token.
import { timestampMs, type Timestamp } from "@bufbuild/protobuf/wkt";

const MS_DIGITS = 15;

/** The index member of a record: sorts by creation time, then id. */
export function indexMember(createMs: number, id: string): string {
  return `${String(Math.max(0, Math.floor(createMs))).padStart(MS_DIGITS, "0")}:${id}`;
}

/** The lowest index member created at or after `ms`, for a BYLEX lower bound. */
export function indexBound(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(MS_DIGITS, "0");
}

/** The create time of a record in ms (0 when unset, e.g. a damaged manifest's). */
export function createMs(record: { createTime?: Timestamp }): number {
  return record.createTime ? timestampMs(record.createTime) : 0;
}
