// The restore records in Redis: one hash per restore and sorted-set indexes for listing. Every
// change is a compare-and-set on the record's revision (one script), so any number of hub
// processes may change one restore: a writer that lost the race re-reads and decides again.
import { fromJson, toJson, type JsonValue } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { RestoreSchema, type Restore } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import type { Redis } from "ioredis";
import { restoreEventFields } from "../grpc/wire-event.js";
import type { RestoreEvents, RestoreEventType } from "./restore-events.js";
import { indexMember, restoreKeys, type RestoreKeys } from "./restore-keys.js";

/** A restore as stored, with what compare-and-set needs. */
export interface StoredRestore {
  restore: Restore;
  /** Bumped by every write; a write names the revision it read. */
  rev: number;
  /** The last task event applied to it ("0" for none), so replays and stale events change nothing. */
  eventId: string;
}

export interface RestoreStoreOptions {
  /** The hub process's command connection. */
  redis: Redis;
  prefix: string;
  /** Told of every change (restore.created, .updated, .deleted); optional in tests. */
  events?: RestoreEvents;
}

// KEYS: record, all index, cluster index, backup index, old phase index, new phase index. ARGV:
// expected rev ("new": must not exist), restore JSON, phase, event id, index member. Returns the
// new revision, or -1 when the record moved on (or exists).
const WRITE_SCRIPT = `
local rev = redis.call("HGET", KEYS[1], "rev")
if ARGV[1] == "new" then
  if rev then return -1 end
elseif rev ~= ARGV[1] then
  return -1
end
if KEYS[5] ~= KEYS[6] then redis.call("ZREM", KEYS[5], ARGV[5]) end
local next = (tonumber(rev) or 0) + 1
redis.call("HSET", KEYS[1], "restore", ARGV[2], "phase", ARGV[3], "eventId", ARGV[4], "rev", next)
redis.call("ZADD", KEYS[2], 0, ARGV[5])
redis.call("ZADD", KEYS[3], 0, ARGV[5])
redis.call("ZADD", KEYS[4], 0, ARGV[5])
redis.call("ZADD", KEYS[6], 0, ARGV[5])
return next
`;

// KEYS: record, all index, cluster index, backup index, phase index. ARGV: expected rev, index
// member. Returns 1, or -1 when the record moved on.
const REMOVE_SCRIPT = `
local rev = redis.call("HGET", KEYS[1], "rev")
if rev ~= ARGV[1] then return -1 end
for i = 2, 5 do redis.call("ZREM", KEYS[i], ARGV[2]) end
redis.call("DEL", KEYS[1])
return 1
`;

const PARSE = { ignoreUnknownFields: true } as const;
const MAX_RETRIES = 50;

/** The create time of a restore in ms (0 when unset). */
export function createMs(restore: Restore): number {
  return restore.createTime ? timestampMs(restore.createTime) : 0;
}

export class RestoreStore {
  readonly keys: RestoreKeys;
  private readonly redis: Redis;
  private readonly events: RestoreEvents | undefined;

  constructor(options: RestoreStoreOptions) {
    this.redis = options.redis;
    this.keys = restoreKeys(options.prefix);
    this.events = options.events;
  }

  async read(id: string): Promise<StoredRestore | undefined> {
    const fields = (await this.redis.hgetall(this.keys.restore(id))) as Record<string, string>;
    return fields.rev === undefined ? undefined : this.parse(id, fields);
  }

  /** Like read; NOT_FOUND naming `field` when unknown. */
  async require(id: string, field = "id"): Promise<StoredRestore> {
    const stored = await this.read(id);
    if (!stored) throw new LifeboatError("NOT_FOUND", `restore ${id} not found`, { field, value: id });
    return stored;
  }

  /** The restores of `ids` that exist, in the order given. */
  async readMany(ids: readonly string[]): Promise<Restore[]> {
    const found = await Promise.all(ids.map((id) => this.read(id)));
    return found.flatMap((s) => (s ? [s.restore] : []));
  }

  /** Adds a restore; false when one with its id exists (nothing changed). */
  async create(restore: Restore): Promise<boolean> {
    const rev = await this.runWrite("new", undefined, restore, "0");
    if (rev < 0) return false;
    await this.announce("restore.created", restore);
    return true;
  }

  /** Writes `next` over `stored` if nobody changed it since it was read; false when somebody did. */
  async write(stored: StoredRestore, next: Restore, eventId = stored.eventId): Promise<boolean> {
    const rev = await this.runWrite(String(stored.rev), stored.restore, next, eventId);
    if (rev < 0) return false;
    await this.announce("restore.updated", next);
    return true;
  }

  /**
   * Reads the restore and writes what `change` makes of it, again on a race; `change` returns
   * undefined to leave it. Returns the restore as it ends (undefined when there is none).
   */
  async update(id: string, change: (stored: StoredRestore) => { restore: Restore; eventId?: string } | undefined): Promise<Restore | undefined> {
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const stored = await this.read(id);
      if (!stored) return undefined;
      const next = change(stored);
      if (!next) return stored.restore;
      if (await this.write(stored, next.restore, next.eventId ?? stored.eventId)) return next.restore;
    }
    throw new LifeboatError("UNAVAILABLE", `restore ${id} changed ${MAX_RETRIES} times while being updated; try again`, { retryable: true, field: "id", value: id });
  }

  /** Removes `stored` if nobody changed it since it was read; false when somebody did. */
  async remove(stored: StoredRestore): Promise<boolean> {
    const r = stored.restore;
    const keys = [this.keys.restore(r.id), this.keys.restores, this.keys.clusterRestores(r.clusterId), this.keys.backupRestores(backupIdOf(r)), this.keys.phaseRestores(r.phase)];
    const done = (await this.redis.eval(REMOVE_SCRIPT, keys.length, ...keys, String(stored.rev), indexMember(createMs(r), r.id))) as number;
    if (done < 0) return false;
    await this.announce("restore.deleted", r);
    return true;
  }

  /** Index members of `index`, newest first, strictly before `before` (when given), at most `count`. */
  async members(index: string, count: number, before?: string): Promise<string[]> {
    const max = before === undefined ? "+" : `(${before}`;
    return (await this.redis.call("ZRANGE", index, max, "-", "BYLEX", "REV", "LIMIT", "0", String(count))) as string[];
  }

  private async runWrite(expected: string, old: Restore | undefined, next: Restore, eventId: string): Promise<number> {
    const keys = [
      this.keys.restore(next.id),
      this.keys.restores,
      this.keys.clusterRestores(next.clusterId),
      this.keys.backupRestores(backupIdOf(next)),
      this.keys.phaseRestores(old?.phase ?? next.phase),
      this.keys.phaseRestores(next.phase),
    ];
    const json = JSON.stringify(toJson(RestoreSchema, next));
    return (await this.redis.eval(WRITE_SCRIPT, keys.length, ...keys, expected, json, String(next.phase), eventId, indexMember(createMs(next), next.id))) as number;
  }

  private parse(id: string, fields: Record<string, string>): StoredRestore {
    let restore: Restore;
    try {
      restore = fromJson(RestoreSchema, JSON.parse(fields.restore ?? "") as JsonValue, PARSE);
    } catch (err) {
      throw new LifeboatError("CORRUPT", `restore record ${id} in Redis is damaged: ${(err as Error).message}`, { field: "id", value: id, cause: err });
    }
    return { restore, rev: Number(fields.rev), eventId: fields.eventId ?? "0" };
  }

  // The event follows its change (see EventLog.appendRecord): a lost event never loses a change.
  private async announce(type: RestoreEventType, restore: Restore): Promise<void> {
    if (!this.events) return;
    await this.events.appendRecord(type, restoreEventFields(toJson(RestoreSchema, restore)), { clusterId: restore.clusterId, backupId: backupIdOf(restore), restoreId: restore.id });
  }
}

/** The backup a restore restores. */
export function backupIdOf(restore: Restore): string {
  return restore.spec?.backupId ?? "";
}
