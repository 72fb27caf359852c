import { randomBytes, randomInt, randomUUID } from "node:crypto";
import type { JsonObject, KubeObject } from "../../api-types.js";
import { persistentVolumeDir, snapshotDir } from "../../kubelet/volume-layout.js";
import type { StoredEvent } from "../../store/index.js";
import type { ControllerContext } from "../controller.js";
import type { EventType } from "../events.js";
import type { BackgroundWork } from "./background-work.js";
import { claimClass, claimKey, referenceTo, requestedStorage } from "./claim-matching.js";
import { provisionedSource, provisionerProfile, type ProvisionerProfile } from "./provisioned-source.js";
import { canonicalBytes } from "./quantity.js";
import { RetryingQueue } from "./retrying-queue.js";
import { resolveRestoreSource, snapshotNameOf } from "./snapshots/restore-source.js";
import { snapshotsKey } from "./snapshots/snapshot-names.js";
import { copyTree } from "./snapshots/tree-copy.js";
import type { VolumeDirectories } from "./volume-directories.js";
import {
  annBetaStorageProvisioner,
  annDynamicallyProvisioned,
  annSelectedNode,
  annStorageProvisioner,
  claimsKey,
  classesKey,
  csiDrivers,
  inTreeProvisioners,
  nodesKey,
  volumesKey,
} from "./storage-names.js";

const specOf = (obj: KubeObject): JsonObject => (obj.spec as JsonObject | undefined) ?? {};
const keyOf = (claim: KubeObject): string => claimKey(claim.metadata.namespace ?? "", claim.metadata.name ?? "");

/** Every provisioner played here: the CSI drivers' external provisioners and the in-tree aws-ebs and gce-pd plugins. */
const provisioners: ReadonlySet<string> = new Set([...csiDrivers, ...inTreeProvisioners]);

/**
 * The provisioners of the classes the emulator can serve: each CSI driver's external-provisioner
 * sidecar (kubernetes-csi/external-provisioner on sig-storage-lib-external-provisioner) and
 * the PV controller's in-tree aws-ebs and gce-pd plugins. They provision the claims the PV
 * controller annotated with their name, creating a directory as the volume (filled from a
 * VolumeSnapshot when the claim names one) and a PV `pvc-<claim uid>` pre-bound to the claim
 * (the PV controller completes the binding), and delete the directory and the PV once a
 * Delete-policy volume they made is Released.
 */
export class VolumeProvisioner {
  private readonly instance = randomUUID();
  private readonly profiles = new Map<string, ProvisionerProfile>();
  /** csi-provisioner's identity per driver, stamped on every volume it creates. */
  private readonly identities = new Map<string, string>();
  private readonly provisions: RetryingQueue<string>;
  private readonly deletions: RetryingQueue<string>;
  /** Claims whose volume directory is being made. */
  private readonly creating = new Set<string>();
  /** The last ProvisioningFailed message told about each claim (by uid), so retries do not repeat it. */
  private readonly told = new Map<string, string>();
  private stopped = false;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly directories: VolumeDirectories,
    private readonly background: BackgroundWork,
  ) {
    this.provisions = new RetryingQueue((key) => this.provision(key), (key, err) => ctx.log(`volume provisioner: claim ${key}: ${String(err)}`));
    this.deletions = new RetryingQueue((name) => this.deleteVolume(name), (name, err) => ctx.log(`volume provisioner: volume ${name}: ${String(err)}`));
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const claim of store.list(claimsKey).items) this.observeClaim(claim);
    for (const volume of store.list(volumesKey).items) this.observeVolume(volume);
  }

  stop(): void {
    this.stopped = true;
    this.provisions.stop();
    this.deletions.stop();
  }

  observe(event: StoredEvent): void {
    if (event.type === "DELETED") {
      if (event.storageKey === claimsKey) this.told.delete(event.object.metadata.uid ?? "");
      return;
    }
    if (event.storageKey === claimsKey) this.observeClaim(event.object);
    else if (event.storageKey === volumesKey) this.observeVolume(event.object);
    else if (event.storageKey === snapshotsKey) this.observeSnapshot(event.object);
  }

  private observeClaim(claim: KubeObject): void {
    if (!specOf(claim).volumeName && provisioners.has(provisionerOf(claim) ?? "")) this.provisions.add(keyOf(claim));
  }

  private observeVolume(volume: KubeObject): void {
    if (shouldDelete(volume)) this.deletions.add(volume.metadata.name ?? "");
  }

  /** A snapshot that became ready wakes the claims waiting to be restored from it. */
  private observeSnapshot(snapshot: KubeObject): void {
    if ((snapshot.status as JsonObject | undefined)?.readyToUse !== true) return;
    for (const claim of this.ctx.service.store.list(claimsKey, snapshot.metadata.namespace).items) {
      if (snapshotNameOf(claim) === snapshot.metadata.name) this.observeClaim(claim);
    }
  }

  private profileOf(name: string): ProvisionerProfile {
    let profile = this.profiles.get(name);
    if (!profile) {
      profile = provisionerProfile(name, this.instance);
      this.profiles.set(name, profile);
    }
    return profile;
  }

  private identityOf(name: string): string {
    let identity = this.identities.get(name);
    if (!identity) {
      identity = `${Date.now()}-${randomInt(10_000)}-${name}`;
      this.identities.set(name, identity);
    }
    return identity;
  }

  private getClaim(key: string): KubeObject | undefined {
    const slash = key.indexOf("/");
    return this.ctx.service.store.get(claimsKey, key.slice(0, slash), key.slice(slash + 1));
  }

  /** shouldProvision, then provisionClaimOperation. */
  private provision(key: string): void | "retry" {
    const { store } = this.ctx.service;
    const claim = this.getClaim(key);
    const name = claim ? provisionerOf(claim) : undefined;
    if (!claim || specOf(claim).volumeName || claim.metadata.deletionTimestamp || !name || !provisioners.has(name)) return;
    const className = claimClass(claim);
    const storageClass = store.get(classesKey, "", className);
    if (!storageClass || storageClass.provisioner !== name) return;
    const selectedNode = claim.metadata.annotations?.[annSelectedNode];
    // A WaitForFirstConsumer claim is provisioned once the scheduler has picked its node.
    if (storageClass.volumeBindingMode === "WaitForFirstConsumer" && !selectedNode) return;
    const pvName = `pvc-${claim.metadata.uid ?? ""}`;
    if (store.get(volumesKey, "", pvName) || this.creating.has(key)) return;

    const profile = this.profileOf(name);
    const restore = profile.restoresSnapshots ? resolveRestoreSource(claim, store) : ({ kind: "none" } as const);
    if (restore.kind === "waiting" || restore.kind === "failed") {
      this.tellFailure(profile, claim, restore.message);
      return "retry";
    }
    if (profile.announcesProvisioning) this.record(profile, claim, "Normal", "Provisioning", `External provisioner is provisioning volume for claim "${key}"`);
    if (selectedNode && !store.get(nodesKey, "", selectedNode)) {
      // The node went away: drop the choice so the scheduler picks again (rescheduleProvisioning).
      this.record(profile, claim, "Warning", "ProvisioningFailed", `failed to get target node: node "${selectedNode}" not found`);
      const { [annSelectedNode]: _dropped, ...annotations } = claim.metadata.annotations ?? {};
      this.ctx.client.update(claimsKey, { ...claim, metadata: { ...claim.metadata, annotations } });
      return;
    }
    // CreateVolume: the directory is made (and filled from the snapshot) off the event loop;
    // the PV follows once it is ready.
    this.creating.add(key);
    const made = this.directories.make(pvName).then(async () => {
      if (restore.kind === "snapshot") await copyTree(snapshotDir(this.ctx.dataDir, restore.snapshotHandle), persistentVolumeDir(this.ctx.dataDir, pvName));
    });
    this.background.track(made).then(
      () => {
        this.creating.delete(key);
        if (!this.stopped) this.createVolume(profile, key, claim.metadata.uid ?? "", pvName, selectedNode);
      },
      (err: unknown) => {
        this.creating.delete(key);
        if (this.stopped) return;
        this.record(profile, claim, "Warning", "ProvisioningFailed", `failed to provision volume with StorageClass "${className}": ${String(err)}`);
        this.provisions.retryLater(key);
      },
    );
  }

  /** The PV for a volume just made, unless the claim went (or was bound elsewhere) meanwhile. */
  private createVolume(profile: ProvisionerProfile, key: string, uid: string, pvName: string, selectedNode: string | undefined): void {
    const { store } = this.ctx.service;
    const claim = this.getClaim(key);
    const storageClass = claim && store.get(classesKey, "", claimClass(claim));
    if (!claim || claim.metadata.uid !== uid || specOf(claim).volumeName || !storageClass || store.get(volumesKey, "", pvName)) {
      if (!store.get(volumesKey, "", pvName)) this.directories.remove(pvName);
      return;
    }
    this.ctx.client.create(volumesKey, this.volumeFor(profile.name, claim, storageClass, pvName, selectedNode));
    this.told.delete(uid);
    this.record(profile, claim, "Normal", "ProvisioningSucceeded", profile.succeededMessage(pvName));
  }

  private volumeFor(provisioner: string, claim: KubeObject, storageClass: KubeObject, pvName: string, selectedNode: string | undefined): KubeObject {
    const claimSpec = specOf(claim);
    const volumeMode = typeof claimSpec.volumeMode === "string" ? claimSpec.volumeMode : "Filesystem";
    const parameters = (storageClass.parameters as Record<string, string> | undefined) ?? {};
    const source = provisionedSource({
      provisioner,
      pvName,
      parameters,
      volumeMode,
      identity: this.identityOf(provisioner),
      // An EBS volume id is "vol-" and 17 hex digits; a CSI volume handle here a uuid.
      volumeId: csiDrivers.has(provisioner) ? randomUUID() : randomBytes(9).toString("hex").slice(0, 17),
    });
    const spec: JsonObject = {
      accessModes: claimSpec.accessModes ?? [],
      capacity: { storage: canonicalBytes(requestedStorage(claim) ?? "0") ?? "0" },
      claimRef: referenceTo(claim),
      ...source,
      ...(Array.isArray(storageClass.mountOptions) ? { mountOptions: storageClass.mountOptions } : {}),
      persistentVolumeReclaimPolicy: typeof storageClass.reclaimPolicy === "string" ? storageClass.reclaimPolicy : "Delete",
      storageClassName: claimClass(claim),
      volumeMode,
    };
    if (selectedNode) {
      // The volume is reported as reachable from the selected node only.
      spec.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [selectedNode] }] }] } };
    }
    return { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: pvName, annotations: { [annDynamicallyProvisioned]: provisioner } }, spec };
  }

  /** deleteVolumeOperation: the volume's data goes, then its PV object. */
  private deleteVolume(name: string): void {
    const volume = this.ctx.service.store.get(volumesKey, "", name);
    if (!volume || !shouldDelete(volume)) return;
    this.directories.remove(name);
    this.ctx.client.delete(volumesKey, volume);
  }

  private record(profile: ProvisionerProfile, claim: KubeObject, type: EventType, reason: string, message: string): void {
    this.ctx.events.record(profile.component, claim, type, reason, message);
  }

  /** A ProvisioningFailed event, unless it is the one last told about this claim. */
  private tellFailure(profile: ProvisionerProfile, claim: KubeObject, message: string): void {
    const uid = claim.metadata.uid ?? "";
    if (this.told.get(uid) === message) return;
    this.told.set(uid, message);
    this.record(profile, claim, "Warning", "ProvisioningFailed", message);
  }
}

/** The provisioner a claim was handed to (the GA annotation, else the beta one). */
function provisionerOf(claim: KubeObject): string | undefined {
  const annotations = claim.metadata.annotations ?? {};
  return annotations[annStorageProvisioner] ?? annotations[annBetaStorageProvisioner];
}

/** shouldDelete: a Released volume one of these provisioners made, whose policy is Delete and that is not already going. */
function shouldDelete(volume: KubeObject): boolean {
  return (
    !volume.metadata.deletionTimestamp &&
    (volume.status as JsonObject | undefined)?.phase === "Released" &&
    specOf(volume).persistentVolumeReclaimPolicy === "Delete" &&
    provisioners.has(volume.metadata.annotations?.[annDynamicallyProvisioned] ?? "")
  );
}
