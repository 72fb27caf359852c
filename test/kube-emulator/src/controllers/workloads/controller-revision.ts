import type { JsonObject, JsonValue, KubeObject } from "../../api-types.js";
import { StatusError } from "../../http/status-error.js";
import { labelSelectorFromObject, type LabelSelectorObject } from "../../selectors/index.js";
import type { ControllerClient } from "../client.js";
import { controllerOf, controllerRef } from "./owner-refs.js";
import { claimObjects } from "./pod-claims.js";
import { safeEncodeString } from "./pod-template-hash.js";

/** Where ControllerRevisions are stored. */
export const revisionsKey = "apps/controllerrevisions";
/** The pod label naming the revision a pod was made from (apps.ControllerRevisionHashLabelKey). */
export const controllerRevisionHashLabel = "controller-revision-hash";
/** The label history.NewControllerRevision puts on every revision. */
export const revisionHashLabel = "controller.kubernetes.io/hash";

/** JSON with object keys sorted, so equal objects hash and compare equal whatever their key order. */
export function stableJson(value: JsonValue | undefined): string {
  if (value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1 (hash/fnv New32) or FNV-1a (New32a) over bytes. */
export function fnv32(bytes: Uint8Array, variant: "1" | "1a", seed = FNV_OFFSET): number {
  let hash = seed >>> 0;
  for (const b of bytes) {
    if (variant === "1a") hash = Math.imul(hash ^ b, FNV_PRIME) >>> 0;
    else hash = (Math.imul(hash, FNV_PRIME) ^ b) >>> 0;
  }
  return hash >>> 0;
}

/** history.HashControllerRevision: FNV-1 of the revision's data, then the collision count in decimal. */
export function revisionDataHash(data: JsonValue, collisionCount?: number): string {
  let hash = fnv32(Buffer.from(stableJson(data)), "1");
  if (collisionCount !== undefined) hash = fnv32(Buffer.from(String(collisionCount)), "1", hash);
  return safeEncodeString(String(hash));
}

/**
 * The patch a StatefulSet or DaemonSet revision stores (getPatch in both controllers): the
 * pod template, marked to replace the live one when the revision is rolled back to.
 */
export function templatePatch(template: JsonValue | undefined): JsonObject {
  const t = template !== null && typeof template === "object" && !Array.isArray(template) ? template : {};
  return { spec: { template: { ...structuredClone(t), $patch: "replace" } } };
}

/** history.ControllerRevisionName: "<parent>-<hash>", the parent's name cut to keep it under 253 characters. */
export function controllerRevisionName(parent: string, hash: string): string {
  return `${parent.length > 223 ? parent.slice(0, 223) : parent}-${hash}`;
}

export function revisionNumber(rev: KubeObject): number {
  return typeof rev.revision === "number" ? rev.revision : 0;
}

/** history.SortControllerRevisions: by revision number, then creation time, then name. */
export function sortRevisions(revisions: KubeObject[]): KubeObject[] {
  return [...revisions].sort(
    (a, b) =>
      revisionNumber(a) - revisionNumber(b) ||
      String(a.metadata.creationTimestamp ?? "").localeCompare(String(b.metadata.creationTimestamp ?? "")) ||
      String(a.metadata.name).localeCompare(String(b.metadata.name)),
  );
}

/** The revisions an owner controls, oldest first, after claiming orphans as ClaimControllerRevisions does. */
export function claimRevisions(client: ControllerClient, owner: KubeObject, ownerKey: string, selector: LabelSelectorObject | undefined): KubeObject[] {
  const { claimed } = claimObjects(
    { client, owner, ownerKey, storageKey: revisionsKey, selector: labelSelectorFromObject(selector) },
    client.list(revisionsKey, owner.metadata.namespace ?? ""),
  );
  return sortRevisions(claimed);
}

export interface RevisionNaming {
  /** The hash of a revision's data, with a collision count when one has been needed. */
  hash(data: JsonObject, collisionCount: number | undefined): string;
  /** The revision's labels given its hash (the template's labels and a hash label). */
  labels(hash: string): Record<string, string>;
}

export interface RevisionSync {
  /** Every revision the owner controls, oldest first, the update revision included. */
  revisions: KubeObject[];
  /** The revision matching the owner's current template. */
  update: KubeObject;
  collisionCount: number | undefined;
}

/**
 * Finds or makes the revision of an owner's current template, as the StatefulSet's
 * getStatefulSetRevisions and the DaemonSet's constructHistory do: an equal revision that is
 * not the newest is renumbered to become the newest (a rollback); otherwise a new one is
 * created, counting a collision when its name is taken by different data.
 */
export function syncUpdateRevision(
  client: ControllerClient,
  owner: KubeObject,
  revisions: KubeObject[],
  data: JsonObject,
  naming: RevisionNaming,
  collisionCount: number | undefined,
): RevisionSync {
  const next = revisions.reduce((max, r) => Math.max(max, revisionNumber(r)), 0) + 1;
  const wanted = stableJson(data);
  const equal = revisions.filter((r) => stableJson(r.data as JsonValue) === wanted);
  if (equal.length > 0) {
    const newest = equal[equal.length - 1]!;
    if (newest === revisions[revisions.length - 1]) return { revisions, update: newest, collisionCount };
    const renumbered = client.update(revisionsKey, { ...newest, revision: next });
    return { revisions: sortRevisions(revisions.map((r) => (r === newest ? renumbered : r))), update: renumbered, collisionCount };
  }
  let count = collisionCount;
  for (;;) {
    const hash = naming.hash(data, count);
    const name = controllerRevisionName(owner.metadata.name ?? "", hash);
    const revision: KubeObject = {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: { name, namespace: owner.metadata.namespace ?? "", labels: naming.labels(hash), ownerReferences: [controllerRef(owner)] },
      data: structuredClone(data),
      revision: next,
    };
    try {
      const created = client.create(revisionsKey, revision);
      return { revisions: [...revisions, created], update: created, collisionCount: count };
    } catch (err) {
      if (!(err instanceof StatusError) || err.code !== 409) throw err;
      const existing = client.get(revisionsKey, owner.metadata.namespace ?? "", name);
      if (existing && controllerOf(existing)?.uid === owner.metadata.uid && stableJson(existing.data as JsonValue) === wanted) {
        return { revisions: sortRevisions([...revisions.filter((r) => r.metadata.name !== name), existing]), update: existing, collisionCount: count };
      }
      count = (count ?? 0) + 1;
    }
  }
}

/**
 * Deletes the oldest revisions no pod, current or update revision uses beyond the owner's
 * revisionHistoryLimit (truncateHistory / cleanupHistory).
 */
export function truncateHistory(client: ControllerClient, revisions: KubeObject[], live: Set<string>, limit: number): void {
  const dead = revisions.filter((r) => !live.has(r.metadata.name ?? ""));
  for (const rev of dead.slice(0, Math.max(0, dead.length - limit))) {
    try {
      client.delete(revisionsKey, rev);
    } catch (err) {
      if (!(err instanceof StatusError) || err.code !== 404) throw err;
    }
  }
}
