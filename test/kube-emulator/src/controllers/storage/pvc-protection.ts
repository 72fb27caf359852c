import type { JsonObject, KubeObject } from "../../api-types.js";
import type { StoredEvent } from "../../store/index.js";
import type { ControllerContext } from "../controller.js";
import { claimKey } from "./claim-matching.js";
import { RetryingQueue } from "./retrying-queue.js";
import { claimKeysOfPod, type StorageIndex } from "./storage-index.js";
import { claimsKey, podsKey, pvcProtectionFinalizer } from "./storage-names.js";

/**
 * The PVC protection controller (pkg/controller/volume/pvcprotection): a claim being
 * deleted keeps its kubernetes.io/pvc-protection finalizer, and so stays Terminating,
 * while a scheduled pod mounts it; the finalizer goes once no such pod is left. Claims
 * that somehow lack the finalizer (the admission plugin adds it) get it back.
 */
export class PvcProtection {
  private readonly queue: RetryingQueue<string>;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly index: StorageIndex,
  ) {
    this.queue = new RetryingQueue((key) => this.process(key), (key, err) => ctx.log(`pvc-protection: claim ${key}: ${String(err)}`));
  }

  start(): void {
    for (const claim of this.ctx.service.store.list(claimsKey).items) this.observeClaim(claim);
  }

  stop(): void {
    this.queue.stop();
  }

  observe(event: StoredEvent): void {
    if (event.storageKey === claimsKey) {
      if (event.type !== "DELETED") this.observeClaim(event.object);
    } else if (event.storageKey === podsKey) {
      // Only a pod that stops counting as a user can let a claim go.
      const pod = event.object;
      const replaced = event.previous && event.previous.metadata.uid !== pod.metadata.uid;
      if (event.type === "DELETED" || replaced || isPodTerminated(pod) || !(pod.spec as JsonObject | undefined)?.nodeName) {
        for (const key of claimKeysOfPod(pod)) if (this.isDeleting(key)) this.queue.add(key);
      }
    }
  }

  private observeClaim(claim: KubeObject): void {
    const has = (claim.metadata.finalizers ?? []).includes(pvcProtectionFinalizer);
    if (claim.metadata.deletionTimestamp ? has : !has) this.queue.add(claimKey(claim.metadata.namespace ?? "", claim.metadata.name ?? ""));
  }

  private getClaim(key: string): KubeObject | undefined {
    const slash = key.indexOf("/");
    return this.ctx.service.store.get(claimsKey, key.slice(0, slash), key.slice(slash + 1));
  }

  private isDeleting(key: string): boolean {
    return this.getClaim(key)?.metadata.deletionTimestamp !== undefined;
  }

  private process(key: string): void {
    const claim = this.getClaim(key);
    if (!claim) return;
    const finalizers = claim.metadata.finalizers ?? [];
    if (claim.metadata.deletionTimestamp) {
      if (finalizers.includes(pvcProtectionFinalizer) && !this.isBeingUsed(key, claim)) {
        this.ctx.client.update(claimsKey, { ...claim, metadata: { ...claim.metadata, finalizers: finalizers.filter((f) => f !== pvcProtectionFinalizer) } });
      }
    } else if (!finalizers.includes(pvcProtectionFinalizer)) {
      this.ctx.client.update(claimsKey, { ...claim, metadata: { ...claim.metadata, finalizers: [...finalizers, pvcProtectionFinalizer] } });
    }
  }

  private isBeingUsed(key: string, claim: KubeObject): boolean {
    return this.index.podsUsing(key).some((pod) => podUsesClaim(pod, claim));
  }
}

/**
 * podUsesPVC: only a scheduled pod counts (the kubelet refuses to start a pod on a claim
 * that is being deleted). A finished pod still counts for a persistentVolumeClaim volume,
 * as upstream, so a Completed pod holds its claim until the pod is deleted; a generic
 * ephemeral volume's claim is let go once its pod has shut down.
 */
function podUsesClaim(pod: KubeObject, claim: KubeObject): boolean {
  const spec = (pod.spec as JsonObject | undefined) ?? {};
  if (!spec.nodeName) return false;
  const volumes = Array.isArray(spec.volumes) ? (spec.volumes as JsonObject[]) : [];
  return volumes.some((v) => {
    if ((v.persistentVolumeClaim as JsonObject | undefined)?.claimName === claim.metadata.name) return true;
    return (
      v.ephemeral !== undefined &&
      !isPodShutDown(pod) &&
      `${pod.metadata.name ?? ""}-${String(v.name)}` === claim.metadata.name &&
      (claim.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === pod.metadata.uid)
    );
  });
}

/** podIsShutDown: deleted with no grace left (the kubelet is done with it, or it was force-deleted). */
function isPodShutDown(pod: KubeObject): boolean {
  return pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionGracePeriodSeconds === 0;
}

function isPodTerminated(pod: KubeObject): boolean {
  const phase = (pod.status as JsonObject | undefined)?.phase;
  return phase === "Succeeded" || phase === "Failed";
}
