// Which volume data a backup copies, and how: a pure function of the backup's pods, claims,
// volumes and storage classes and the spec's VolumeOptions, so every rule is unit-tested.
import { create } from "@bufbuild/protobuf";
import { VolumeBackupPhase, VolumeBackupSchema, VolumePolicy, type VolumeBackup, type VolumeOptions } from "@lifeboat/proto";
import { podVolumeChoices } from "./pod-annotations.js";
import { driverOf, volumeSourceOf } from "./volume-source.js";

type Json = Record<string, any>;

/** A pod whose volumes are copied: the node agent of `node` reads them under the pod's uid. */
export interface VolumePod {
  namespace: string;
  name: string;
  uid: string;
  node: string;
  labels: Record<string, string>;
  containers: string[];
}

/** One volume to copy. `pod` is absent for a SNAPSHOT of a claim no running pod mounts. */
export interface PlannedVolume {
  /** "namespace/claim" for a claim, "namespace/pod/volume" for an emptyDir: the key of its parent snapshot. */
  key: string;
  namespace: string;
  pod?: VolumePod;
  /** The pod's volume name ("" without a pod). */
  volume: string;
  /** The directory name under the kubelet's plugin directory: the PV's name, or the emptyDir's. */
  dirName: string;
  claim: string;
  persistentVolume: string;
  storageClass: string;
  driver: string;
  mode: VolumePolicy.FS | VolumePolicy.SNAPSHOT;
  capacity: string;
}

export interface VolumePlanInput {
  /** The backup's pods (any phase). */
  pods: Json[];
  /** The backup's claims. */
  claims: Json[];
  volumes: ReadonlyMap<string, Json>;
  options: VolumeOptions | undefined;
}

export interface VolumePlan {
  volumes: PlannedVolume[];
  /** Skipped volumes, each with its reason. */
  skipped: VolumeBackup[];
  /** Notes for the backup's log (e.g. a SNAPSHOT fallen back to FS). */
  notes: string[];
}

export function planVolumes(input: VolumePlanInput): VolumePlan {
  const plan: VolumePlan = { volumes: [], skipped: [], notes: [] };
  const claims = new Map(input.claims.map((c) => [`${c.metadata?.namespace}/${c.metadata?.name}`, c]));
  const taken = new Set<string>();
  const pods = [...input.pods].sort((a, b) => podKey(a).localeCompare(podKey(b)));
  for (const pod of pods) {
    const running = pod.status?.phase === "Running" && typeof pod.spec?.nodeName === "string";
    const choices = podVolumeChoices(pod.metadata?.annotations);
    const volumePod: VolumePod = {
      namespace: pod.metadata?.namespace ?? "",
      name: pod.metadata?.name ?? "",
      uid: pod.metadata?.uid ?? "",
      node: pod.spec?.nodeName ?? "",
      labels: pod.metadata?.labels ?? {},
      containers: ((pod.spec?.containers ?? []) as Json[]).map((c) => String(c.name)),
    };
    for (const volume of (pod.spec?.volumes ?? []) as Json[]) {
      const name = String(volume.name ?? "");
      const base = { namespace: volumePod.namespace, pod: volumePod.name, volume: name };
      const skip = (reason: string, extra: { claim?: string } = {}): void => {
        plan.skipped.push(create(VolumeBackupSchema, { ...base, ...extra, phase: VolumeBackupPhase.SKIPPED, reason }));
      };
      const source = volumeSourceOf(volume);
      if (source.kind === "skip") {
        skip(source.reason);
        continue;
      }
      if (choices.excluded.has(name)) {
        skip(`excluded by the pod's annotation backup.lifeboat.io/exclude-volumes`, source.kind === "claim" ? { claim: source.claimName } : {});
        if (source.kind === "claim") taken.add(`${volumePod.namespace}/${source.claimName}`);
        continue;
      }
      if (source.kind === "emptyDir") {
        if (!choices.included.has(name)) skip("emptyDir volume: copied only when the pod names it in backup.lifeboat.io/include-volumes");
        else if (!running) skip(`emptyDir volume: pod ${volumePod.namespace}/${volumePod.name} is not running, so its volume directory is not on a node`);
        else plan.volumes.push({ key: volumeKeyOf(volumePod.namespace, "", volumePod.name, name), namespace: volumePod.namespace, pod: volumePod, volume: name, dirName: name, claim: "", persistentVolume: "", storageClass: "", driver: "kubernetes.io/empty-dir", mode: VolumePolicy.FS, capacity: "" });
        continue;
      }
      const claimKey = `${volumePod.namespace}/${source.claimName}`;
      if (taken.has(claimKey) || !running) continue; // another pod copies it, or the claim pass below decides
      const claim = claims.get(claimKey);
      if (!claim) continue; // not in the backup (filtered out)
      taken.add(claimKey);
      planClaim(plan, claim, input, volumePod, name);
    }
  }
  for (const [key, claim] of claims) {
    if (taken.has(key)) continue;
    planClaim(plan, claim, input, undefined, "");
  }
  return plan;
}

function planClaim(plan: VolumePlan, claim: Json, input: VolumePlanInput, pod: VolumePod | undefined, volume: string): void {
  const namespace = String(claim.metadata?.namespace ?? "");
  const claimName = String(claim.metadata?.name ?? "");
  const pvName = String(claim.spec?.volumeName ?? "");
  const pv = pvName ? input.volumes.get(pvName) : undefined;
  const storageClass = String(claim.spec?.storageClassName ?? pv?.spec?.storageClassName ?? "");
  const { driver, csi } = driverOf(pv);
  const capacity = String(claim.spec?.resources?.requests?.storage ?? "");
  const base = { namespace, pod: pod?.name ?? "", volume, claim: claimName, persistentVolume: pvName, storageClass, driver, capacity };
  const skip = (reason: string, mode = VolumePolicy.NONE): void => {
    plan.skipped.push(create(VolumeBackupSchema, { ...base, mode, phase: VolumeBackupPhase.SKIPPED, reason }));
  };
  const { policy, why } = policyOf(storageClass, input.options);
  if (policy === VolumePolicy.NONE) return skip(`volume policy NONE (${why})`);
  if (!pv || claim.status?.phase !== "Bound") return skip(`claim ${namespace}/${claimName} is not bound to a volume`, policy);
  let mode: VolumePolicy.FS | VolumePolicy.SNAPSHOT = policy === VolumePolicy.SNAPSHOT ? VolumePolicy.SNAPSHOT : VolumePolicy.FS;
  if (mode === VolumePolicy.SNAPSHOT && !csi) {
    if (!pod) return skip(`volume policy SNAPSHOT needs a CSI volume; ${pvName} is ${driver || "not a CSI volume"} and no running pod mounts it for a file copy`, mode);
    plan.notes.push(`${namespace}/${claimName}: ${pvName} is ${driver || "not a CSI volume"}, which CSI snapshots cannot take; copied file by file instead`);
    mode = VolumePolicy.FS;
  }
  if (mode === VolumePolicy.FS && !pod) return skip(`not mounted by a running pod: file copies read a pod's volume directory (volume policy SNAPSHOT copies unmounted claims)`, mode);
  plan.volumes.push({ key: volumeKeyOf(namespace, claimName, "", ""), namespace, pod, volume, dirName: pvName, claim: claimName, persistentVolume: pvName, storageClass, driver, mode, capacity });
}

function policyOf(storageClass: string, options: VolumeOptions | undefined): { policy: VolumePolicy; why: string } {
  const byClass = options?.storageClassPolicies[storageClass];
  if (byClass !== undefined && byClass !== VolumePolicy.UNSPECIFIED) return { policy: byClass, why: `storage class ${storageClass}` };
  const policy = options?.defaultPolicy ?? VolumePolicy.UNSPECIFIED;
  return { policy: policy === VolumePolicy.UNSPECIFIED ? VolumePolicy.NONE : policy, why: "the backup's default" };
}

/** "namespace/claim" for a claim's data, "namespace/pod/volume" for an emptyDir's: the key of its parent snapshot. */
export function volumeKeyOf(namespace: string, claim: string, pod: string, volume: string): string {
  return claim ? `${namespace}/${claim}` : `${namespace}/${pod}/${volume}`;
}

function podKey(pod: Json): string {
  return `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}
