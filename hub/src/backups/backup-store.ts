// The catalog's records in Redis: one hash per backup and sorted-set indexes for listing. Every
// change is a compare-and-set on the record's revision (one script), so any number of hub
// processes may change one backup: a writer that lost the race re-reads and decides again.
import { fromJson, toJson, type JsonValue } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { BackupSchema, type Backup } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import type { Redis } from "ioredis";
import { backupEventFields } from "../grpc/wire-event.js";
import type { EventLog } from "../queue/index.js";
import { backupKeys, indexMember, type BackupKeys } from "./backup-keys.js";

/** A backup as stored, with what compare-and-set needs. */
export interface StoredBackup {
  backup: Backup;
  /** Bumped by every write; a write names the revision it read. */
  rev: number;
  /** The last task event applied to it ("0" for none), so replays and stale events change nothing. */
  eventId: string;
}

export interface BackupStoreOptions {
  /** The hub process's command connection. */
  redis: Redis;
  prefix: string;
  /** Told of every change (backup.created, .updated, .deleted); optional in unit tests. */
  events?: Pick<EventLog, "appendRecord">;
}

// KEYS: record, all index, cluster index, policy index, old phase index, new phase index, expiry
// index. ARGV: expected rev ("new": must not exist), backup JSON, phase, event id, index member,
// cluster id, policy id, expire ms ("" for none), backup id. Returns the new revision, or -1 when the record moved on (or exists).
const WRITE_SCRIPT = `
local rev = redis.call("HGET", KEYS[1], "rev")
if ARGV[1] == "new" then
  if rev then return -1 end
elseif rev ~= ARGV[1] then
  return -1
end
if KEYS[5] ~= KEYS[6] then redis.call("ZREM", KEYS[5], ARGV[5]) end
local next = (tonumber(rev) or 0) + 1
redis.call("HSET", KEYS[1], "backup", ARGV[2], "phase", ARGV[3], "eventId", ARGV[4], "member", ARGV[5], "rev", next)
redis.call("ZADD", KEYS[2], 0, ARGV[5])
redis.call("ZADD", KEYS[3], 0, ARGV[5])
if ARGV[7] ~= "" then redis.call("ZADD", KEYS[4], 0, ARGV[5]) end
redis.call("ZADD", KEYS[6], 0, ARGV[5])
if ARGV[8] ~= "" then redis.call("ZADD", KEYS[7], ARGV[8], ARGV[9]) else redis.call("ZREM", KEYS[7], ARGV[9]) end
return next
`;

// KEYS: record, all index, cluster index, policy index, phase index, expiry index. ARGV: expected
// rev, index member, backup id.
// Returns 1, or -1 when the record moved on.
const REMOVE_SCRIPT = `
local rev = redis.call("HGET", KEYS[1], "rev")
if rev ~= ARGV[1] then return -1 end
for i = 2, 5 do redis.call("ZREM", KEYS[i], ARGV[2]) end
redis.call("ZREM", KEYS[6], ARGV[3])
redis.call("DEL", KEYS[1])
return 1
`;

const PARSE = { ignoreUnknownFields: true } as const;
const MAX_RETRIES = 50;

/** The create time of a backup in ms (0 when unset, e.g. a damaged manifest's). */
export function createMs(backup: Backup): number {
  return backup.createTime ? timestampMs(backup.createTime) : 0;
}

export class BackupStore {
  readonly keys: BackupKeys;
  private readonly redis: Redis;
  private readonly events: Pick<EventLog, "appendRecord"> | undefined;

  constructor(options: BackupStoreOptions) {
    this.redis = options.redis;
    this.keys = backupKeys(options.prefix);
    this.events = options.events;
  }

  async read(id: string): Promise<StoredBackup | undefined> {
    const fields = (await this.redis.hgetall(this.keys.backup(id))) as Record<string, string>;
    return fields.rev === undefined ? undefined : this.parse(id, fields);
  }

  /** Like read; NOT_FOUND naming `field` when unknown. */
  async require(id: string, field = "id"): Promise<StoredBackup> {
    const stored = await this.read(id);
    if (!stored) throw new LifeboatError("NOT_FOUND", `backup ${id} not found`, { field, value: id });
    return stored;
  }

  /** The backups of `ids` that exist, in the order given. */
  async readMany(ids: readonly string[]): Promise<Backup[]> {
    const found = await Promise.all(ids.map((id) => this.read(id)));
    return found.flatMap((s) => (s ? [s.backup] : []));
  }

  /** Adds a backup; false when one with its id exists (nothing changed). */
  async create(backup: Backup): Promise<boolean> {
    const rev = await this.runWrite("new", undefined, backup, "0");
    if (rev < 0) return false;
    await this.announce("backup.created", backup);
    return true;
  }

  /** Writes `next` over `stored` if nobody changed it since it was read; false when somebody did. */
  async write(stored: StoredBackup, next: Backup, eventId = stored.eventId): Promise<boolean> {
    const rev = await this.runWrite(String(stored.rev), stored.backup, next, eventId);
    if (rev < 0) return false;
    await this.announce("backup.updated", next);
    return true;
  }

  /**
   * Reads the backup and writes what `change` makes of it, again on a race; `change` returns
   * undefined to leave it. Returns the backup as it ends (undefined when there is none).
   */
  async update(id: string, change: (stored: StoredBackup) => { backup: Backup; eventId?: string } | undefined): Promise<Backup | undefined> {
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const stored = await this.read(id);
      if (!stored) return undefined;
      const next = change(stored);
      if (!next) return stored.backup;
      if (await this.write(stored, next.backup, next.eventId ?? stored.eventId)) return next.backup;
    }
    throw new LifeboatError("UNAVAILABLE", `backup ${id} changed ${MAX_RETRIES} times while being updated; try again`, { retryable: true, field: "id", value: id });
  }

  /** Removes `stored` if nobody changed it since it was read; false when somebody did. */
  async remove(stored: StoredBackup): Promise<boolean> {
    const b = stored.backup;
    const keys = [this.keys.backup(b.id), this.keys.backups, this.keys.clusterBackups(b.clusterId), this.keys.policyBackups(b.policyId), this.keys.phaseBackups(b.phase), this.keys.expiry];
    const done = (await this.redis.eval(REMOVE_SCRIPT, keys.length, ...keys, String(stored.rev), indexMember(createMs(b), b.id), b.id)) as number;
    if (done < 0) return false;
    await this.announce("backup.deleted", b);
    return true;
  }

  /**
   * Index members of `index`, newest first, strictly before `before` (when given) and created at
   * or after `lowest` (an indexBound), at most `count`.
   */
  async members(index: string, count: number, before?: string, lowest?: string): Promise<string[]> {
    const max = before === undefined ? "+" : `(${before}`;
    const min = lowest === undefined ? "-" : `[${lowest}`;
    return (await this.redis.call("ZRANGE", index, max, min, "BYLEX", "REV", "LIMIT", "0", String(count))) as string[];
  }

  /** Ids of the backups whose expire time is at or before `ms`, soonest first, at most `count`. */
  async expiredBy(ms: number, count: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.expiry, "-inf", String(ms), "LIMIT", 0, count);
  }

  private async runWrite(expected: string, old: Backup | undefined, next: Backup, eventId: string): Promise<number> {
    const member = indexMember(createMs(next), next.id);
    const keys = [
      this.keys.backup(next.id),
      this.keys.backups,
      this.keys.clusterBackups(next.clusterId),
      this.keys.policyBackups(next.policyId),
      this.keys.phaseBackups(old?.phase ?? next.phase),
      this.keys.phaseBackups(next.phase),
      this.keys.expiry,
    ];
    const expire = next.expireTime ? String(timestampMs(next.expireTime)) : "";
    const json = JSON.stringify(toJson(BackupSchema, next));
    return (await this.redis.eval(WRITE_SCRIPT, keys.length, ...keys, expected, json, String(next.phase), eventId, member, next.clusterId, next.policyId, expire, next.id)) as number;
  }

  private parse(id: string, fields: Record<string, string>): StoredBackup {
    let backup: Backup;
    try {
      backup = fromJson(BackupSchema, JSON.parse(fields.backup ?? "") as JsonValue, PARSE);
    } catch (err) {
      throw new LifeboatError("CORRUPT", `backup record ${id} in Redis is damaged: ${(err as Error).message}`, { field: "id", value: id, cause: err });
    }
    return { backup, rev: Number(fields.rev), eventId: fields.eventId ?? "0" };
  }

  // The event follows its change (see EventLog.appendRecord): a lost event never loses a change.
  private async announce(type: "backup.created" | "backup.updated" | "backup.deleted", backup: Backup): Promise<void> {
    if (!this.events) return;
    const ids = { clusterId: backup.clusterId, backupId: backup.id, ...(backup.policyId ? { policyId: backup.policyId } : {}) };
    await this.events.appendRecord(type, backupEventFields(toJson(BackupSchema, backup)), ids);
  }
}
