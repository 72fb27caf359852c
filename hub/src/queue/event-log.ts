import { LifeboatError } from "@lifeboat/shared";
import type { Redis } from "ioredis";
import { DEFAULT_KEY_PREFIX, taskKeys, type ClusterId, type TaskId } from "../store/index.js";
import { decodePayload, type JsonValue } from "./payload.js";
import { isTaskState, type TaskError, type TaskState } from "./task-record.js";

export const TASK_EVENT_TYPES = ["queued", "leased", "progress", "completed", "failed", "cancelled"] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

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

function parseEntries(entries: [string, string[]][]): TaskEvent[] {
  const events: TaskEvent[] = [];
  for (const [id, flat] of entries) {
    const event = parseEventEntry(id, flat);
    if (event) events.push(event);
  }
  return events;
}

interface Follower {
  buffer: TaskEvent[];
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
  }

  /** Up to `count` events strictly after `afterId` ("0" for the oldest kept), oldest first. */
  async read(afterId = "0", count = 100): Promise<TaskEvent[]> {
    if (!ENTRY_ID.test(afterId)) {
      throw new LifeboatError("INVALID_ARGUMENT", `event id ${JSON.stringify(afterId)} is invalid: use "0" or an id from a previous event`, {
        field: "afterId",
        value: afterId,
      });
    }
    const entries = (await this.redis.xrange(this.key, `(${afterId}`, "+", "COUNT", count)) as [string, string[]][];
    return parseEntries(entries);
  }

  /**
   * Every event after `afterId` ("$": only events from now on), then live ones, until the
   * signal aborts, the caller stops iterating, or close(). A follower that falls more than
   * maxBuffered events behind ends with UNAVAILABLE (retryable; resume from its last id).
   * End a watch with the signal: like any async generator's, `return()` waits for the
   * generator's next event when it is idle.
   */
  async *follow(afterId = "$", options: FollowOptions = {}): AsyncGenerator<TaskEvent> {
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
          const page = await this.read(last, PAGE);
          for (const event of page) {
            if (signal?.aborted || this.closed) return;
            last = event.id;
            yield event;
          }
          if (page.length < PAGE) break;
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
