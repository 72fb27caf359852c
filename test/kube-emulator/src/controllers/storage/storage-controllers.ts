import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { CsiHostpathProvisioner } from "./csi-hostpath-provisioner.js";
import { PersistentVolumeBinder } from "./persistent-volume-binder.js";
import { PvProtection } from "./pv-protection.js";
import { PvcProtection } from "./pvc-protection.js";
import { StorageIndex } from "./storage-index.js";
import { claimsKey, classesKey, podsKey, volumesKey } from "./storage-names.js";
import { VolumeDirectories } from "./volume-directories.js";

interface StorageLoop {
  start(): void;
  stop(): void;
  observe(event: StoredEvent): void;
}

const watched = new Set([claimsKey, volumesKey, classesKey, podsKey]);

/**
 * Everything that makes claims bind, switched on and off as one: the PV controller, the
 * CSI driver's external provisioner, and the PVC and PV protection controllers. They share
 * one set of indexes, kept from one store subscription before any of them looks.
 */
export class StorageControllers implements Controller {
  readonly name = "persistent-volume-binder";
  private readonly index: StorageIndex;
  private readonly loops: StorageLoop[];
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.index = new StorageIndex(ctx.service.store);
    const directories = new VolumeDirectories(ctx.dataDir);
    this.loops = [new PersistentVolumeBinder(ctx, this.index, directories), new CsiHostpathProvisioner(ctx, directories), new PvcProtection(ctx, this.index), new PvProtection(ctx)];
  }

  start(): void {
    this.index.load();
    for (const loop of this.loops) loop.start();
    this.unsubscribe = this.ctx.service.store.subscribe((event) => {
      if (!watched.has(event.storageKey)) return;
      this.index.observe(event);
      for (const loop of this.loops) loop.observe(event);
    });
  }

  stop(): void {
    this.unsubscribe?.();
    for (const loop of this.loops) loop.stop();
  }
}
