import type { KubeConfig } from "@kubernetes/client-node";
import pLimit from "p-limit";
import type { ItemResult, KubeObject, PlannedItem } from "../types.js";
import { applyItem, type ItemContext } from "./apply-item.js";
import { createApiWriter, type ApiWriter } from "./api-writer.js";
import { isCrd, waitForEstablished } from "./establish.js";
import { RestoredOwners } from "./owners.js";
import { DEFAULT_RETRY } from "./retry.js";

export interface ApplyOptions {
  kube: KubeConfig;
  /** The writer to use (one connection pool per restore); one over `kube` when absent. */
  writer?: ApiWriter;
  /** What to do with an item whose object exists already: leave it, or merge-patch it. */
  policy: "skip" | "update";
  /** Items applied at once within a tier. */
  concurrency: number;
  /** Written as RESTORE_LABEL on every object, so a retried attempt recognises its own work. */
  restoreId: string;
  signal?: AbortSignal;
  /** The item's JSON, converted, sanitized and transformed; a throw fails the item with its message. */
  load(item: PlannedItem): Promise<KubeObject>;
  /** Called once per item, as soon as it is done. */
  onResult(result: ItemResult): void;
  /** Per API request; defaults to DEFAULT_RETRY. */
  retry?: { attempts: number; minDelayMs: number };
  /** How long a restored CRD may take to become Established; 30 s by default. */
  establishTimeoutMs?: number;
  /** Called after each tier with its results, before the next tier starts (volume data goes in here). */
  afterTier?(results: readonly ItemResult[]): Promise<void>;
}

/**
 * Applies `tiers` in order (see orderIntoTiers), each tier's items at most `concurrency` at a time,
 * reporting every item through `onResult`. After a tier that holds CRDs, waits until they are
 * Established; the custom resources of one that is not then fail with that reason.
 *
 * Rejects, without a result for the items not done, when the restore as a whole cannot go on: the
 * signal aborted (with its reason), or an item found the API server not answering through its whole
 * retry budget (UNAVAILABLE; see applyItem). In-flight items are aborted and awaited first, so
 * nothing is written after it rejects.
 */
export async function applyTiers(tiers: PlannedItem[][], options: ApplyOptions): Promise<void> {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const writer = options.writer ?? createApiWriter(options.kube);
  const context: ItemContext = {
    writer,
    policy: options.policy,
    restoreId: options.restoreId,
    retry: options.retry ?? DEFAULT_RETRY,
    owners: new RestoredOwners(),
    unusableCrds: new Map(),
    load: (item) => options.load(item),
    signal,
  };
  const limit = pLimit(Math.max(1, options.concurrency));
  for (const tier of tiers) {
    if (signal.aborted) throw signal.reason;
    let fatal: { error: unknown } | undefined;
    const results: ItemResult[] = [];
    await Promise.all(
      tier.map((item) =>
        limit(async () => {
          if (fatal || signal.aborted) return;
          try {
            // A result that came in after another item ended the restore is still reported: it happened.
            const result = await applyItem(item, context);
            if (result.uid) context.owners.add(item, result.uid);
            results.push(result);
            options.onResult(result);
          } catch (error) {
            fatal ??= { error };
            stop.abort(error);
          }
        }),
      ),
    );
    if (options.signal?.aborted) throw options.signal.reason;
    if (fatal) throw fatal.error;
    if (results.some(isCrd)) {
      const unusable = await waitForEstablished(writer, results, { timeoutMs: options.establishTimeoutMs ?? 30_000, signal });
      context.unusableCrds = new Map([...context.unusableCrds, ...unusable]);
    }
    await options.afterTier?.(results);
  }
}
