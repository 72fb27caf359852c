import type { KubeObject } from "../../api-types.js";
import { defaultStorageClasses } from "../../api/defaults/default-storage-class.js";
import type { StoredEvent } from "../../store/index.js";
import type { ControllerContext } from "../controller.js";
import type { EventType } from "../events.js";
import {
  checkVolumeSatisfyClaim,
  claimClass,
  claimHasClass,
  claimKey,
  claimRefOf,
  findBestMatchForClaim,
  isVolumeBoundToClaim,
  volumeClass,
  volumeModeMismatch,
} from "./claim-matching.js";
import { component, phaseOf, specOf, updateClaimStatus, updateClaimStatusWithEvent, updateVolumePhase, updateVolumePhaseWithEvent } from "./phase-status.js";
import { claimBoundTo, hasAnnotation, volumeBoundTo, volumeNameOf, volumeUnbound } from "./binding-changes.js";
import { RetryingQueue } from "./retrying-queue.js";
import { claimKeysOfPod, type StorageIndex } from "./storage-index.js";
import type { VolumeDirectories } from "./volume-directories.js";
import {
  annBetaStorageProvisioner,
  annBindCompleted,
  annBoundByController,
  annDynamicallyProvisioned,
  annSelectedNode,
  annStorageProvisioner,
  claimsKey,
  classesKey,
  inTreeProvisioners,
  podsKey,
  volumesKey,
} from "./storage-names.js";

const keyOf = (claim: KubeObject): string => claimKey(claim.metadata.namespace ?? "", claim.metadata.name ?? "");

/**
 * The PersistentVolume controller (pkg/controller/volume/persistentvolume/pv_controller.go):
 * binds claims to volumes (pre-bound either way, or the smallest matching Available volume),
 * asks the class's external provisioner for a volume when none matches, keeps the phases
 * of both sides, and applies a volume's reclaim policy once its claim is gone. The state
 * machine follows syncClaim/syncVolume branch for branch; where it waits for the 15 s
 * resync upstream, this one is woken by the event that makes progress possible instead.
 */
export class PersistentVolumeBinder {
  private readonly claims: RetryingQueue<string>;
  private readonly volumes: RetryingQueue<string>;
  /** The last event told about each claim (by uid), so a repeated sync does not repeat it. */
  private readonly told = new Map<string, string>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly index: StorageIndex,
    private readonly directories: VolumeDirectories,
  ) {
    this.claims = new RetryingQueue((key) => this.syncClaim(key), (key, err) => ctx.log(`${component}: claim ${key}: ${String(err)}`));
    this.volumes = new RetryingQueue((name) => this.syncVolume(name), (name, err) => ctx.log(`${component}: volume ${name}: ${String(err)}`));
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const volume of store.list(volumesKey).items) this.volumes.add(volume.metadata.name ?? "");
    for (const claim of store.list(claimsKey).items) this.claims.add(keyOf(claim));
  }

  stop(): void {
    this.claims.stop();
    this.volumes.stop();
  }

  observe(event: StoredEvent): void {
    const { object, previous } = event;
    switch (event.storageKey) {
      case claimsKey:
        if (event.type === "DELETED") {
          this.told.delete(object.metadata.uid ?? "");
          for (const name of this.index.volumesClaiming(keyOf(object))) this.volumes.add(name);
          if (volumeNameOf(object)) this.volumes.add(volumeNameOf(object));
        } else {
          this.claims.add(keyOf(object));
        }
        return;
      case volumesKey: {
        const name = object.metadata.name ?? "";
        const ref = claimRefOf(object);
        if (event.type === "DELETED") {
          this.directories.forget(name);
          if (ref) this.claims.add(claimKey(ref.namespace ?? "", ref.name ?? ""));
          return;
        }
        this.volumes.add(name);
        // Claims waiting for this volume: named by its claimRef, naming it, or (once it is
        // Available) any unbound claim of its class.
        if (ref && (!previous || JSON.stringify(claimRefOf(previous)) !== JSON.stringify(ref))) this.claims.add(claimKey(ref.namespace ?? "", ref.name ?? ""));
        const becameAvailable = phaseOf(object) === "Available" && (!previous || phaseOf(previous) !== "Available");
        if (!previous || becameAvailable) for (const key of this.index.unboundClaimsNaming(name)) this.claims.add(key);
        if (!ref && becameAvailable) for (const key of this.index.unboundClaimsOfClass(volumeClass(object))) this.claims.add(key);
        return;
      }
      case classesKey:
        if (event.type === "DELETED") return;
        for (const key of this.index.unboundClaimsOfClass(object.metadata.name ?? "")) this.claims.add(key);
        // From 1.26 a new default class is given to claims that were created without a class.
        if (this.ctx.service.minor >= 26) for (const key of this.index.unboundClaimsOfClass("")) this.claims.add(key);
        return;
      case podsKey:
        // A new pod changes what a WaitForFirstConsumer claim is waiting for.
        if (event.type === "ADDED") for (const key of claimKeysOfPod(object)) this.claims.add(key);
        return;
    }
  }

  private getClaim(key: string): KubeObject | undefined {
    const slash = key.indexOf("/");
    return this.ctx.service.store.get(claimsKey, key.slice(0, slash), key.slice(slash + 1));
  }

  private getVolume(name: string): KubeObject | undefined {
    return this.ctx.service.store.get(volumesKey, "", name);
  }

  private syncClaim(key: string): void {
    const claim = this.getClaim(key);
    if (!claim) return;
    if (hasAnnotation(claim, annBindCompleted)) this.syncBoundClaim(claim);
    else this.syncUnboundClaim(claim);
  }

  private syncUnboundClaim(claim: KubeObject): void {
    const volumeName = volumeNameOf(claim);
    if (volumeName === "") {
      const delayBinding = this.isDelayBindingMode(claim);
      const volume = findBestMatchForClaim(claim, this.index.candidateVolumes(claim), delayBinding);
      if (volume) {
        this.bind(volume, claim);
        return;
      }
      if (this.assignDefaultStorageClass(claim)) return;
      if (delayBinding && !hasAnnotation(claim, annSelectedNode)) {
        this.tellWaitingForConsumer(claim);
      } else if (claimClass(claim) !== "") {
        this.provisionClaim(claim);
        return;
      } else {
        this.tell(claim, "Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set");
      }
      updateClaimStatus(this.ctx, claim, "Pending");
      return;
    }
    const volume = this.getVolume(volumeName);
    if (!volume) {
      // The claim asks for a volume that does not exist (yet): it waits, Pending.
      updateClaimStatus(this.ctx, claim, "Pending");
      return;
    }
    if (!claimRefOf(volume)) {
      const mismatch = checkVolumeSatisfyClaim(volume, claim);
      if (mismatch) {
        this.tell(claim, "Warning", "VolumeMismatch", `Cannot bind to requested volume "${volumeName}": ${mismatch}`);
        updateClaimStatus(this.ctx, claim, "Pending");
      } else {
        this.bind(volume, claim);
      }
    } else if (isVolumeBoundToClaim(volume, claim)) {
      this.bind(volume, claim);
    } else {
      // The volume's claimRef names another claim, or this claim's name with another uid:
      // a claim restored from another cluster onto a volume restored with its old claimRef
      // lands here and stays Pending until the volume's claimRef is cleared or fixed.
      this.tell(claim, "Warning", "FailedBinding", `volume "${volumeName}" already bound to a different claim.`);
      if (hasAnnotation(claim, annBoundByController)) {
        throw new Error(`invalid binding of claim "${keyOf(claim)}" to volume "${volumeName}": volume already claimed by "${claimRefKey(volume)}"`);
      }
      updateClaimStatus(this.ctx, claim, "Pending");
    }
  }

  private syncBoundClaim(claim: KubeObject): void {
    const volumeName = volumeNameOf(claim);
    if (volumeName === "") {
      updateClaimStatusWithEvent(this.ctx, claim, "Lost", "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!");
      return;
    }
    const volume = this.getVolume(volumeName);
    if (!volume) {
      updateClaimStatusWithEvent(this.ctx, claim, "Lost", "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
      return;
    }
    const ref = claimRefOf(volume);
    if (!ref || ref.uid === claim.metadata.uid) {
      this.bind(volume, claim);
    } else {
      updateClaimStatusWithEvent(this.ctx, claim, "Lost", "ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly");
    }
  }

  private syncVolume(name: string): void {
    let volume = this.getVolume(name);
    if (!volume) return;
    this.ensureDirectory(volume);
    const ref = claimRefOf(volume);
    if (!ref || !ref.uid) {
      // Unused, or reserved for a claim that has not bound yet (the claim's sync binds it).
      updateVolumePhase(this.ctx, volume, "Available");
      return;
    }
    let claim = this.getClaim(claimKey(ref.namespace ?? "", ref.name ?? ""));
    // A claim of that name with another uid is a new claim: the one the volume was bound to is gone.
    if (claim && claim.metadata.uid !== ref.uid) claim = undefined;
    if (!claim) {
      if (phaseOf(volume) !== "Released" && phaseOf(volume) !== "Failed") volume = updateVolumePhase(this.ctx, volume, "Released");
      this.reclaimVolume(volume);
      return;
    }
    const claimVolume = volumeNameOf(claim);
    if (claimVolume === "") {
      if (volumeModeMismatch(claim, volume)) {
        this.ctx.events.record(component, volume, "Warning", "VolumeMismatch", `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata.name ?? ""}" due to incompatible volumeMode.`);
        this.tell(claim, "Warning", "VolumeMismatch", `Cannot bind PersistentVolume "${name}" to requested PersistentVolumeClaim due to incompatible volumeMode.`);
        return;
      }
      // Bound on the volume's side only (a provisioned volume, or a binding half done):
      // the claim's sync finishes it.
      this.claims.add(keyOf(claim));
    } else if (claimVolume === name) {
      updateVolumePhase(this.ctx, volume, "Bound");
    } else if (hasAnnotation(volume, annDynamicallyProvisioned) && specOf(volume).persistentVolumeReclaimPolicy === "Delete") {
      // Provisioned for this claim, which went to another volume: not needed any more.
      if (phaseOf(volume) !== "Released" && phaseOf(volume) !== "Failed") volume = updateVolumePhase(this.ctx, volume, "Released");
      this.reclaimVolume(volume);
    } else {
      this.unbindVolume(volume);
    }
  }

  /** Each volume's data lives in its own directory; static volumes get theirs when first seen. */
  private ensureDirectory(volume: KubeObject): void {
    if (!volume.metadata.deletionTimestamp) this.directories.ensure(volume.metadata.name ?? "");
  }

  private isDelayBindingMode(claim: KubeObject): boolean {
    const className = claimClass(claim);
    if (className === "") return false;
    const storageClass = this.ctx.service.store.get(classesKey, "", className);
    return storageClass?.volumeBindingMode === "WaitForFirstConsumer";
  }

  /** RetroactiveDefaultStorageClass (on from 1.26): a claim created before any default class existed gets it now. */
  private assignDefaultStorageClass(claim: KubeObject): boolean {
    if (this.ctx.service.minor < 26 || claimHasClass(claim)) return false;
    const defaultClass = defaultStorageClasses(this.ctx.service.store)[0];
    if (!defaultClass) return false;
    this.ctx.client.update(claimsKey, { ...claim, spec: { ...specOf(claim), storageClassName: defaultClass.metadata.name ?? "" } });
    return true;
  }

  private tellWaitingForConsumer(claim: KubeObject): void {
    const waiting = this.index
      .podsUsing(keyOf(claim))
      .filter((pod) => !isPodTerminated(pod) && !specOf(pod).nodeName)
      .map((pod) => pod.metadata.name ?? "")
      .sort();
    if (waiting.length === 0) this.tell(claim, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
    else if (waiting.length === 1) this.tell(claim, "Normal", "WaitForPodScheduled", `waiting for pod ${waiting[0]} to be scheduled`);
    else this.tell(claim, "Normal", "WaitForPodScheduled", `waiting for pods ${waiting.join(",")} to be scheduled`);
  }

  /**
   * provisionClaim: annotate the claim with the class's provisioner's name so that it takes
   * the claim (setClaimProvisioner), and for an external provisioner say so. Of the in-tree
   * plugins only aws-ebs and gce-pd provision here (the volume provisioner plays them).
   */
  private provisionClaim(claim: KubeObject): void {
    const className = claimClass(claim);
    const storageClass = this.ctx.service.store.get(classesKey, "", className);
    if (!storageClass) {
      this.tell(claim, "Warning", "ProvisioningFailed", `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    const provisioner = String(storageClass.provisioner ?? "");
    const inTree = inTreeProvisioners.has(provisioner);
    if (provisioner.startsWith("kubernetes.io/") && !inTree) {
      // No other in-tree volume plugin provisions here (kubernetes.io/no-provisioner included).
      this.tell(claim, "Warning", "ProvisioningFailed", `no volume plugin matched name: ${provisioner}`);
      return;
    }
    const annotations = { ...claim.metadata.annotations };
    let dirty = false;
    // The GA annotation joined the beta one in 1.23.
    for (const name of this.ctx.service.minor >= 23 ? [annBetaStorageProvisioner, annStorageProvisioner] : [annBetaStorageProvisioner]) {
      if (annotations[name] !== provisioner) {
        annotations[name] = provisioner;
        dirty = true;
      }
    }
    const annotated = dirty ? this.ctx.client.update(claimsKey, { ...claim, metadata: { ...claim.metadata, annotations } }) : claim;
    if (inTree) return;
    this.tell(annotated, "Normal", "ExternalProvisioning", externalProvisioningMessage(provisioner, this.ctx.service.minor));
  }

  /** bind: the volume's claimRef, the volume's phase, the claim's volumeName, the claim's status, in that order. */
  private bind(volume: KubeObject, claim: KubeObject): void {
    let v = this.bindVolumeToClaim(volume, claim);
    v = updateVolumePhase(this.ctx, v, "Bound");
    const c = this.bindClaimToVolume(claim, v);
    updateClaimStatus(this.ctx, c, "Bound", v);
  }

  private bindVolumeToClaim(volume: KubeObject, claim: KubeObject): KubeObject {
    const next = volumeBoundTo(volume, claim);
    return next === volume ? volume : this.ctx.client.update(volumesKey, next);
  }

  private bindClaimToVolume(claim: KubeObject, volume: KubeObject): KubeObject {
    const next = claimBoundTo(claim, volume);
    return next === claim ? claim : this.ctx.client.update(claimsKey, next);
  }

  /** unbindVolume: a controller binding is undone entirely; a user's pre-binding keeps its name and loses the uid. */
  private unbindVolume(volume: KubeObject): void {
    updateVolumePhase(this.ctx, this.ctx.client.update(volumesKey, volumeUnbound(volume)), "Available");
  }

  /** reclaimVolume: what the volume's reclaim policy does once its claim is gone. */
  private reclaimVolume(volume: KubeObject): void {
    switch (specOf(volume).persistentVolumeReclaimPolicy) {
      case "Retain":
        return;
      case "Recycle":
        // The recycler is a pod that scrubs the volume; none runs here, as on a cluster
        // whose volume plugin has no recycler.
        updateVolumePhaseWithEvent(this.ctx, volume, "Failed", "Warning", "VolumeFailedRecycle", "No recycler plugin found for the volume!");
        return;
      case "Delete":
        this.deleteVolume(volume);
        return;
      default:
        updateVolumePhaseWithEvent(this.ctx, volume, "Failed", "Warning", "VolumeUnknownReclaimPolicy", "Volume has unrecognized PersistentVolumeReclaimPolicy");
    }
  }

  /**
   * deleteVolumeOperation: a volume an external provisioner made is left for it to delete
   * (the CSI provisioners do, for their own), and so is one of the in-tree aws-ebs and
   * gce-pd plugins (the volume provisioner plays them); no other plugin deletes anything here.
   */
  private deleteVolume(volume: KubeObject): void {
    if (volume.metadata.deletionTimestamp || !this.isVolumeReleased(volume)) return;
    const provisionedBy = volume.metadata.annotations?.[annDynamicallyProvisioned] ?? "";
    if (provisionedBy !== "" && (!provisionedBy.startsWith("kubernetes.io/") || inTreeProvisioners.has(provisionedBy))) return;
    const why = provisionedBy !== "" ? "no deletable volume plugin matched" : `error getting deleter volume plugin for volume "${volume.metadata.name ?? ""}": no deletable volume plugin matched`;
    updateVolumePhaseWithEvent(this.ctx, volume, "Failed", "Warning", "VolumeFailedDelete", why);
  }

  /** isVolumeReleased: bound by uid to a claim that is gone or bound to another volume. */
  private isVolumeReleased(volume: KubeObject): boolean {
    const ref = claimRefOf(volume);
    if (!ref?.uid) return false;
    const claim = this.getClaim(claimKey(ref.namespace ?? "", ref.name ?? ""));
    if (claim && claim.metadata.uid === ref.uid) {
      const claimVolume = volumeNameOf(claim);
      return claimVolume !== "" && claimVolume !== volume.metadata.name;
    }
    return true;
  }

  /** Records an event about a claim unless it is the one last recorded about it. */
  private tell(claim: KubeObject, type: EventType, reason: string, message: string): void {
    const uid = claim.metadata.uid ?? "";
    const said = `${type}\n${reason}\n${message}`;
    if (this.told.get(uid) === said) return;
    this.told.set(uid, said);
    this.ctx.events.record(component, claim, type, reason, message);
  }
}

function claimRefKey(volume: KubeObject): string {
  const ref = claimRefOf(volume);
  return claimKey(ref?.namespace ?? "", ref?.name ?? "");
}

/** volumeutil.IsPodTerminated, as far as the emulator's pods show it: the pod has finished. */
function isPodTerminated(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return phase === "Succeeded" || phase === "Failed";
}

/** The ExternalProvisioning event; its wording changed in 1.28 (kubernetes#116821). */
function externalProvisioningMessage(provisioner: string, minor: number): string {
  return minor >= 28
    ? `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`
    : `waiting for a volume to be created, either by external provisioner "${provisioner}" or manually created by system administrator`;
}
