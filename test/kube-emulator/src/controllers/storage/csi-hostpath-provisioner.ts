import { randomInt, randomUUID } from "node:crypto";
import type { JsonObject, KubeObject } from "../../api-types.js";
import type { StoredEvent } from "../../store/index.js";
import type { ControllerContext } from "../controller.js";
import { claimClass, claimKey, referenceTo, requestedStorage } from "./claim-matching.js";
import { RetryingQueue } from "./retrying-queue.js";
import { canonicalBytes } from "./quantity.js";
import type { VolumeDirectories } from "./volume-directories.js";
import {
  annBetaStorageProvisioner,
  annDynamicallyProvisioned,
  annSelectedNode,
  annStorageProvisioner,
  claimsKey,
  classesKey,
  hostpathDriver,
  nodesKey,
  volumesKey,
} from "./storage-names.js";

const specOf = (obj: KubeObject): JsonObject => (obj.spec as JsonObject | undefined) ?? {};

/**
 * The CSI driver's external-provisioner sidecar (kubernetes-csi/external-provisioner on
 * sig-storage-lib-external-provisioner): it provisions the claims the PV controller
 * annotated with its name, creating a directory as the volume and a PV `pvc-<claim uid>`
 * pre-bound to the claim (the PV controller completes the binding), and deletes the
 * directory and the PV once a Delete-policy volume it made is Released.
 */
export class CsiHostpathProvisioner {
  /** The event source the sidecar reports as: driver, pod and a per-process uuid. */
  private readonly component = `${hostpathDriver}_csi-hostpathplugin-0_${randomUUID()}`;
  /** csi-provisioner's identity, stamped on every volume it creates (storage.kubernetes.io/csiProvisionerIdentity). */
  private readonly identity = `${Date.now()}-${randomInt(10_000)}-${hostpathDriver}`;
  private readonly provisions: RetryingQueue<string>;
  private readonly deletions: RetryingQueue<string>;
  /** Claims whose volume directory is being made. */
  private readonly creating = new Set<string>();
  private stopped = false;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly directories: VolumeDirectories,
  ) {
    this.provisions = new RetryingQueue((key) => this.provision(key), (key, err) => ctx.log(`${hostpathDriver} provisioner: claim ${key}: ${String(err)}`));
    this.deletions = new RetryingQueue((name) => this.deleteVolume(name), (name, err) => ctx.log(`${hostpathDriver} provisioner: volume ${name}: ${String(err)}`));
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
    if (event.type === "DELETED") return;
    if (event.storageKey === claimsKey) this.observeClaim(event.object);
    else if (event.storageKey === volumesKey) this.observeVolume(event.object);
  }

  private observeClaim(claim: KubeObject): void {
    if (!specOf(claim).volumeName && provisionerOf(claim) === hostpathDriver) this.provisions.add(claimKey(claim.metadata.namespace ?? "", claim.metadata.name ?? ""));
  }

  private observeVolume(volume: KubeObject): void {
    if (shouldDelete(volume)) this.deletions.add(volume.metadata.name ?? "");
  }

  /** shouldProvision, then provisionClaimOperation. */
  private provision(key: string): void {
    const { store } = this.ctx.service;
    const slash = key.indexOf("/");
    const claim = store.get(claimsKey, key.slice(0, slash), key.slice(slash + 1));
    if (!claim || specOf(claim).volumeName || claim.metadata.deletionTimestamp || provisionerOf(claim) !== hostpathDriver) return;
    const className = claimClass(claim);
    const storageClass = store.get(classesKey, "", className);
    if (!storageClass || storageClass.provisioner !== hostpathDriver) return;
    const selectedNode = claim.metadata.annotations?.[annSelectedNode];
    // A WaitForFirstConsumer claim is provisioned once the scheduler has picked its node.
    if (storageClass.volumeBindingMode === "WaitForFirstConsumer" && !selectedNode) return;
    const pvName = `pvc-${claim.metadata.uid ?? ""}`;
    if (store.get(volumesKey, "", pvName) || this.creating.has(key)) return;

    this.ctx.events.record(this.component, claim, "Normal", "Provisioning", `External provisioner is provisioning volume for claim "${key}"`);
    if (selectedNode && !store.get(nodesKey, "", selectedNode)) {
      // The node went away: drop the choice so the scheduler picks again (rescheduleProvisioning).
      this.ctx.events.record(this.component, claim, "Warning", "ProvisioningFailed", `failed to get target node: node "${selectedNode}" not found`);
      const { [annSelectedNode]: _dropped, ...annotations } = claim.metadata.annotations ?? {};
      this.ctx.client.update(claimsKey, { ...claim, metadata: { ...claim.metadata, annotations } });
      return;
    }
    // CreateVolume: the directory is made off the event loop; the PV follows once it exists.
    this.creating.add(key);
    this.directories.make(pvName).then(
      () => {
        this.creating.delete(key);
        if (!this.stopped) this.createVolume(key, claim.metadata.uid ?? "", pvName, selectedNode);
      },
      (err: unknown) => {
        this.creating.delete(key);
        if (this.stopped) return;
        this.ctx.events.record(this.component, claim, "Warning", "ProvisioningFailed", `failed to provision volume with StorageClass "${className}": ${String(err)}`);
        this.provisions.retryLater(key);
      },
    );
  }

  /** The PV for a volume just made, unless the claim went (or was bound elsewhere) meanwhile. */
  private createVolume(key: string, uid: string, pvName: string, selectedNode: string | undefined): void {
    const { store } = this.ctx.service;
    const slash = key.indexOf("/");
    const claim = store.get(claimsKey, key.slice(0, slash), key.slice(slash + 1));
    const storageClass = claim && store.get(classesKey, "", claimClass(claim));
    if (!claim || claim.metadata.uid !== uid || specOf(claim).volumeName || !storageClass || store.get(volumesKey, "", pvName)) {
      if (!store.get(volumesKey, "", pvName)) this.directories.remove(pvName);
      return;
    }
    this.ctx.client.create(volumesKey, this.volumeFor(claim, storageClass, pvName, selectedNode));
    this.ctx.events.record(this.component, claim, "Normal", "ProvisioningSucceeded", `Successfully provisioned volume ${pvName}`);
  }

  private volumeFor(claim: KubeObject, storageClass: KubeObject, pvName: string, selectedNode: string | undefined): KubeObject {
    const claimSpec = specOf(claim);
    const volumeMode = typeof claimSpec.volumeMode === "string" ? claimSpec.volumeMode : "Filesystem";
    const parameters = (storageClass.parameters as Record<string, string> | undefined) ?? {};
    // A block volume has no filesystem; a class may ask for another one than ext4.
    const fsType = volumeMode === "Block" ? undefined : (parameters["csi.storage.k8s.io/fstype"] ?? "ext4");
    const spec: JsonObject = {
      accessModes: claimSpec.accessModes ?? [],
      capacity: { storage: canonicalBytes(requestedStorage(claim) ?? "0") ?? "0" },
      claimRef: referenceTo(claim),
      csi: {
        driver: hostpathDriver,
        ...(fsType ? { fsType } : {}),
        volumeAttributes: { "storage.kubernetes.io/csiProvisionerIdentity": this.identity },
        volumeHandle: randomUUID(),
      },
      ...(Array.isArray(storageClass.mountOptions) ? { mountOptions: storageClass.mountOptions } : {}),
      persistentVolumeReclaimPolicy: typeof storageClass.reclaimPolicy === "string" ? storageClass.reclaimPolicy : "Delete",
      storageClassName: claimClass(claim),
      volumeMode,
    };
    if (selectedNode) {
      // The driver reports the volume as reachable from the selected node only.
      spec.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [selectedNode] }] }] } };
    }
    return { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: pvName, annotations: { [annDynamicallyProvisioned]: hostpathDriver } }, spec };
  }

  /** deleteVolumeOperation: the volume's data goes, then its PV object. */
  private deleteVolume(name: string): void {
    const volume = this.ctx.service.store.get(volumesKey, "", name);
    if (!volume || !shouldDelete(volume)) return;
    this.directories.remove(name);
    this.ctx.client.delete(volumesKey, volume);
  }
}

/** The provisioner a claim was handed to (the GA annotation, else the beta one). */
function provisionerOf(claim: KubeObject): string | undefined {
  const annotations = claim.metadata.annotations ?? {};
  return annotations[annStorageProvisioner] ?? annotations[annBetaStorageProvisioner];
}

/** shouldDelete: a Released volume of this driver whose policy is Delete and that is not already going. */
function shouldDelete(volume: KubeObject): boolean {
  return (
    !volume.metadata.deletionTimestamp &&
    (volume.status as JsonObject | undefined)?.phase === "Released" &&
    specOf(volume).persistentVolumeReclaimPolicy === "Delete" &&
    volume.metadata.annotations?.[annDynamicallyProvisioned] === hostpathDriver
  );
}
