import type { JsonObject, KubeObject } from "../../api-types.js";
import { annBetaStorageClass } from "../storage/storage-names.js";
import type { PodRejection } from "./fit-error.js";

/**
 * The pod side of the scheduler's VolumeBinding plugin (pkg/scheduler/framework/plugins/
 * volumebinding): which claims a pod uses, whether it can be scheduled at all while they
 * are missing or unbound, which volumes restrict its nodes, and which claims wait for the
 * scheduler's choice of node (WaitForFirstConsumer).
 */

export interface PodClaim {
  name: string;
  /** A generic ephemeral volume's claim, `<pod>-<volume>`, made by the ephemeral volume controller. */
  ephemeral: boolean;
}

export interface VolumeLookup {
  claim(namespace: string, name: string): KubeObject | undefined;
  volume(name: string): KubeObject | undefined;
  storageClass(name: string): KubeObject | undefined;
}

export interface DelayedClaim {
  claim: KubeObject;
  storageClass: KubeObject;
}

export type VolumeCheck =
  | { rejection: PodRejection }
  | {
      /** PersistentVolumes of the pod's bound claims, whose node affinity the node must meet. */
      boundVolumes: KubeObject[];
      /** Unbound claims whose class binds WaitForFirstConsumer. */
      delayed: DelayedClaim[];
    };

const asObject = (v: unknown): JsonObject => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {});

export function podClaims(pod: KubeObject): PodClaim[] {
  const volumes = asObject(pod.spec).volumes;
  const claims: PodClaim[] = [];
  for (const v of Array.isArray(volumes) ? (volumes as JsonObject[]) : []) {
    const pvc = asObject(v).persistentVolumeClaim;
    if (pvc && typeof asObject(pvc).claimName === "string") claims.push({ name: String(asObject(pvc).claimName), ephemeral: false });
    else if (asObject(v).ephemeral) claims.push({ name: `${pod.metadata.name ?? ""}-${String(v.name)}`, ephemeral: true });
  }
  return claims;
}

/** storagehelpers.GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName. */
export function claimClassName(claim: KubeObject): string {
  const annotated = claim.metadata.annotations?.[annBetaStorageClass];
  if (annotated !== undefined) return annotated;
  const name = asObject(claim.spec).storageClassName;
  return typeof name === "string" ? name : "";
}

export function claimVolumeName(claim: KubeObject): string {
  const name = asObject(claim.spec).volumeName;
  return typeof name === "string" ? name : "";
}

/** VolumeBinding's PreFilter over the pod's claims. */
export function checkPodVolumes(pod: KubeObject, lookup: VolumeLookup): VolumeCheck {
  const namespace = pod.metadata.namespace ?? "";
  const boundVolumes: KubeObject[] = [];
  const delayed: DelayedClaim[] = [];
  let unboundImmediate = false;
  for (const { name, ephemeral } of podClaims(pod)) {
    const claim = lookup.claim(namespace, name);
    if (!claim) {
      const message = ephemeral
        ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${name}"`
        : `persistentvolumeclaim "${name}" not found`;
      return { rejection: { message, basicCheck: true } };
    }
    if (claim.metadata.deletionTimestamp) return { rejection: { message: `persistentvolumeclaim "${name}" is being deleted`, basicCheck: true } };
    const volumeName = claimVolumeName(claim);
    if (volumeName !== "") {
      const volume = lookup.volume(volumeName);
      if (!volume) return { rejection: { message: `persistentvolume "${volumeName}" not found`, basicCheck: true } };
      boundVolumes.push(volume);
      continue;
    }
    const className = claimClassName(claim);
    const storageClass = className === "" ? undefined : lookup.storageClass(className);
    if (className !== "" && !storageClass) return { rejection: { message: `storageclass.storage.k8s.io "${className}" not found`, basicCheck: true } };
    if (storageClass?.volumeBindingMode === "WaitForFirstConsumer") delayed.push({ claim, storageClass });
    else unboundImmediate = true;
  }
  if (unboundImmediate) return { rejection: { message: "pod has unbound immediate PersistentVolumeClaims", basicCheck: false } };
  return { boundVolumes, delayed };
}

/** A claim the PV controller has bound: it names its volume and says Bound. */
export function isClaimBound(claim: KubeObject): boolean {
  return claimVolumeName(claim) !== "" && asObject(claim.status).phase === "Bound";
}
