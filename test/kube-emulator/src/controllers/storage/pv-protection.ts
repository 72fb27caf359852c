import type { JsonObject, KubeObject } from "../../api-types.js";
import type { StoredEvent } from "../../store/index.js";
import type { ControllerContext } from "../controller.js";
import { RetryingQueue } from "./retrying-queue.js";
import { pvProtectionFinalizer, volumesKey } from "./storage-names.js";

/**
 * The PV protection controller (pkg/controller/volume/pvprotection): a volume being
 * deleted keeps its kubernetes.io/pv-protection finalizer while it is Bound, and loses it
 * once it is not (Released, Available, Failed); volumes without the finalizer get it.
 */
export class PvProtection {
  private readonly queue: RetryingQueue<string>;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new RetryingQueue((name) => this.process(name), (name, err) => ctx.log(`pv-protection: volume ${name}: ${String(err)}`));
  }

  start(): void {
    for (const volume of this.ctx.service.store.list(volumesKey).items) this.observeVolume(volume);
  }

  stop(): void {
    this.queue.stop();
  }

  observe(event: StoredEvent): void {
    if (event.storageKey === volumesKey && event.type !== "DELETED") this.observeVolume(event.object);
  }

  private observeVolume(volume: KubeObject): void {
    const has = (volume.metadata.finalizers ?? []).includes(pvProtectionFinalizer);
    if (volume.metadata.deletionTimestamp ? has : !has) this.queue.add(volume.metadata.name ?? "");
  }

  private process(name: string): void {
    const volume = this.ctx.service.store.get(volumesKey, "", name);
    if (!volume) return;
    const finalizers = volume.metadata.finalizers ?? [];
    if (volume.metadata.deletionTimestamp) {
      const bound = (volume.status as JsonObject | undefined)?.phase === "Bound";
      if (finalizers.includes(pvProtectionFinalizer) && !bound) {
        this.ctx.client.update(volumesKey, { ...volume, metadata: { ...volume.metadata, finalizers: finalizers.filter((f) => f !== pvProtectionFinalizer) } });
      }
    } else if (!finalizers.includes(pvProtectionFinalizer)) {
      this.ctx.client.update(volumesKey, { ...volume, metadata: { ...volume.metadata, finalizers: [...finalizers, pvProtectionFinalizer] } });
    }
  }
}
