// The shapes the restore pipeline's stages pass to each other. The pipeline plans on item headers
// (names and content ids from the backup's item index) and reads each item's JSON only when it
// is about to be applied, so memory holds the plan, not the backup:
//
//   read manifest → filter → choose version → order into tiers → per item: load JSON → convert →
//   sanitize → transform → apply (existing-resource policy) → restore hooks → results
import type { BackupItem } from "@lifeboat/shared/repo";
import type { BackupResource } from "../backup/resources.js";

/** A Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** A resource as the target cluster serves it (from discovery, as the backup reads it). */
export type TargetResource = Omit<BackupResource, "shortNames">;

/** Which stored JSON of an item is read: one of the item's `versions` in the backup. */
export interface StoredVersion {
  group: string;
  resource: string;
  version: string;
  content: BackupItem["content"];
}

/** A resource in one version: what an item is applied as. */
export interface AppliedAs {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

/**
 * One item of the plan: where it comes from in the backup, which stored JSON is read, and what it
 * is applied as in the target. No JSON yet.
 */
export interface PlannedItem {
  source: BackupItem;
  /** The stored version whose JSON is read. */
  from: StoredVersion;
  /** What it is applied as; differs from `from` when a conversion is needed. */
  to: AppliedAs;
  /** The namespace in the target ("" when cluster-scoped), after namespace mapping. */
  namespace: string;
  name: string;
  /** "ingresses.extensions/v1beta1 -> networking.k8s.io/v1" when `from` is converted to `to`. */
  conversion?: string;
}

/** What became of one item (RestoreItemOutcome without its enum, so stages stay proto-free). */
export type ItemOutcome = "created" | "updated" | "skipped" | "failed";

export interface ItemResult {
  item: PlannedItem;
  outcome: ItemOutcome;
  /** Why it failed or was skipped (the API server's reason, or the missing version). */
  message?: string;
  /** The object's UID in the target, when it was created, updated or found. */
  uid?: string;
}

/** Labels every restored object gets, so a retried attempt recognises its own work. */
export const RESTORE_LABEL = "lifeboat.io/restore";
export const BACKUP_LABEL = "lifeboat.io/backup";

/**
 * Thrown by the pipeline's `load` for an item that is not restored after all (its JSON shows it
 * is a service-account token, or its labels do not match): the item ends "skipped" with the
 * message, not "failed".
 */
export class SkipItem extends Error {
  override readonly name = "SkipItem";
}
