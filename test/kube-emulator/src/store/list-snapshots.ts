import { randomBytes } from "node:crypto";
import type { KubeObject } from "../api-types.js";

interface Snapshot {
  items: KubeObject[];
  resourceVersion: number;
  expiresAt: number;
}

export interface ContinueToken {
  snapshot: string;
  offset: number;
  resourceVersion: number;
}

/**
 * Paginated lists read from a frozen copy of the result, so every page of one list is
 * consistent as etcd's MVCC read at a fixed revision is. A token outlives its snapshot
 * only up to `ttlMs` (etcd's compaction plays this role upstream), then answers 410.
 */
export class ListSnapshots {
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(private readonly ttlMs = 5 * 60_000) {}

  open(items: KubeObject[], resourceVersion: number): string {
    this.expire();
    const id = randomBytes(8).toString("hex");
    this.snapshots.set(id, { items, resourceVersion, expiresAt: Date.now() + this.ttlMs });
    return id;
  }

  read(id: string): Snapshot | undefined {
    this.expire();
    return this.snapshots.get(id);
  }

  close(id: string): void {
    this.snapshots.delete(id);
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, s] of this.snapshots) if (s.expiresAt < now) this.snapshots.delete(id);
  }
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: "lifeboat.emulator/v1", ...token })).toString("base64url");
}

/** Undefined for a token that is not one of ours (the caller answers 400). */
export function decodeContinue(text: string): ContinueToken | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Partial<ContinueToken> & { v?: string };
    if (parsed.v !== "lifeboat.emulator/v1" || typeof parsed.snapshot !== "string") return undefined;
    if (typeof parsed.offset !== "number" || typeof parsed.resourceVersion !== "number") return undefined;
    return { snapshot: parsed.snapshot, offset: parsed.offset, resourceVersion: parsed.resourceVersion };
  } catch {
    return undefined;
  }
}
