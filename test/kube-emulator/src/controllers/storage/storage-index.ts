import type { JsonObject, KubeObject } from "../../api-types.js";
import type { ObjectStore, StoredEvent } from "../../store/index.js";
import { claimClass, claimKey, claimRefOf, volumeClass } from "./claim-matching.js";
import { annBindCompleted, claimsKey, podsKey, volumesKey } from "./storage-names.js";

/**
 * The storage controllers' informer indexes, kept from store events so that no event
 * lists every volume, claim or pod: volumes by the claim they name and unclaimed ones by
 * class (the PV controller's candidates), claims not bound yet by class and by the volume
 * they ask for (who to wake when a volume or class appears), and pods by the claims they
 * mount (upstream's PodPVCIndex).
 */
export class StorageIndex {
  private readonly volumesByClaim = new Multimap();
  private readonly unclaimedVolumesByClass = new Multimap();
  private readonly unboundClaimsByClass = new Multimap();
  private readonly unboundClaimsByVolume = new Multimap();
  private readonly podsByClaim = new Multimap();

  constructor(private readonly store: ObjectStore) {}

  /** Indexes what the store already holds (controllers may start after objects exist). */
  load(): void {
    for (const volume of this.store.list(volumesKey).items) this.addVolume(volume);
    for (const claim of this.store.list(claimsKey).items) this.addClaim(claim);
    for (const pod of this.store.list(podsKey).items) this.addPod(pod);
  }

  observe(event: StoredEvent): void {
    const { storageKey, previous, object } = event;
    if (storageKey === volumesKey) {
      if (previous) this.removeVolume(previous);
      if (event.type !== "DELETED") this.addVolume(object);
    } else if (storageKey === claimsKey) {
      if (previous) this.removeClaim(previous);
      if (event.type !== "DELETED") this.addClaim(object);
    } else if (storageKey === podsKey && event.type !== "MODIFIED") {
      // A pod's volumes never change; only its arrival and departure move the index.
      if (event.type === "DELETED") this.removePod(object);
      else this.addPod(object);
    }
  }

  /** The volumes a claim may bind to: those whose claimRef names it, and the unclaimed ones of its class. */
  candidateVolumes(claim: KubeObject): KubeObject[] {
    const key = claimKey(claim.metadata.namespace ?? "", claim.metadata.name ?? "");
    const names = [...this.volumesByClaim.get(key), ...this.unclaimedVolumesByClass.get(claimClass(claim))];
    return names.map((n) => this.store.get(volumesKey, "", n)).filter((v): v is KubeObject => v !== undefined);
  }

  /** Names of the volumes whose claimRef names the claim "namespace/name". */
  volumesClaiming(key: string): string[] {
    return [...this.volumesByClaim.get(key)];
  }

  /** Keys of the claims of a class that have not completed binding. */
  unboundClaimsOfClass(className: string): string[] {
    return [...this.unboundClaimsByClass.get(className)];
  }

  /** Keys of the claims not bound yet that ask for this volume by spec.volumeName. */
  unboundClaimsNaming(volumeName: string): string[] {
    return [...this.unboundClaimsByVolume.get(volumeName)];
  }

  /** The pods of the claim's namespace that mount it, directly or as a generic ephemeral volume. */
  podsUsing(key: string): KubeObject[] {
    const namespace = key.slice(0, key.indexOf("/"));
    return [...this.podsByClaim.get(key)].map((n) => this.store.get(podsKey, namespace, n)).filter((p): p is KubeObject => p !== undefined);
  }

  private addVolume(volume: KubeObject): void {
    const ref = claimRefOf(volume);
    if (ref) this.volumesByClaim.add(claimKey(ref.namespace ?? "", ref.name ?? ""), volume.metadata.name ?? "");
    else this.unclaimedVolumesByClass.add(volumeClass(volume), volume.metadata.name ?? "");
  }

  private removeVolume(volume: KubeObject): void {
    const ref = claimRefOf(volume);
    if (ref) this.volumesByClaim.remove(claimKey(ref.namespace ?? "", ref.name ?? ""), volume.metadata.name ?? "");
    else this.unclaimedVolumesByClass.remove(volumeClass(volume), volume.metadata.name ?? "");
  }

  private addClaim(claim: KubeObject): void {
    if (claim.metadata.annotations?.[annBindCompleted] !== undefined) return;
    const key = claimKey(claim.metadata.namespace ?? "", claim.metadata.name ?? "");
    this.unboundClaimsByClass.add(claimClass(claim), key);
    const volumeName = (claim.spec as JsonObject | undefined)?.volumeName;
    if (typeof volumeName === "string" && volumeName !== "") this.unboundClaimsByVolume.add(volumeName, key);
  }

  private removeClaim(claim: KubeObject): void {
    const key = claimKey(claim.metadata.namespace ?? "", claim.metadata.name ?? "");
    this.unboundClaimsByClass.remove(claimClass(claim), key);
    const volumeName = (claim.spec as JsonObject | undefined)?.volumeName;
    if (typeof volumeName === "string") this.unboundClaimsByVolume.remove(volumeName, key);
  }

  private addPod(pod: KubeObject): void {
    for (const key of claimKeysOfPod(pod)) this.podsByClaim.add(key, pod.metadata.name ?? "");
  }

  private removePod(pod: KubeObject): void {
    for (const key of claimKeysOfPod(pod)) this.podsByClaim.remove(key, pod.metadata.name ?? "");
  }
}

/**
 * The claims a pod mounts, as "namespace/name": persistentVolumeClaim volumes by claimName,
 * generic ephemeral volumes by the claim the ephemeral-volume controller makes for them
 * ("<pod>-<volume>", ephemeral.VolumeClaimName).
 */
export function claimKeysOfPod(pod: KubeObject): string[] {
  const volumes = (pod.spec as JsonObject | undefined)?.volumes;
  if (!Array.isArray(volumes)) return [];
  const namespace = pod.metadata.namespace ?? "";
  const keys: string[] = [];
  for (const v of volumes) {
    if (!v || typeof v !== "object" || Array.isArray(v)) continue;
    const claim = (v.persistentVolumeClaim as JsonObject | undefined)?.claimName;
    if (typeof claim === "string") keys.push(claimKey(namespace, claim));
    else if (v.ephemeral) keys.push(claimKey(namespace, `${pod.metadata.name ?? ""}-${String(v.name)}`));
  }
  return keys;
}

/** Sets of names by key; empty sets are dropped so the maps stay as small as what they index. */
class Multimap {
  private readonly map = new Map<string, Set<string>>();
  private static readonly none: ReadonlySet<string> = new Set();

  get(key: string): ReadonlySet<string> {
    return this.map.get(key) ?? Multimap.none;
  }

  add(key: string, value: string): void {
    let set = this.map.get(key);
    if (!set) this.map.set(key, (set = new Set()));
    set.add(value);
  }

  remove(key: string, value: string): void {
    const set = this.map.get(key);
    if (!set) return;
    set.delete(value);
    if (set.size === 0) this.map.delete(key);
  }
}
