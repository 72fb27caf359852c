import type { JsonObject, KubeObject } from "../../api-types.js";
import { labelSelectorFromObject, matchesLabels, type LabelSelectorObject } from "../../selectors/index.js";
import { compareQuantities } from "./quantity.js";
import { annBetaStorageClass } from "./storage-names.js";

/**
 * Which PersistentVolume a claim may bind to, as the PV controller and the scheduler decide
 * it (k8s.io/component-helpers/storage/volume/pv_helpers.go FindMatchingVolume and
 * pkg/controller/volume/persistentvolume/index.go findByClaim). Pure functions of the
 * objects, so the scheduler can use them too.
 */

const spec = (obj: KubeObject): JsonObject => (obj.spec as JsonObject | undefined) ?? {};
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/** GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName; "" is "no class". */
export function claimClass(claim: KubeObject): string {
  const annotated = claim.metadata.annotations?.[annBetaStorageClass];
  if (annotated !== undefined) return annotated;
  const name = spec(claim).storageClassName;
  return typeof name === "string" ? name : "";
}

/** PersistentVolumeClaimHasClass: a claim that set a class, even "", is not given the default one. */
export function claimHasClass(claim: KubeObject): boolean {
  if (claim.metadata.annotations?.[annBetaStorageClass] !== undefined) return true;
  const name = spec(claim).storageClassName;
  return name !== undefined && name !== null;
}

/** GetPersistentVolumeClass. */
export function volumeClass(volume: KubeObject): string {
  const annotated = volume.metadata.annotations?.[annBetaStorageClass];
  if (annotated !== undefined) return annotated;
  const name = spec(volume).storageClassName;
  return typeof name === "string" ? name : "";
}

export interface ClaimRef {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
}

export function claimRefOf(volume: KubeObject): ClaimRef | undefined {
  const ref = spec(volume).claimRef;
  return ref && typeof ref === "object" && !Array.isArray(ref) ? (ref as ClaimRef) : undefined;
}

/** "namespace/name", the key claims are queued and indexed by. */
export function claimKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * IsVolumeBoundToClaim: the volume's claimRef names the claim, and its uid, when set, is
 * the claim's. A claimRef without uid is a reservation ("pre-bound") any claim of that
 * name may take; one with another uid belongs to another claim, even a deleted one.
 */
export function isVolumeBoundToClaim(volume: KubeObject, claim: KubeObject): boolean {
  const ref = claimRefOf(volume);
  if (!ref) return false;
  if (ref.name !== claim.metadata.name || (ref.namespace ?? "") !== (claim.metadata.namespace ?? "")) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

/** CheckAccessModes: the volume offers every mode the claim asks for. */
export function checkAccessModes(claim: KubeObject, volume: KubeObject): boolean {
  const offered = new Set(strings(spec(volume).accessModes));
  return strings(spec(claim).accessModes).every((m) => offered.has(m));
}

/** CheckVolumeModeMismatches; an unset mode is Filesystem. */
export function volumeModeMismatch(claim: KubeObject, volume: KubeObject): boolean {
  const mode = (obj: KubeObject) => (typeof spec(obj).volumeMode === "string" ? (spec(obj).volumeMode as string) : "Filesystem");
  return mode(claim) !== mode(volume);
}

export function requestedStorage(claim: KubeObject): string | undefined {
  const requests = ((spec(claim).resources as JsonObject | undefined)?.requests as JsonObject | undefined) ?? {};
  return typeof requests.storage === "string" ? requests.storage : typeof requests.storage === "number" ? String(requests.storage) : undefined;
}

export function volumeCapacity(volume: KubeObject): string | undefined {
  const capacity = (spec(volume).capacity as JsonObject | undefined) ?? {};
  return typeof capacity.storage === "string" ? capacity.storage : typeof capacity.storage === "number" ? String(capacity.storage) : undefined;
}

function volumePhase(volume: KubeObject): string | undefined {
  const phase = (volume.status as JsonObject | undefined)?.phase;
  return typeof phase === "string" ? phase : undefined;
}

export interface MatchOptions {
  /**
   * The claim's class binds WaitForFirstConsumer and no node is given: only a volume
   * pre-bound to the claim is returned, unbound ones are left for the scheduler.
   */
  delayBinding: boolean;
  /** The scheduler's path: whether the volume's node affinity admits the node under consideration. */
  nodeAffinityOk?: (volume: KubeObject) => boolean;
  /** Volumes the scheduler already chose for other claims of the same pod. */
  excluded?: ReadonlySet<string>;
}

/**
 * FindMatchingVolume: a volume pre-bound to the claim if there is one with enough
 * capacity; otherwise the smallest Available volume of the claim's class with enough
 * capacity, the same volume mode and labels matching the claim's selector. Access modes
 * are the caller's (findBestMatchForClaim) except on the scheduler's path.
 */
export function findMatchingVolume(claim: KubeObject, volumes: Iterable<KubeObject>, options: MatchOptions): KubeObject | undefined {
  const requested = requestedStorage(claim);
  const requestedClass = claimClass(claim);
  const selectorObject = spec(claim).selector as LabelSelectorObject | undefined | null;
  const selector = selectorObject ? labelSelectorFromObject(selectorObject) : undefined;
  const schedulerPath = options.nodeAffinityOk !== undefined;
  let smallest: KubeObject | undefined;
  for (const volume of volumes) {
    if (options.excluded?.has(volume.metadata.name ?? "")) continue;
    const boundToClaim = isVolumeBoundToClaim(volume, claim);
    if (claimRefOf(volume) && !boundToClaim) continue;
    if (compareQuantities(volumeCapacity(volume), requested) < 0) continue;
    if (volumeModeMismatch(claim, volume)) continue;
    if (volume.metadata.deletionTimestamp) continue;
    const affinityOk = options.nodeAffinityOk?.(volume) ?? true;
    if (boundToClaim) {
      // A pre-bound volume that the node cannot reach means no match at all on that node.
      return affinityOk ? volume : undefined;
    }
    if (!schedulerPath && options.delayBinding) continue;
    // Volumes not yet Available are left alone: the controller is about to make them so,
    // and binding them now would likely meet a conflict.
    if (volumePhase(volume) !== "Available") continue;
    if (selector && !matchesLabels(selector, volume.metadata.labels)) continue;
    if (volumeClass(volume) !== requestedClass) continue;
    if (!affinityOk) continue;
    if (schedulerPath && !checkAccessModes(claim, volume)) continue;
    if (!smallest || compareQuantities(volumeCapacity(smallest), volumeCapacity(volume)) > 0) smallest = volume;
  }
  return smallest;
}

/** The PV access modes in upstream's canonical order (GetAccessModesAsString). */
const accessModeOrder = ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"];

function accessModeSet(volume: KubeObject): string[] {
  const modes = new Set(strings(spec(volume).accessModes));
  return accessModeOrder.filter((m) => modes.has(m));
}

/**
 * findBestMatchForClaim: volumes are grouped by their exact set of access modes; the
 * groups that offer every mode the claim asks for are searched fewest-modes first, so a
 * ReadWriteOnce claim takes a ReadWriteOnce volume before a larger-capability one, even a
 * smaller one of the latter. `candidates` need only hold the volumes pre-bound to the
 * claim and the unclaimed ones: any other is skipped by findMatchingVolume anyway.
 */
export function findBestMatchForClaim(claim: KubeObject, candidates: Iterable<KubeObject>, delayBinding: boolean): KubeObject | undefined {
  const wanted = strings(spec(claim).accessModes);
  const groups = new Map<string, KubeObject[]>();
  for (const volume of candidates) {
    const modes = accessModeSet(volume);
    if (!wanted.every((m) => modes.includes(m))) continue;
    const key = modes.join(",");
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(volume);
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => a.split(",").length - b.split(",").length || a.localeCompare(b));
  for (const [, volumes] of ordered) {
    const match = findMatchingVolume(claim, volumes, { delayBinding });
    if (match) return match;
  }
  return undefined;
}

/**
 * checkVolumeSatisfyClaim: why a volume a claim names in spec.volumeName cannot serve it,
 * or undefined when it can. The messages are upstream's (event VolumeMismatch).
 */
export function checkVolumeSatisfyClaim(volume: KubeObject, claim: KubeObject): string | undefined {
  if (volume.metadata.deletionTimestamp) return `the volume is marked for deletion "${volume.metadata.name ?? ""}"`;
  if (compareQuantities(volumeCapacity(volume), requestedStorage(claim)) < 0) return "requested PV is too small";
  if (volumeClass(volume) !== claimClass(claim)) return "storageClassName does not match";
  if (volumeModeMismatch(claim, volume)) return "incompatible volumeMode";
  if (!checkAccessModes(claim, volume)) return "incompatible accessMode";
  return undefined;
}

/** The claimRef a volume bound to this claim carries (reference.GetReference: kind, namespace, name, uid, apiVersion, resourceVersion). */
export function referenceTo(claim: KubeObject): JsonObject {
  return {
    kind: "PersistentVolumeClaim",
    namespace: claim.metadata.namespace ?? "",
    name: claim.metadata.name ?? "",
    uid: claim.metadata.uid ?? "",
    apiVersion: "v1",
    resourceVersion: claim.metadata.resourceVersion ?? "",
  };
}
