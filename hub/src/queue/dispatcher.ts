import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { ClusterId, TaskId } from "../store/index.js";
import type { LeaseRequest, TaskQueue } from "./task-queue.js";
import type { TaskRecord } from "./task-record.js";

/** The hub's side of one agent's Connect stream, as the dispatcher sees it. */
export interface TaskStream {
  /**
   * Hands a task to the agent. The task is leased to this stream's `owner` already; if
   * the stream cannot take it (closed), throw or reject, and the lease expires and the
   * task comes back (there is no faster hand-back).
   */
  send(task: TaskRecord): void | Promise<void>;
  /** A task leased to this stream was cancelled (through any replica). */
  cancel?(taskId: TaskId, reason: string): void;
}

export interface AttachedStream {
  readonly clusterId: ClusterId;
  /** The lease owner of every task handed to this stream: unique per stream, never reused. */
  readonly owner: string;
  /** Pull credits: the agent can take `n` more tasks. Leases and sends as many as are queued. */
  addCredits(n: number): void;
  /** Credits not yet used. */
  credits(): number;
  /**
   * Stops handing tasks to this stream. Tasks it holds, and any being leased for it at
   * this moment, come back when their leases expire.
   */
  detach(): void;
}

export interface DispatcherOptions {
  queue: TaskQueue;
  /** This process's subscriber connection; the dispatcher SUBSCRIBEs it to the queue's channels. */
  subscriber: Redis;
  /** Lease length for handed-out tasks; agents renew well before it ends. */
  leaseMs: number;
  /**
   * Safety net against a lost notification (e.g. while the subscriber was reconnecting):
   * every so often, clusters with a stream and credits here are tried again. Delivery
   * never waits for it.
   */
  recheckMs?: number;
  /** Most lease requests (streams) served by one script call (default 200). */
  maxBatch?: number;
  /** Names this process in lease owners (default host:pid). */
  hubId?: string;
  /** Told of Redis errors while leasing and of streams whose send failed. */
  onError?: (err: unknown, context: { clusterId: ClusterId; owner?: string; taskId?: TaskId }) => void;
}

interface StreamEntry {
  readonly clusterId: ClusterId;
  readonly owner: string;
  readonly stream: TaskStream;
  credits: number;
  detached: boolean;
}

/**
 * Hands each cluster's queued tasks to the agent streams connected to this hub process,
 * as far as their credits go. It holds no per-cluster Redis connection and never polls:
 * every enqueue and re-queue PUBLISHes the cluster ids on one channel, which each hub
 * process's one subscriber connection hears; a process with a stream for such a cluster
 * and credits leases at once.
 *
 * Clusters to serve are gathered for one turn of the event loop and leased together, up
 * to maxBatch streams per script call, so a fan-out to thousands of clusters costs tens
 * of Redis calls, not thousands. A cluster has at most one lease call in flight, so its
 * streams' credits are never over-spent and its tasks go out in queue order.
 */
export class Dispatcher {
  private readonly queue: TaskQueue;
  private readonly subscriber: Redis;
  private readonly leaseMs: number;
  private readonly recheckMs: number;
  private readonly maxBatch: number;
  private readonly hubId: string;
  private readonly onError: NonNullable<DispatcherOptions["onError"]>;
  /** Streams here, by cluster. */
  private readonly clusters = new Map<ClusterId, StreamEntry[]>();
  private readonly owners = new Map<string, StreamEntry>();
  /** Clusters to lease for at the next flush. */
  private readonly pending = new Set<ClusterId>();
  /** Clusters with a lease call in flight. */
  private readonly inFlight = new Set<ClusterId>();
  /** In-flight clusters poked meanwhile: served again once their call returns. */
  private readonly again = new Set<ClusterId>();
  private readonly running = new Set<Promise<void>>();
  private flushScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;

  private readonly onMessage = (channel: string, message: string): void => {
    if (channel === this.queue.keys.queuedChannel) {
      // One message may name many clusters (a batch enqueue); ids never contain a newline.
      for (const clusterId of message.split("\n")) this.poke(clusterId as ClusterId);
    } else if (channel === this.queue.keys.cancelChannel) {
      this.deliverCancel(message);
    }
  };
  // After a reconnect the subscriber may have missed notifications: try everything once.
  private readonly onReady = (): void => this.recheck();

  constructor(options: DispatcherOptions) {
    this.queue = options.queue;
    this.subscriber = options.subscriber;
    this.leaseMs = options.leaseMs;
    this.recheckMs = options.recheckMs ?? 5_000;
    this.maxBatch = options.maxBatch ?? 200;
    this.hubId = options.hubId ?? `${hostname()}:${process.pid}`;
    this.onError = options.onError ?? ((err, ctx) => console.error(`dispatcher: cluster ${ctx.clusterId}:`, err));
  }

  /** Subscribes to the queue's channels; resolves once Redis has confirmed. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.subscriber.on("message", this.onMessage);
    this.subscriber.on("ready", this.onReady);
    await this.subscriber.subscribe(this.queue.keys.queuedChannel, this.queue.keys.cancelChannel);
    this.timer = setInterval(() => this.recheck(), this.recheckMs);
    this.timer.unref();
  }

  /** Unsubscribes and waits for lease calls in flight; attached streams get nothing more. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.subscriber.off("message", this.onMessage);
    this.subscriber.off("ready", this.onReady);
    if (this.started && this.subscriber.status === "ready") {
      await this.subscriber.unsubscribe(this.queue.keys.queuedChannel, this.queue.keys.cancelChannel).catch(() => undefined);
    }
    await Promise.all([...this.running]);
  }

  /** Registers an agent stream for `clusterId`; it starts with no credits. */
  attach(clusterId: ClusterId, stream: TaskStream): AttachedStream {
    const entry: StreamEntry = { clusterId, owner: `${this.hubId}/${randomUUID()}`, stream, credits: 0, detached: false };
    const streams = this.clusters.get(clusterId);
    if (streams) streams.push(entry);
    else this.clusters.set(clusterId, [entry]);
    this.owners.set(entry.owner, entry);

    return {
      clusterId,
      owner: entry.owner,
      addCredits: (n) => {
        if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`credits must be a non-negative integer, got ${n}`);
        if (entry.detached || n === 0) return;
        entry.credits += n;
        this.poke(clusterId);
      },
      credits: () => entry.credits,
      detach: () => this.detach(entry),
    };
  }

  /** Number of clusters with at least one stream here. */
  clusterCount(): number {
    return this.clusters.size;
  }

  /** Leases for `clusterId` soon if a stream here has credits (what a notification does). */
  poke(clusterId: ClusterId): void {
    if (this.stopped) return;
    const streams = this.clusters.get(clusterId);
    if (!streams) return;
    if (this.inFlight.has(clusterId)) {
      this.again.add(clusterId);
      return;
    }
    if (!streams.some((s) => s.credits > 0)) return;
    this.pending.add(clusterId);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // One turn of the event loop gathers every notification that arrived together.
      setImmediate(() => this.flush());
    }
  }

  private detach(entry: StreamEntry): void {
    if (entry.detached) return;
    entry.detached = true;
    entry.credits = 0;
    this.owners.delete(entry.owner);
    const streams = this.clusters.get(entry.clusterId);
    if (!streams) return;
    const at = streams.indexOf(entry);
    if (at >= 0) streams.splice(at, 1);
    if (streams.length === 0) this.clusters.delete(entry.clusterId);
  }

  private recheck(): void {
    for (const clusterId of this.clusters.keys()) this.poke(clusterId);
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.pending.size > 0 && !this.stopped) {
      const requests: StreamEntry[] = [];
      const maxes: number[] = [];
      const clusterIds: ClusterId[] = [];
      for (const clusterId of this.pending) {
        if (requests.length >= this.maxBatch) break;
        this.pending.delete(clusterId);
        const wanting = (this.clusters.get(clusterId) ?? []).filter((s) => s.credits > 0);
        if (wanting.length === 0 || this.inFlight.has(clusterId)) continue;
        this.inFlight.add(clusterId);
        clusterIds.push(clusterId);
        for (const entry of wanting) {
          requests.push(entry);
          maxes.push(entry.credits);
        }
      }
      if (requests.length > 0) this.lease(requests, maxes, clusterIds);
    }
  }

  private lease(entries: StreamEntry[], maxes: number[], clusterIds: ClusterId[]): void {
    const requests: LeaseRequest[] = entries.map((e, i) => ({ clusterId: e.clusterId, owner: e.owner, max: maxes[i]! }));
    const run = this.queue
      .leaseBatch(requests, this.leaseMs)
      .then(
        (results) => {
          results.forEach((tasks, i) => {
            const entry = entries[i]!;
            entry.credits = Math.max(0, entry.credits - tasks.length);
            for (const task of tasks) this.deliver(entry, task);
          });
        },
        (err: unknown) => {
          // Redis unavailable: the recheck timer or the subscriber's reconnect tries again.
          for (const clusterId of clusterIds) this.onError(err, { clusterId });
        },
      )
      .finally(() => {
        this.running.delete(run);
        for (const clusterId of clusterIds) {
          this.inFlight.delete(clusterId);
          if (this.again.delete(clusterId)) this.poke(clusterId);
        }
      });
    this.running.add(run);
  }

  private deliver(entry: StreamEntry, task: TaskRecord): void {
    const report = (err: unknown): void => this.onError(err, { clusterId: entry.clusterId, owner: entry.owner, taskId: task.id });
    if (entry.detached) {
      report(new Error(`stream ${entry.owner} detached while task ${task.id} was being leased for it; the task comes back when its lease expires`));
      return;
    }
    try {
      const sent = entry.stream.send(task);
      if (sent instanceof Promise) sent.catch(report);
    } catch (err) {
      report(err);
    }
  }

  private deliverCancel(message: string): void {
    let parsed: { taskId?: unknown; owner?: unknown; reason?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return; // not ours
    }
    if (typeof parsed.owner !== "string" || typeof parsed.taskId !== "string") return;
    const entry = this.owners.get(parsed.owner);
    if (!entry || entry.detached) return;
    entry.stream.cancel?.(parsed.taskId as TaskId, typeof parsed.reason === "string" ? parsed.reason : "");
  }
}
