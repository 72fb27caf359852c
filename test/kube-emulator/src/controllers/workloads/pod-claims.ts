import type { KubeObject } from "../../api-types.js";
import { StatusError } from "../../http/status-error.js";
import { matchesLabels, type LabelSelector } from "../../selectors/index.js";
import type { ControllerClient } from "../client.js";
import { controllerOf, controllerRef } from "./owner-refs.js";

/** What a controller claims and with which rules. */
export interface ClaimRequest {
  client: ControllerClient;
  /** The controller that claims, as stored. */
  owner: KubeObject;
  /** Where the owner is stored ("apps/replicasets"), for the fresh look before adopting. */
  ownerKey: string;
  /** Where the claimed objects are stored ("/pods", "apps/replicasets"). */
  storageKey: string;
  selector: LabelSelector;
  /** Conditions besides the selector an object must meet to be claimed (ClaimPods' filters). */
  filter?: (obj: KubeObject) => boolean;
}

export interface ClaimResult {
  /** The objects the owner controls now, adopted ones as written. */
  claimed: KubeObject[];
  /** Adoptions and releases that failed; the caller retries on a later sync. */
  errors: Error[];
}

/**
 * The ControllerRefManager (pkg/controller/controller_ref_manager.go): of `candidates` (all
 * objects of the kind in the owner's namespace), keeps those the owner controls and whose
 * labels still match, adopts matching orphans that are not being deleted (adds the owner as
 * controller reference) unless the owner itself is going away, and releases owned objects
 * whose labels no longer match (removes the reference). Objects controlled by someone else
 * are left alone.
 */
export function claimObjects(request: ClaimRequest, candidates: KubeObject[]): ClaimResult {
  const { owner } = request;
  const claimed: KubeObject[] = [];
  const errors: Error[] = [];
  let adoptable: Error | null | undefined;
  const matches = (obj: KubeObject) => matchesLabels(request.selector, obj.metadata.labels) && (request.filter?.(obj) ?? true);
  for (const obj of candidates) {
    try {
      const ref = controllerOf(obj);
      if (ref) {
        if (ref.uid !== owner.metadata.uid) continue;
        if (matches(obj)) claimed.push(obj);
        else if (!owner.metadata.deletionTimestamp) release(request, obj);
        continue;
      }
      if (owner.metadata.deletionTimestamp || !matches(obj) || obj.metadata.deletionTimestamp) continue;
      if ((owner.metadata.namespace ?? "") !== "" && owner.metadata.namespace !== obj.metadata.namespace) continue;
      // RecheckDeletionTimestamp: adopt only for an owner that, read afresh, still exists and is not being deleted.
      adoptable ??= recheck(request);
      if (adoptable) throw new Error(`can't adopt ${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name} (${obj.metadata.uid}): ${adoptable.message}`);
      claimed.push(adopt(request, obj));
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) continue;
      errors.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  return { claimed, errors };
}

/** ClaimPods: claimObjects over the pods of the owner's namespace. */
export function claimPods(request: Omit<ClaimRequest, "storageKey">, pods: KubeObject[]): ClaimResult {
  return claimObjects({ ...request, storageKey: "/pods" }, pods);
}

function recheck({ client, owner, ownerKey }: ClaimRequest): Error | null {
  const ns = owner.metadata.namespace ?? "";
  const name = owner.metadata.name ?? "";
  const fresh = client.get(ownerKey, ns, name);
  if (!fresh || fresh.metadata.uid !== owner.metadata.uid) {
    return new Error(`original ${ns}/${name} is gone: got uid ${fresh?.metadata.uid ?? ""}, wanted ${owner.metadata.uid ?? ""}`);
  }
  if (fresh.metadata.deletionTimestamp) return new Error(`${ns}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  return null;
}

function adopt({ client, owner, storageKey }: ClaimRequest, obj: KubeObject): KubeObject {
  const refs = [...(obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid), controllerRef(owner)];
  return client.update(storageKey, { ...obj, metadata: { ...obj.metadata, ownerReferences: refs } });
}

function release({ client, owner, storageKey }: ClaimRequest, obj: KubeObject): void {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
  const { ownerReferences: _dropped, ...metadata } = obj.metadata;
  client.update(storageKey, { ...obj, metadata: refs.length > 0 ? { ...metadata, ownerReferences: refs } : metadata });
}
