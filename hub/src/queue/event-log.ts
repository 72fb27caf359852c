import { LifeboatError } from "@lifeboat/shared";
import type { Redis } from "ioredis";
import { DEFAULT_KEY_PREFIX, taskKeys, type ClusterId, type TaskId } from "../store/index.js";
import { decodePayload, type JsonValue } from "./payload.js";
import { isTaskState, type TaskError, type TaskState } from "./task-record.js";

export const TASK_EVENT_TYPES = ["queued", "leased", "progress", "completed", "failed", "cancelled"] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

/** What happened to a cluster or a registration token; see the cluster and token scripts. */
export const RECORD_EVENT_TYPES = [
  "cluster.registered",
  "cluster.connected",
  "cluster.disconnected",
  "cluster.updated",
  "cluster.certificate-renewed",
  "cluster.deleted",
  "token.created",
  "token.used",
  "token.revoked",
  "backup.created",
  "backup.updated",
  "backup.deleted",
  "policy.created",
  "policy.updated",
  "policy.fired",
  "policy.deleted",
  "restore.created",
  "restore.updated",
  "restore.deleted",
] as const;
export type RecordEventType = (typeof RECORD_EVENT_TYPES)[number];

/**
 * One cluster, token, backup or policy change, in the same stream as task events. `fields` is the
 * record after the change (before it, for a deletion): for clusters and tokens as their hashes
 * hold them (parse with the cluster or token record parser); for backups and policies,
 * appendRecord's fields (the record as proto JSON text).
 */
export interface RecordEvent {
  id: string;
  type: RecordEventType;
  /** The cluster changed (or, for token.used, registered). */
  clusterId?: ClusterId;
  tokenId?: string;
  backupId?: string;
  policyId?: string;
  restoreId?: string;
  /** ms since epoch (Redis clock; the hub's clock for appendRecord's events). */
  at: number;
  fields: Record<string, string>;
}

/** Which records a change appended with appendRecord is about. */
export interface RecordEventIds {
  clusterId?: string;
  backupId?: string;
  policyId?: string;
  restoreId?: string;
}

/** Every kind of event in the log. */
export type HubEvent = TaskEvent | RecordEvent;

export function isTaskEvent(event: HubEvent): event is TaskEvent {
  return (TASK_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** One task state change, as AdminService's watch stream carries it. */
export interface TaskEvent {
  /** The Redis stream entry id ("<ms>-<n>"): pass it back to read/follow to resume after it. */
  id: string;
  type: TaskEventType;
  taskId: TaskId;
  clusterId: ClusterId;
  kind: string;
  /** The task's state after the change. */
  state: TaskState;
  attempts: number;
  maxAttempts: number;
  /** The lease holder, when there is one. */
  owner?: string;
  /** ms since epoch (Redis clock). */
  at: number;
  leaseExpiresAt?: number;
  progress?: JsonValue;
  error?: TaskError;
}

export interface EventLogOptions {
  /** The command connection, for reads. */
  redis: Redis;
  /** The process's one blocking connection for live reads (HubRedis.eventReader); made on first follow. */
  reader: () => Redis;
  prefix?: string;
  /** How long one XREAD blocks (default 5 s); bounds how long close() waits. */
  blockMs?: number;
  /** A follower further behind than this many events is ended with UNAVAILABLE (default 10,000). */
  maxBuffered?: number;
  /** Approximate length the stream is trimmed to by appendRecord, as the task scripts do (default 100,000). */
  maxLen?: number;
}

export interface FollowOptions {
  signal?: AbortSignal;
}

const ENTRY_ID = /^(\d+)(?:-(\d+))?$/;
const PAGE = 1000;

/** Orders two stream entry ids ("<ms>-<seq>", or "<ms>" meaning seq 0). */
export function compareEventIds(a: string, b: string): number {
  const ma = ENTRY_ID.exec(a);
  const mb = ENTRY_ID.exec(b);
  if (!ma || !mb) throw new Error(`not stream entry ids: ${a}, ${b}`);
  const msA = BigInt(ma[1]!);
  const msB = BigInt(mb[1]!);
  if (msA !== msB) return msA < msB ? -1 : 1;
  const seqA = BigInt(ma[2] ?? "0");
  const seqB = BigInt(mb[2] ?? "0");
  return seqA === seqB ? 0 : seqA < seqB ? -1 : 1;
}

/** Parses one XRANGE/XREAD entry ([id, [field, value, ...]]); returns undefined for one that is not a task event. */
export function parseEventEntry(id: string, flat: readonly string[]): TaskEvent | undefined {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i]!, flat[i + 1]!);
  const type = f.get("type");
  const state = f.get("state");
  if (!type || !(TASK_EVENT_TYPES as readonly string[]).includes(type) || !state || !isTaskState(state)) return undefined;
  const event: TaskEvent = {
    id,
    type: type as TaskEventType,
    taskId: (f.get("taskId") ?? "") as TaskId,
    clusterId: (f.get("clusterId") ?? "") as ClusterId,
    kind: f.get("kind") ?? "",
    state,
    attempts: Number(f.get("attempts") ?? 0),
    maxAttempts: Number(f.get("maxAttempts") ?? 0),
    at: Number(f.get("at") ?? 0),
  };
  const owner = f.get("owner");
  if (owner !== undefined) event.owner = owner;
  const deadline = f.get("leaseExpiresAt");
  if (deadline !== undefined) event.leaseExpiresAt = Number(deadline);
  const progress = f.get("progress");
  if (progress !== undefined) event.progress = decodePayload(progress) as JsonValue;
  const code = f.get("errorCode");
  if (code !== undefined) event.error = { code, message: f.get("errorMessage") ?? "" };
  return event;
}

/** Parses one entry of any kind; undefined for an entry that is no event of ours. */
export function parseHubEventEntry(id: string, flat: readonly string[]): HubEvent | undefined {
  const type = flat[flat.indexOf("type") + 1];
  if (!(RECORD_EVENT_TYPES as readonly (string | undefined)[]).includes(type)) return parseEventEntry(id, flat);
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i]!, flat[i + 1]!);
  let fields: Record<string, string>;
  try {
    fields = JSON.parse(f.get("record") ?? "{}") as Record<string, string>;
  } catch {
    return undefined;
  }
  const event: RecordEvent = { id, type: type as RecordEventType, at: Number(f.get("at") ?? 0), fields };
  const clusterId = f.get("clusterId");
  if (clusterId !== undefined) event.clusterId = clusterId as ClusterId;
  const tokenId = f.get("tokenId");
  if (tokenId !== undefined) event.tokenId = tokenId;
  const backupId = f.get("backupId");
  if (backupId !== undefined) event.backupId = backupId;
  const policyId = f.get("policyId");
  if (policyId !== undefined) event.policyId = policyId;
  const restoreId = f.get("restoreId");
  if (restoreId !== undefined) event.restoreId = restoreId;
  return event;
}

function parseEntries(entries: [string, string[]][]): HubEvent[] {
  const events: HubEvent[] = [];
  for (const [id, flat] of entries) {
    const event = parseHubEventEntry(id, flat);
    if (event) events.push(event);
  }
  return events;
}

interface Follower {
  buffer: HubEvent[];
  error?: LifeboatError;
  wake?: () => void;
}

/**
 * The task event log: one Redis stream, appended by the same script as each change, so
 * it never disagrees with the state. Old events are trimmed (approximate MAXLEN), so a
 * watcher resuming from a trimmed id continues from the oldest kept.
 *
 * Live events are read by one blocking XREAD loop per process and fanned out to every
 * follower, so watchers cost no Redis connection each.
 */
export class EventLog {
  private readonly redis: Redis;
  private readonly reader: () => Redis;
  private readonly key: string;
  private readonly blockMs: number;
  private readonly maxBuffered: number;
  private readonly maxLen: string;
  private readonly followers = new Set<Follower>();
  /** Resolves once the running reader knows where it starts; undefined when no reader runs. */
  private readerReady: Promise<void> | undefined;
  private closed = false;

  constructor(options: EventLogOptions) {
    this.redis = options.redis;
    this.reader = options.reader;
    this.key = taskKeys(options.prefix ?? DEFAULT_KEY_PREFIX).events;
    this.blockMs = options.blockMs ?? 5_000;
    this.maxBuffered = options.maxBuffered ?? 10_000;
    this.maxLen = String(options.maxLen ?? 100_000);
  }

  /**
   * Appends a backup or policy change. Unlike task, cluster and token changes (appended by the
   * script that makes them), these follow their change: a crash between the two loses the event,
   * never the change, and watchers re-list after a gap as they do after trimming.
   */
  async appendRecord(type: RecordEventType, fields: Record<string, string>, ids: RecordEventIds): Promise<void> {
    const extra = Object.entries(ids).flatMap(([key, value]) => (value === undefined ? [] : [key, value]));
    await this.redis.xadd(this.key, "MAXLEN", "~", this.maxLen, "*", "type", type, "at", String(Date.now()), "record", JSON.stringify(fields), ...extra);
  }

  /** Up to `count` task events strictly after `afterId` ("0" for the oldest kept), oldest first. */
  async read(afterId = "0", count = 100): Promise<TaskEvent[]> {
    return (await this.readAll(afterId, count)).filter(isTaskEvent);
  }

  /**
   * Up to `count` entries strictly after `afterId`, oldest first, as events of every kind (task,
   * cluster, token); fewer than `count` events when entries that are no event are skipped.
   */
  async readAll(afterId = "0", count = 100): Promise<HubEvent[]> {
    if (!ENTRY_ID.test(afterId)) {
      throw new LifeboatError("INVALID_ARGUMENT", `event id ${JSON.stringify(afterId)} is invalid: use "0" or an id from a previous event`, {
        field: "afterId",
        value: afterId,
      });
    }
    const entries = (await this.redis.xrange(this.key, `(${afterId}`, "+", "COUNT", count)) as [string, string[]][];
    return parseEntries(entries);
  }

  /** Task events only, as followAll. */
  async *follow(afterId = "$", options: FollowOptions = {}): AsyncGenerator<TaskEvent> {
    for await (const event of this.followAll(afterId, options)) if (isTaskEvent(event)) yield event;
  }

  /**
   * Whether events after `afterId` have been trimmed from the log, so a watcher resuming from it
   * would miss some. False for "$", "0" and any id at or after the last trimmed one.
   */
  async isTrimmedAfter(afterId: string): Promise<boolean> {
    if (afterId === "$" || afterId === "0" || !ENTRY_ID.test(afterId)) return false;
    let info: unknown[];
    try {
      info = (await this.redis.call("XINFO", "STREAM", this.key)) as unknown[];
    } catch {
      return false; // no stream yet: nothing was ever trimmed
    }
    // Redis 7: the greatest id ever removed from the stream (trimmed or deleted).
    const at = info.indexOf("max-deleted-entry-id");
    const maxDeleted = at >= 0 ? String(info[at + 1]) : "0-0";
    return maxDeleted !== "0-0" && compareEventIds(afterId, maxDeleted) < 0;
  }

  /**
   * Every event after `afterId` ("$": only events from now on), then live ones, until the
   * signal aborts, the caller stops iterating, or close(). A follower that falls more than
   * maxBuffered events behind ends with UNAVAILABLE (retryable; resume from its last id).
   * End a watch with the signal: like any async generator's, `return()` waits for the
   * generator's next event when it is idle.
   */
  async *followAll(afterId = "$", options: FollowOptions = {}): AsyncGenerator<HubEvent> {
    if (afterId !== "$" && !ENTRY_ID.test(afterId)) await this.read(afterId, 1); // throws INVALID_ARGUMENT
    const { signal } = options;
    const follower: Follower = { buffer: [] };
    this.followers.add(follower);
    const onAbort = (): void => follower.wake?.();
    signal?.addEventListener("abort", onAbort);
    try {
      // The live reader must know its start before history is read, or events between
      // the end of history and the reader's start would be missed.
      await this.ensureReader();
      let last = "0";
      if (afterId !== "$") {
        last = afterId;
        for (;;) {
          const entries = (await this.redis.xrange(this.key, `(${last}`, "+", "COUNT", PAGE)) as [string, string[]][];
          for (const event of parseEntries(entries)) {
            if (signal?.aborted || this.closed) return;
            yield event;
          }
          if (entries.length > 0) last = entries[entries.length - 1]![0];
          if (entries.length < PAGE) break;
        }
      }
      for (;;) {
        while (follower.buffer.length > 0) {
          const event = follower.buffer.shift()!;
          if (compareEventIds(event.id, last) <= 0) continue; // already given from history
          if (signal?.aborted || this.closed) return;
          last = event.id;
          yield event;
        }
        if (follower.error) throw follower.error;
        if (signal?.aborted || this.closed) return;
        await new Promise<void>((resolve) => {
          follower.wake = resolve;
        });
        follower.wake = undefined;
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.followers.delete(follower);
    }
  }

  /** Ends every follower; the reader stops after its current XREAD returns (within blockMs). */
  close(): void {
    this.closed = true;
    for (const follower of this.followers) follower.wake?.();
  }

  private ensureReader(): Promise<void> {
    if (this.readerReady) return this.readerReady;
    let ready!: () => void;
    let failed!: (err: unknown) => void;
    this.readerReady = new Promise<void>((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });
    void this.runReader(ready).catch((err: unknown) => {
        failed(err);
        const error = new LifeboatError("UNAVAILABLE", `event log reader stopped: ${(err as Error).message}`, { retryable: true, cause: err });
        for (const follower of this.followers) {
          follower.error = error;
          follower.wake?.();
        }
    });
    return this.readerReady;
  }

  private async runReader(ready: () => void): Promise<void> {
    try {
      await this.readLive(ready);
    } finally {
      // Synchronously after the loop ends, so a follower joining from now on starts a new reader.
      this.readerReady = undefined;
    }
  }

  private async readLive(ready: () => void): Promise<void> {
    const connection = this.reader();
    const newest = (await this.redis.xrevrange(this.key, "+", "-", "COUNT", 1)) as [string, string[]][];
    let lastId = newest[0]?.[0] ?? "0-0";
    ready();
    while (this.followers.size > 0 && !this.closed) {
      const reply = (await connection.xread("COUNT", PAGE, "BLOCK", this.blockMs, "STREAMS", this.key, lastId)) as
        | [string, [string, string[]][]][]
        | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      lastId = entries[entries.length - 1]![0];
      const events = parseEntries(entries);
      for (const follower of this.followers) {
        if (follower.error) continue;
        follower.buffer.push(...events);
        if (follower.buffer.length > this.maxBuffered) {
          follower.buffer = [];
          follower.error = new LifeboatError("UNAVAILABLE", `event watcher fell more than ${this.maxBuffered} events behind; resume from the last event id it received`, {
            retryable: true,
          });
        }
        follower.wake?.();
      }
    }
  }
}
