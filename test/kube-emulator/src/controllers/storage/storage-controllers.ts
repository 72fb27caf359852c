import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { BackgroundWork } from "./background-work.js";
import { PersistentVolumeBinder } from "./persistent-volume-binder.js";
import { PvProtection } from "./pv-protection.js";
import { PvcProtection } from "./pvc-protection.js";
import { SnapshotController } from "./snapshots/snapshot-controller.js";
import { firstSnapshotMinor, snapshotClassesKey, snapshotContentsKey, snapshotsKey } from "./snapshots/snapshot-names.js";
import { StorageIndex } from "./storage-index.js";
import { claimsKey, classesKey, podsKey, volumesKey } from "./storage-names.js";
import { VolumeDirectories } from "./volume-directories.js";
import { VolumeProvisioner } from "./volume-provisioner.js";

interface StorageLoop {
  start(): void;
  stop(): void;
  observe(event: StoredEvent): void;
}

/** Whether a cluster runs the snapshot API: asked for, and a persona that has the GA (v1) API. */
export function snapshotsEnabled(volumeSnapshots: boolean | undefined, minor: number): boolean {
  return volumeSnapshots === true && minor >= firstSnapshotMinor;
}

/**
 * Everything that makes claims bind, switched on and off as one: the PV controller, the
 * provisioners (CSI drivers' and in-tree), the PVC and PV protection controllers, and with
 * volume snapshots on the snapshot controller. They share one set of indexes, kept from one
 * store subscription before any of them looks.
 */
export class StorageControllers implements Controller {
  readonly name = "persistent-volume-binder";
  private readonly index: StorageIndex;
  private readonly loops: StorageLoop[];
  private readonly watched = new Set([claimsKey, volumesKey, classesKey, podsKey]);
  private readonly background = new BackgroundWork();
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.index = new StorageIndex(ctx.service.store);
    const directories = new VolumeDirectories(ctx.dataDir);
    this.loops = [
      new PersistentVolumeBinder(ctx, this.index, directories),
      new VolumeProvisioner(ctx, directories, this.background),
      new PvcProtection(ctx, this.index),
      new PvProtection(ctx),
    ];
    if (snapshotsEnabled(ctx.volumeSnapshots, ctx.service.minor)) {
      this.loops.push(new SnapshotController(ctx, this.background));
      for (const key of [snapshotsKey, snapshotContentsKey, snapshotClassesKey]) this.watched.add(key);
    }
  }

  start(): void {
    this.index.load();
    for (const loop of this.loops) loop.start();
    this.unsubscribe = this.ctx.service.store.subscribe((event) => {
      if (!this.watched.has(event.storageKey)) return;
      this.index.observe(event);
      for (const loop of this.loops) loop.observe(event);
    });
  }

  stop(): void {
    this.unsubscribe?.();
    for (const loop of this.loops) loop.stop();
  }

  /** Copies of volumes and snapshots still running end before the data directory may go. */
  settle(): Promise<void> {
    return this.background.settled();
  }
}
