import { isLifeboatError } from "@lifeboat/shared";
import { stringify } from "safe-stable-stringify";
import { RESTORE_LABEL, SkipItem, type ItemResult, type KubeObject, type PlannedItem } from "../types.js";
import { describeRef, statusOf, type ApiWriter, type ObjectRef } from "./api-writer.js";
import { crdNameOf } from "./establish.js";
import type { RestoredOwners } from "./owners.js";
import { withRetry, type RetryPolicy } from "./retry.js";

/** What applying one item needs. */
export interface ItemContext {
  writer: ApiWriter;
  policy: "skip" | "update";
  restoreId: string;
  retry: RetryPolicy;
  /** Owners restored in earlier tiers, for ownerReferences. */
  owners: RestoredOwners;
  /** Why the custom resources of a CRD cannot be applied, by CRD name (see waitForEstablished). */
  unusableCrds: ReadonlyMap<string, string>;
  load(item: PlannedItem): Promise<KubeObject>;
  signal?: AbortSignal;
}

/**
 * Applies one item and says what became of it: skipped when `load` throws SkipItem; created; or,
 * when it already exists, created (an earlier attempt of this restore made it: it carries
 * RESTORE_LABEL = restoreId), skipped (policy skip, or nothing differs), updated (policy update,
 * by JSON merge patch) or failed (it exists and is being deleted). Every other failure — load, the server's refusal, a retryable answer that kept
 * coming — is a failed result with the reason.
 *
 * The label is written on update too, so a later restore can tell what it touched; the price is
 * that a retried attempt reports an object its earlier attempt updated as created (the label
 * cannot tell creating from updating). Each item is still counted once.
 *
 * Throws (ends the restore) only when `signal` aborts, with its reason, or when the API server did
 * not answer at all through the whole retry budget: that is about the server, not this item, and
 * failing every remaining item one retry budget at a time would only hide it.
 */
export async function applyItem(item: PlannedItem, context: ItemContext): Promise<ItemResult> {
  const ref: ObjectRef = { to: item.to, namespace: item.to.namespaced ? item.namespace : "", name: item.name };
  const crdProblem = context.unusableCrds.get(crdNameOf(item.to));
  if (crdProblem) return { item, outcome: "failed", message: crdProblem };

  let object: KubeObject;
  try {
    object = prepare(await context.load(item), ref, context);
  } catch (err) {
    if (context.signal?.aborted) throw context.signal.reason;
    return { item, outcome: err instanceof SkipItem ? "skipped" : "failed", message: (err as Error).message };
  }

  try {
    const created = await withRetry(() => context.writer.create(ref, object, context.signal), context.retry, context.signal);
    return { item, outcome: "created", uid: created.metadata?.uid };
  } catch (err) {
    if (isLifeboatError(err) && err.code === "ALREADY_EXISTS") return await resolveExisting(item, ref, object, context).catch((e: unknown) => failed(item, e, context));
    return failed(item, err, context);
  }
}

/** What the item becomes when an object of its name is there already. */
async function resolveExisting(item: PlannedItem, ref: ObjectRef, object: KubeObject, context: ItemContext): Promise<ItemResult> {
  const existing = await withRetry(() => context.writer.get(ref, context.signal), context.retry, context.signal);
  if (!existing) return { item, outcome: "failed", message: `${describeRef(ref)} already existed, then was deleted while it was being restored: restore it again` };
  const uid = existing.metadata?.uid;
  if (existing.metadata?.labels?.[RESTORE_LABEL] === context.restoreId) return { item, outcome: "created", uid };
  if (existing.metadata?.deletionTimestamp) {
    return { item, outcome: "failed", uid, message: `${describeRef(ref)} already exists and is being deleted (Terminating): restore it again once it is gone` };
  }
  if (context.policy === "skip") return { item, outcome: "skipped", uid, message: "already exists" };
  const patched = await withRetry(() => context.writer.mergePatch(ref, object, context.signal), context.retry, context.signal);
  if (sameApartFromRestore(existing, patched)) return { item, outcome: "skipped", uid, message: "already exists and matches the backup" };
  return { item, outcome: "updated", uid: patched.metadata?.uid ?? uid };
}

/**
 * The JSON to write: named and namespaced as planned (namespace mapping has happened by now),
 * labelled with this restore, owners pointing at their restored selves.
 */
function prepare(loaded: KubeObject, ref: ObjectRef, context: ItemContext): KubeObject {
  const metadata: KubeObject["metadata"] = { ...loaded.metadata, name: ref.name, labels: { ...loaded.metadata?.labels, [RESTORE_LABEL]: context.restoreId } };
  if (ref.namespace) metadata.namespace = ref.namespace;
  else delete metadata.namespace;
  return context.owners.rewrite({ ...loaded, metadata }, ref.namespace);
}

/** Whether a merge patch changed nothing but what a write always changes, and the restore's own label. */
function sameApartFromRestore(before: KubeObject, after: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { resourceVersion: _rv, managedFields: _mf, labels, ...metadata } = o.metadata ?? {};
    const { [RESTORE_LABEL]: _own, ...otherLabels } = labels ?? {};
    return { ...o, metadata: { ...metadata, labels: otherLabels } };
  };
  return stringify(strip(before)) === stringify(strip(after));
}

/** A failed result with the reason, or the error itself when it ends the restore (see applyItem). */
function failed(item: PlannedItem, err: unknown, context: ItemContext): ItemResult {
  if (context.signal?.aborted) throw context.signal.reason;
  if (isUnanswered(err)) throw err;
  return { item, outcome: "failed", message: (err as Error).message };
}

/** No HTTP answer at all (refused, reset, timed out), as opposed to an answer that refuses. */
export function isUnanswered(err: unknown): boolean {
  return isLifeboatError(err) && err.code === "UNAVAILABLE" && statusOf(err) === undefined;
}
