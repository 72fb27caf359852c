import { LifeboatError } from "@lifeboat/shared";
import type { Redis } from "ioredis";
import {
  DEFAULT_KEY_PREFIX,
  defineTaskScripts,
  newTaskId,
  parseClusterId,
  parseTaskId,
  taskKeys,
  type ClusterId,
  type TaskId,
  type TaskKeys,
  type TaskScriptCommands,
} from "../store/index.js";
import { encodePayload, type JsonValue, type TaskPayload } from "./payload.js";
import { isTaskState, parseTaskFields, type TaskError, type TaskRecord, type TaskState } from "./task-record.js";

export interface TaskQueueOptions {
  /** The hub process's command connection (see connectHubRedis); scripts are defined on it if needed. */
  redis: Redis;
  /** Key prefix; every replica of one deployment uses the same. */
  prefix?: string;
  /** Approximate length the event stream is trimmed to. */
  eventsMaxLen?: number;
  /** Used when enqueue is given no maxAttempts. */
  defaultMaxAttempts?: number;
  /** Overrides the Redis server clock (tests). Replicas must agree on time, so leave it unset in production. */
  clock?: () => number;
}

export interface EnqueueOptions {
  maxAttempts?: number;
  /**
   * An idempotency key: when a task with this id exists already, enqueue returns it and
   * queues nothing (e.g. a schedule's fan-out retried after a crash).
   */
  id?: TaskId;
}

/** One task of enqueueMany. */
export interface NewTask extends EnqueueOptions {
  clusterId: ClusterId;
  kind: string;
  spec: TaskPayload;
}

/** One stream's request in leaseBatch. */
export interface LeaseRequest {
  clusterId: ClusterId;
  owner: string;
  max: number;
}

export interface LeaseCheck {
  /**
   * The attempt number the caller was handed the task with. When given, a call for any
   * other attempt is refused, even from the same owner.
   */
  attempt?: number;
}

export interface FailOptions extends LeaseCheck {
  /** Whether another attempt may succeed; a retryable failure with attempts left is re-queued at the head. */
  retryable?: boolean;
}

/** The outcome of complete, fail and cancel. */
export interface Settlement {
  task: TaskRecord;
  /** True when the same change had been made already and this call changed nothing. */
  duplicate: boolean;
}

export interface ListTasksOptions {
  clusterId?: ClusterId;
  state?: TaskState;
  /** 1-1000, default 100. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Default newest-first. */
  order?: "newest-first" | "oldest-first";
}

export interface TaskPage {
  tasks: TaskRecord[];
  /** Present when there may be more. */
  nextCursor?: string;
}

export interface SweepResult {
  requeued: number;
  failed: number;
}

const MAX_LEASE_MS = 24 * 60 * 60 * 1000;
const MAX_ATTEMPTS_LIMIT = 1000;
const SWEEP_BATCH = 1000;
// Tasks per enqueue script call: large enough to amortise the call, small enough that one
// call holds Redis for milliseconds, not longer.
const ENQUEUE_BATCH = 250;

function invalid(field: string, value: unknown, rule: string): LifeboatError {
  return new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(value)} is invalid: ${rule}`, {
    field,
    value: String(value),
  });
}

function checkInteger(field: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw invalid(field, value, `must be an integer from ${min} to ${max}`);
  return value;
}

function checkText(field: string, value: string, maxLength: number): string {
  if (typeof value !== "string" || value.length === 0 || value.length > maxLength) {
    throw invalid(field, value, `must be a non-empty string of at most ${maxLength} characters`);
  }
  return value;
}

function describeHolder(task: TaskRecord): string {
  if (task.state === "leased") return `the lease of attempt ${task.attempts} is held by ${task.leaseOwner ?? "nobody"}`;
  const last = task.leaseOwner ? ` (last lease: attempt ${task.attempts} by ${task.leaseOwner})` : "";
  return `the task is ${task.state}${last}`;
}

type Reply = [string, string[]?];

/**
 * Each cluster's durable FIFO of tasks in Redis, with leases. Every method is one atomic
 * script (or a read); any number of TaskQueue instances, in any number of hub processes,
 * may share one Redis and prefix.
 *
 * Tasks are at-least-once: a lease that expires puts the task back at the head of its
 * queue (see requeueExpired), so every task kind must be idempotent.
 */
export class TaskQueue {
  readonly keys: TaskKeys;
  private readonly redis: Redis & TaskScriptCommands;
  private readonly eventsMaxLen: string;
  private readonly defaultMaxAttempts: number;
  private readonly clock: (() => number) | undefined;

  constructor(options: TaskQueueOptions) {
    this.redis = defineTaskScripts(options.redis);
    this.keys = taskKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
    this.eventsMaxLen = String(options.eventsMaxLen ?? 100_000);
    this.defaultMaxAttempts = checkInteger("defaultMaxAttempts", options.defaultMaxAttempts ?? 3, 1, MAX_ATTEMPTS_LIMIT);
    this.clock = options.clock;
  }

  /** ARGV[1..3] of every script. */
  private common(now?: number): string[] {
    const at = now ?? this.clock?.();
    return [this.keys.prefix, at === undefined ? "" : String(Math.floor(at)), this.eventsMaxLen];
  }

  /** Adds a task at the tail of the cluster's queue; every hub replica hears of it at once. */
  async enqueue(clusterId: ClusterId, kind: string, spec: TaskPayload, options: EnqueueOptions = {}): Promise<TaskRecord> {
    const [task] = await this.enqueueMany([{ ...options, clusterId, kind, spec }]);
    return task!;
  }

  /**
   * Adds many tasks (a policy's fan-out), each at the tail of its cluster's queue, in
   * order, with one script call and one notification per few hundred tasks. Every task is
   * checked before any is queued, so bad input queues nothing; each batch is atomic, but
   * a failure (Redis down) may leave earlier batches queued: give ids to make a retry safe.
   */
  async enqueueMany(tasks: readonly NewTask[]): Promise<TaskRecord[]> {
    const args = tasks.map((task, i) => {
      const at = tasks.length === 1 ? "" : `tasks[${i}].`;
      parseClusterId(task.clusterId, `${at}clusterId`);
      checkText(`${at}kind`, task.kind, 128);
      const maxAttempts = checkInteger(`${at}maxAttempts`, task.maxAttempts ?? this.defaultMaxAttempts, 1, MAX_ATTEMPTS_LIMIT);
      const id = task.id === undefined ? newTaskId() : parseTaskId(task.id, `${at}id`);
      return [id, task.clusterId, task.kind, encodePayload(task.spec, `${at}spec`), String(maxAttempts)];
    });
    const batches: string[][][] = [];
    for (let start = 0; start < args.length; start += ENQUEUE_BATCH) batches.push(args.slice(start, start + ENQUEUE_BATCH));
    // Sent together: one connection runs them in the order sent, so queue order holds.
    const replies = await Promise.all(
      batches.map((batch) => this.redis.lifeboatEnqueue(...this.common(), String(batch.length), ...batch.flat()) as Promise<Reply[]>),
    );
    return replies.flat().map(([, flat]) => parseTaskFields(flat!));
  }

  /** Leases the task at the head of the cluster's queue to `owner` for `leaseMs`, or returns undefined when it is empty. */
  async lease(clusterId: ClusterId, owner: string, leaseMs: number): Promise<TaskRecord | undefined> {
    const [task] = await this.leaseMany(clusterId, owner, leaseMs, 1);
    return task;
  }

  /** Leases up to `max` tasks from the head of the cluster's queue, in queue order, in one atomic step. */
  async leaseMany(clusterId: ClusterId, owner: string, leaseMs: number, max: number): Promise<TaskRecord[]> {
    const [tasks] = await this.leaseBatch([{ clusterId, owner, max }], leaseMs);
    return tasks!;
  }

  /**
   * Serves many lease requests (several streams, usually of different clusters) in one
   * atomic script call: each gets up to its `max` tasks from the head of its cluster's
   * queue, requests served in order. Returns each request's tasks, in request order.
   */
  async leaseBatch(requests: readonly LeaseRequest[], leaseMs: number): Promise<TaskRecord[][]> {
    checkInteger("leaseMs", leaseMs, 1, MAX_LEASE_MS);
    const args = requests.map((r, i) => {
      const at = requests.length === 1 ? "" : `requests[${i}].`;
      parseClusterId(r.clusterId, `${at}clusterId`);
      checkText(`${at}owner`, r.owner, 256);
      checkInteger(`${at}max`, r.max, 1, 10_000);
      return [r.clusterId, r.owner, String(r.max)];
    });
    if (args.length === 0) return [];
    const reply = (await this.redis.lifeboatLease(...this.common(), String(leaseMs), String(args.length), ...args.flat())) as string[][][];
    return reply.map((tasks) => tasks.map(parseTaskFields));
  }

  /**
   * Extends the lease `owner` holds to now + leaseMs; records `progress` (and emits a
   * progress event) when given. Throws FAILED_PRECONDITION when the lease is not the
   * owner's any more (expired and handed out again, completed, cancelled), so a stale
   * agent cannot keep someone else's lease alive; NOT_FOUND for an unknown task.
   */
  async renew(taskId: TaskId, owner: string, leaseMs: number, progress?: JsonValue, check: LeaseCheck = {}): Promise<TaskRecord> {
    parseTaskId(taskId);
    checkText("owner", owner, 256);
    checkInteger("leaseMs", leaseMs, 1, MAX_LEASE_MS);
    const encoded = progress === undefined ? "" : encodePayload(progress, "progress");
    const reply = (await this.redis.lifeboatRenew(...this.common(), taskId, owner, String(leaseMs), encoded, this.attemptArg(check))) as Reply;
    return this.settle(reply, taskId, owner, "renew").task;
  }

  /**
   * Moves the leases of `taskIds` that are leased tasks of `clusterId` to `owner`, renewed for
   * `leaseMs`: an agent that reconnected keeps the tasks it is still running (AgentHello's
   * active_task_ids). Other ids are skipped. Returns the tasks adopted.
   */
  async adopt(clusterId: ClusterId, owner: string, leaseMs: number, taskIds: readonly TaskId[]): Promise<TaskRecord[]> {
    parseClusterId(clusterId);
    checkText("owner", owner, 256);
    checkInteger("leaseMs", leaseMs, 1, MAX_LEASE_MS);
    const ids = taskIds.map((id, i) => parseTaskId(id, `taskIds[${i}]`));
    if (ids.length === 0) return [];
    const reply = (await this.redis.lifeboatAdopt(...this.common(), clusterId, owner, String(leaseMs), ...ids)) as string[][];
    return reply.map(parseTaskFields);
  }

  /**
   * Ends the task as completed with `result`. Repeating it by the same owner (and attempt)
   * is a no-op (`duplicate`). Throws FAILED_PRECONDITION when `owner` does not hold the
   * lease (e.g. its lease expired and the task was handed out again): the result is
   * refused and overwrites nothing. NOT_FOUND for an unknown task.
   */
  async complete(taskId: TaskId, owner: string, result?: TaskPayload, check: LeaseCheck = {}): Promise<Settlement> {
    parseTaskId(taskId);
    checkText("owner", owner, 256);
    const encoded = result === undefined ? "" : encodePayload(result, "result");
    const reply = (await this.redis.lifeboatComplete(...this.common(), taskId, owner, encoded, this.attemptArg(check))) as Reply;
    return this.settle(reply, taskId, owner, "complete");
  }

  /**
   * Records a failed attempt. Retryable with attempts left: back to the head of the queue
   * (state queued, `error` holding this attempt's). Otherwise the task ends failed with
   * `error`. Refusals and repeats as for complete.
   */
  async fail(taskId: TaskId, owner: string, error: TaskError, options: FailOptions = {}): Promise<Settlement> {
    parseTaskId(taskId);
    checkText("owner", owner, 256);
    checkText("error.code", error.code, 64);
    const reply = (await this.redis.lifeboatFail(
      ...this.common(),
      taskId,
      owner,
      error.code,
      error.message ?? "",
      options.retryable ? "1" : "0",
      this.attemptArg(options),
    )) as Reply;
    return this.settle(reply, taskId, owner, "fail");
  }

  /**
   * Cancels a queued or leased task; the replica holding a leased task's stream is told
   * (Dispatcher → stream.cancel). Cancelling a cancelled task is a no-op; a completed or
   * failed one throws FAILED_PRECONDITION.
   */
  async cancel(taskId: TaskId, reason: string): Promise<Settlement> {
    parseTaskId(taskId);
    checkText("reason", reason, 1024);
    const reply = (await this.redis.lifeboatCancel(...this.common(), taskId, reason)) as Reply;
    const [status, flat] = reply;
    if (status === "missing") throw this.notFound(taskId);
    const task = parseTaskFields(flat!);
    if (status === "refused") {
      throw new LifeboatError("FAILED_PRECONDITION", `task ${taskId} cannot be cancelled: it is already ${task.state}`, {
        field: "taskId",
        value: taskId,
      });
    }
    return { task, duplicate: status === "duplicate" };
  }

  async get(taskId: TaskId): Promise<TaskRecord | undefined> {
    parseTaskId(taskId);
    const flat = (await this.redis.call("HGETALL", this.keys.task(taskId))) as string[];
    return flat.length === 0 ? undefined : parseTaskFields(flat);
  }

  /** Tasks by creation order, filtered by cluster and/or state, a page at a time. */
  async list(options: ListTasksOptions = {}): Promise<TaskPage> {
    const limit = checkInteger("limit", options.limit ?? 100, 1, 1000);
    if (options.state !== undefined && !isTaskState(options.state)) throw invalid("state", options.state, "must be one of queued, leased, completed, failed, cancelled");
    if (options.clusterId !== undefined) parseClusterId(options.clusterId);
    let after: number | undefined;
    if (options.cursor !== undefined) {
      after = Number(options.cursor);
      if (!/^\d+$/.test(options.cursor) || !Number.isSafeInteger(after)) throw invalid("cursor", options.cursor, "pass the nextCursor of a previous page");
    }

    const { clusterId, state } = options;
    const index =
      clusterId !== undefined && state !== undefined ? this.keys.clusterTasksInState(clusterId, state)
      : clusterId !== undefined ? this.keys.clusterTasks(clusterId)
      : state !== undefined ? this.keys.tasksInState(state)
      : this.keys.tasks;
    const newestFirst = (options.order ?? "newest-first") === "newest-first";
    const range = newestFirst
      ? [after === undefined ? "+inf" : `(${after}`, "-inf", "BYSCORE", "REV"]
      : [after === undefined ? "-inf" : `(${after}`, "+inf", "BYSCORE"];
    const reply = (await this.redis.call("ZRANGE", index, ...range, "LIMIT", "0", String(limit), "WITHSCORES")) as string[];

    const ids: string[] = [];
    let lastScore: string | undefined;
    for (let i = 0; i + 1 < reply.length; i += 2) {
      ids.push(reply[i]!);
      lastScore = reply[i + 1];
    }
    const hashes = await Promise.all(ids.map((id) => this.redis.call("HGETALL", this.keys.task(id as TaskId)) as Promise<string[]>));
    // A task removed between the index read and its hash read is left out.
    const tasks = hashes.filter((flat) => flat.length > 0).map(parseTaskFields);
    return ids.length === limit && lastScore !== undefined ? { tasks, nextCursor: lastScore } : { tasks };
  }

  /** How many tasks wait in the cluster's queue (leased ones not counted). */
  async depth(clusterId: ClusterId): Promise<number> {
    parseClusterId(clusterId);
    return this.redis.llen(this.keys.queue(clusterId));
  }

  /**
   * Puts every task whose lease deadline is at or before `now` (default: the Redis clock)
   * back at the head of its cluster's queue, attempt count kept, or ends it failed with
   * LEASE_EXPIRED "lease expired after N attempts" once it has had maxAttempts. Runs
   * every second through LeaseSweeper; safe to run concurrently (each batch is atomic).
   */
  async requeueExpired(now?: number): Promise<SweepResult> {
    const total: SweepResult = { requeued: 0, failed: 0 };
    for (;;) {
      const [requeued, failed, more] = (await this.redis.lifeboatRequeueExpired(...this.common(now), String(SWEEP_BATCH))) as number[];
      total.requeued += requeued ?? 0;
      total.failed += failed ?? 0;
      if (more !== 1) return total;
    }
  }

  private attemptArg(check: LeaseCheck): string {
    if (check.attempt === undefined) return "";
    return String(checkInteger("attempt", check.attempt, 1, MAX_ATTEMPTS_LIMIT));
  }

  private notFound(taskId: TaskId): LifeboatError {
    return new LifeboatError("NOT_FOUND", `task ${taskId} not found`, { field: "taskId", value: taskId });
  }

  private settle(reply: Reply, taskId: TaskId, owner: string, verb: string): Settlement {
    const [status, flat] = reply;
    if (status === "missing") throw this.notFound(taskId);
    const task = parseTaskFields(flat!);
    if (status === "refused") {
      throw new LifeboatError("FAILED_PRECONDITION", `task ${taskId}: ${verb} by ${owner} refused: ${describeHolder(task)}`, {
        field: "owner",
        value: owner,
      });
    }
    return { task, duplicate: status === "duplicate" };
  }
}
