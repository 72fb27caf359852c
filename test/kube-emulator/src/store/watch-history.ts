import type { KubeObject } from "../api-types.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoredEvent {
  type: WatchEventType;
  /** The object after the change (for DELETED: as it was, with the deleting resourceVersion). */
  object: KubeObject;
  /** The object before the change, so watchers with selectors can tell entry from exit. */
  previous?: KubeObject;
  resourceVersion: number;
  storageKey: string;
  namespace: string;
}

/**
 * A bounded window of recent changes, like etcd's history before compaction. A watch
 * that asks to start before the window gets 410 Gone, exactly as on a real server.
 */
export class WatchHistory {
  private readonly ring: Array<StoredEvent | undefined>;
  private next = 0;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array(capacity);
  }

  /** Whether any event has been dropped from the window. */
  wrapped = false;

  push(event: StoredEvent): void {
    if (this.size === this.capacity) this.wrapped = true;
    this.ring[this.next] = event;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** Oldest resourceVersion still in the window, or undefined when empty. */
  oldest(): number | undefined {
    if (this.size === 0) return undefined;
    const start = (this.next - this.size + this.capacity) % this.capacity;
    return this.ring[start]?.resourceVersion;
  }

  /** Events with resourceVersion > `after`, oldest first. */
  since(after: number): StoredEvent[] {
    const out: StoredEvent[] = [];
    for (let i = 0; i < this.size; i++) {
      const e = this.ring[(this.next - this.size + i + this.capacity * 2) % this.capacity];
      if (e && e.resourceVersion > after) out.push(e);
    }
    return out;
  }
}
