// Task-driven records (backups, restores) in Redis: one hash per record and sorted-set indexes for
// listing. Every change is a compare-and-set on the record's revision (one script), so any number
// of hub processes may change one record: a writer that lost the race re-reads and decides again.
// What differs between kinds (key names, indexes, events) is in RecordLayout.
import { fromJson, toJson, type DescMessage, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { LifeboatError } from "@lifeboat/shared";
import type { Redis } from "ioredis";
import { createMs, indexMember } from "./index-member.js";

/**
 * A record as stored, under its kind's name (`{ backup, rev, eventId }`), with what
 * compare-and-set needs.
 */
export type StoredRecord<K extends string, R> = { [P in K]: R } & {
  /** Bumped by every write; a write names the revision it read. */
  rev: number;
  /** The last task event applied to it ("0" for none), so replays and stale events change nothing. */
  eventId: string;
};

/** What a stored record has that the store reads. */
export interface StorableRecord {
  $typeName: string;
  id: string;
  phase: number;
  createTime?: Timestamp;
}

export type RecordChange = "created" | "updated" | "deleted";

/** Where one kind of record lives in Redis, and whom it tells of changes. */
export interface RecordLayout<K extends string, R extends StorableRecord> {
  /** The kind's name: the stored object's field, the hash field of the JSON and the noun in messages. */
  noun: K;
  schema: GenMessage<R>;
  /** HASH of one record. */
  record(id: string): string;
  /** ZSET of the records in one phase. */
  phaseIndex(phase: number): string;
  /** The other listing ZSETs a record is in (all, per cluster, ...), members as indexMember. */
  indexes(record: R): string[];
  /** A ZSET of ids scored by a time (the backups' expiry): the record is in it while `score` gives one. */
  scored?: { key: string; score(record: R): number | undefined };
  /** Whether the hash keeps its index member too (backups' records always have). */
  keepsMember?: boolean;
  /** Told after each change (the event follows its change: a lost event never loses a change). */
  announce?(change: RecordChange, record: R): Promise<void>;
}

// KEYS: record, old phase index, new phase index, the other indexes (ARGV[8] of them), then the
// scored index if any. ARGV: expected rev ("new": must not exist), hash field, record JSON, phase,
// event id, index member, "1" to keep the member in the hash, index count, score ("" to leave the
// scored index), id. Returns the new revision, or -1 when the record moved on (or exists).
const WRITE_SCRIPT = `
local rev = redis.call("HGET", KEYS[1], "rev")
if ARGV[1] == "new" then
  if rev then return -1 end
elseif rev ~= ARGV[1] then
  return -1
end
if KEYS[2] ~= KEYS[3] then redis.call("ZREM", KEYS[2], ARGV[6]) end
local next = (tonumber(rev) or 0) + 1
if ARGV[7] == "1" then
  redis.call("HSET", KEYS[1], ARGV[2], ARGV[3], "phase", ARGV[4], "eventId", ARGV[5], "member", ARGV[6], "rev", next)
else
  redis.call("HSET", KEYS[1], ARGV[2], ARGV[3], "phase", ARGV[4], "eventId", ARGV[5], "rev", next)
end
redis.call("ZADD", KEYS[3], 0, ARGV[6])
local count = tonumber(ARGV[8])
for i = 4, 3 + count do redis.call("ZADD", KEYS[i], 0, ARGV[6]) end
local scored = KEYS[4 + count]
if scored then
  if ARGV[9] ~= "" then redis.call("ZADD", scored, ARGV[9], ARGV[10]) else redis.call("ZREM", scored, ARGV[10]) end
end
return next
`;

// KEYS: record, phase index, the other indexes (ARGV[3] of them), then the scored index if any.
// ARGV: expected rev, index member, index count, id. Returns 1, or -1 when the record moved on.
const REMOVE_SCRIPT = `
local rev = redis.call("HGET", KEYS[1], "rev")
if rev ~= ARGV[1] then return -1 end
local count = tonumber(ARGV[3])
for i = 2, 2 + count do redis.call("ZREM", KEYS[i], ARGV[2]) end
local scored = KEYS[3 + count]
if scored then redis.call("ZREM", scored, ARGV[4]) end
redis.call("DEL", KEYS[1])
return 1
`;

const PARSE = { ignoreUnknownFields: true } as const;
const MAX_RETRIES = 50;

export class RecordStore<K extends string, R extends StorableRecord> {
  protected readonly redis: Redis;
  private readonly layout: RecordLayout<K, R>;

  constructor(redis: Redis, layout: RecordLayout<K, R>) {
    this.redis = redis;
    this.layout = layout;
  }

  async read(id: string): Promise<StoredRecord<K, R> | undefined> {
    const fields = (await this.redis.hgetall(this.layout.record(id))) as Record<string, string>;
    return fields.rev === undefined ? undefined : this.parse(id, fields);
  }

  /** Like read; NOT_FOUND naming `field` when unknown. */
  async require(id: string, field = "id"): Promise<StoredRecord<K, R>> {
    const stored = await this.read(id);
    if (!stored) throw new LifeboatError("NOT_FOUND", `${this.layout.noun} ${id} not found`, { field, value: id });
    return stored;
  }

  /** Like require, the record alone. */
  async requireRecord(id: string, field = "id"): Promise<R> {
    return this.recordOf(await this.require(id, field));
  }

  /** The records of `ids` that exist, in the order given. */
  async readMany(ids: readonly string[]): Promise<R[]> {
    const found = await Promise.all(ids.map((id) => this.read(id)));
    return found.flatMap((s) => (s ? [this.recordOf(s)] : []));
  }

  /** Adds a record; false when one with its id exists (nothing changed). */
  async create(record: R): Promise<boolean> {
    const rev = await this.runWrite("new", undefined, record, "0");
    if (rev < 0) return false;
    await this.layout.announce?.("created", record);
    return true;
  }

  /** Writes `next` over `stored` if nobody changed it since it was read; false when somebody did. */
  async write(stored: StoredRecord<K, R>, next: R, eventId = stored.eventId): Promise<boolean> {
    const rev = await this.runWrite(String(stored.rev), this.recordOf(stored), next, eventId);
    if (rev < 0) return false;
    await this.layout.announce?.("updated", next);
    return true;
  }

  /**
   * Reads the record and writes what `change` makes of it, again on a race; `change` returns
   * undefined to leave it. Returns the record as it ends (undefined when there is none).
   */
  async update(id: string, change: (stored: StoredRecord<K, R>) => ({ [P in K]: R } & { eventId?: string }) | undefined): Promise<R | undefined> {
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const stored = await this.read(id);
      if (!stored) return undefined;
      const next = change(stored);
      if (!next) return this.recordOf(stored);
      const record = next[this.layout.noun] as R;
      if (await this.write(stored, record, next.eventId ?? stored.eventId)) return record;
    }
    throw new LifeboatError("UNAVAILABLE", `${this.layout.noun} ${id} changed ${MAX_RETRIES} times while being updated; try again`, { retryable: true, field: "id", value: id });
  }

  /** Like update, for a change that reads only the record and keeps its event id. */
  async change(id: string, change: (record: R) => R | undefined): Promise<R | undefined> {
    return this.updateRecord(id, ({ record }) => {
      const next = change(record);
      return next === undefined ? undefined : { record: next };
    });
  }

  /** The record and the last task event applied to it, under neutral names (what a tracker reads). */
  async readRecord(id: string): Promise<{ record: R; eventId: string } | undefined> {
    const stored = await this.read(id);
    return stored && { record: this.recordOf(stored), eventId: stored.eventId };
  }

  /** Like update, under neutral names: `change` returns the record to write, and the event id when it moves. */
  async updateRecord(id: string, change: (current: { record: R; eventId: string }) => { record: R; eventId?: string } | undefined): Promise<R | undefined> {
    return this.update(id, (stored) => {
      const next = change({ record: this.recordOf(stored), eventId: stored.eventId });
      return next === undefined ? undefined : ({ [this.layout.noun]: next.record, eventId: next.eventId } as { [P in K]: R } & { eventId?: string });
    });
  }

  /** Removes record `id` as it is now, again on a race; nothing when there is none. */
  async removeLatest(id: string): Promise<void> {
    for (;;) {
      const stored = await this.read(id);
      if (!stored || (await this.remove(stored))) return;
    }
  }

  /** Removes `stored` if nobody changed it since it was read; false when somebody did. */
  async remove(stored: StoredRecord<K, R>): Promise<boolean> {
    const { layout } = this;
    const record = this.recordOf(stored);
    const indexes = layout.indexes(record);
    const keys = [layout.record(record.id), layout.phaseIndex(record.phase), ...indexes, ...(layout.scored ? [layout.scored.key] : [])];
    const done = (await this.redis.eval(REMOVE_SCRIPT, keys.length, ...keys, String(stored.rev), indexMember(createMs(record), record.id), String(indexes.length), record.id)) as number;
    if (done < 0) return false;
    await layout.announce?.("deleted", record);
    return true;
  }

  /**
   * Index members of `index`, newest first, strictly before `before` (when given) and created at
   * or after `lowest` (an indexBound, when given), at most `count`.
   */
  async members(index: string, count: number, before?: string, lowest?: string): Promise<string[]> {
    const max = before === undefined ? "+" : `(${before}`;
    const min = lowest === undefined ? "-" : `[${lowest}`;
    return (await this.redis.call("ZRANGE", index, max, min, "BYLEX", "REV", "LIMIT", "0", String(count))) as string[];
  }

  private recordOf(stored: StoredRecord<K, R>): R {
    return (stored as Record<K, R>)[this.layout.noun];
  }

  private async runWrite(expected: string, old: R | undefined, next: R, eventId: string): Promise<number> {
    const { layout } = this;
    const indexes = layout.indexes(next);
    const keys = [layout.record(next.id), layout.phaseIndex(old?.phase ?? next.phase), layout.phaseIndex(next.phase), ...indexes, ...(layout.scored ? [layout.scored.key] : [])];
    const score = layout.scored?.score(next);
    const json = JSON.stringify(toJson(layout.schema as DescMessage, next as unknown as MessageShape<DescMessage>));
    const args = [expected, layout.noun, json, String(next.phase), eventId, indexMember(createMs(next), next.id), layout.keepsMember ? "1" : "", String(indexes.length), score === undefined ? "" : String(score), next.id];
    return (await this.redis.eval(WRITE_SCRIPT, keys.length, ...keys, ...args)) as number;
  }

  private parse(id: string, fields: Record<string, string>): StoredRecord<K, R> {
    let record: R;
    try {
      record = fromJson(this.layout.schema as DescMessage, JSON.parse(fields[this.layout.noun] ?? "") as JsonValue, PARSE) as unknown as R;
    } catch (err) {
      throw new LifeboatError("CORRUPT", `${this.layout.noun} record ${id} in Redis is damaged: ${(err as Error).message}`, { field: "id", value: id, cause: err });
    }
    return { [this.layout.noun]: record, rev: Number(fields.rev), eventId: fields.eventId ?? "0" } as StoredRecord<K, R>;
  }
}
