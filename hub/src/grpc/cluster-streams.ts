import type { Redis } from "ioredis";
import type { ClusterId } from "../store/index.js";

/**
 * What happened to a cluster, as published on the cluster channel: "deleted" (its certificates
 * are all revoked), "reissued" (it registered again; its earlier certificates are revoked).
 */
export type ClusterChange = "deleted" | "reissued" | "shutdown";

/** Told of a change to its stream's cluster; ends the stream when the change concerns it. */
export type StreamCloser = (change: ClusterChange) => void;

/**
 * The agent streams open on this hub process, by cluster, so that a change made through any
 * replica reaches them: DeleteCluster publishes on the cluster channel, and the replica holding
 * the cluster's stream closes it. Uses the process's subscriber connection (shared with the
 * Dispatcher; each listener reads only its own channels).
 */
export class ClusterStreams {
  private readonly streams = new Map<ClusterId, Set<StreamCloser>>();
  private started = false;
  private readonly onMessage = (channel: string, message: string): void => {
    if (channel !== this.channel) return;
    let parsed: { clusterId?: unknown; change?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if ((parsed.change === "deleted" || parsed.change === "reissued") && typeof parsed.clusterId === "string") {
      this.tell(parsed.clusterId as ClusterId, parsed.change);
    }
  };

  constructor(
    private readonly subscriber: Redis,
    private readonly channel: string,
  ) {}

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.subscriber.on("message", this.onMessage);
    await this.subscriber.subscribe(this.channel);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.subscriber.off("message", this.onMessage);
    if (this.subscriber.status === "ready") await this.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  /** Registers a stream; call the returned function when it ends. */
  add(clusterId: ClusterId, closer: StreamCloser): () => void {
    let set = this.streams.get(clusterId);
    if (!set) this.streams.set(clusterId, (set = new Set()));
    set.add(closer);
    return () => {
      set.delete(closer);
      if (set.size === 0 && this.streams.get(clusterId) === set) this.streams.delete(clusterId);
    };
  }

  /** Tells every stream of one cluster on this process of a change. */
  tell(clusterId: ClusterId, change: ClusterChange): void {
    for (const closer of [...(this.streams.get(clusterId) ?? [])]) closer(change);
  }

  /** Tells every stream on this process that the hub is shutting down. */
  closeAll(): void {
    for (const set of [...this.streams.values()]) for (const closer of [...set]) closer("shutdown");
  }

  /** Streams open on this process. */
  size(): number {
    let n = 0;
    for (const set of this.streams.values()) n += set.size;
    return n;
  }
}
