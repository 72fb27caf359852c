import { mkdirSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { persistentVolumeDir } from "../../kubelet/volume-layout.js";

/**
 * The directories that hold the volumes' data (<dataDir>/volumes/<pv>), made once each: a
 * provisioned volume's by the provisioner (asynchronously: thousands come in a burst), a
 * static volume's when the PV controller first sees it. One mkdir call per volume.
 */
export class VolumeDirectories {
  private readonly made = new Set<string>();
  private parentMade = false;

  constructor(private readonly dataDir: string) {}

  /** Makes the directory off the event loop, for the provisioner's bursts. */
  async make(pvName: string): Promise<void> {
    if (this.made.has(pvName)) return;
    const dir = this.pathFor(pvName);
    try {
      await mkdir(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") await mkdir(dir, { recursive: true });
      else if (code !== "EEXIST") throw err;
    }
    this.made.add(pvName);
  }

  ensure(pvName: string): void {
    if (this.made.has(pvName)) return;
    const dir = this.pathFor(pvName);
    try {
      mkdirSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Someone removed <dataDir>/volumes under us: make the whole path again.
      if (code === "ENOENT") mkdirSync(dir, { recursive: true });
      else if (code !== "EEXIST") throw err;
    }
    this.made.add(pvName);
  }

  private pathFor(pvName: string): string {
    const dir = persistentVolumeDir(this.dataDir, pvName);
    if (!this.parentMade) {
      mkdirSync(dirname(dir), { recursive: true });
      this.parentMade = true;
    }
    return dir;
  }

  /** Deletes a volume's data, as a driver's DeleteVolume does. */
  remove(pvName: string): void {
    rmSync(persistentVolumeDir(this.dataDir, pvName), { recursive: true, force: true });
    this.made.delete(pvName);
  }

  /** A PV object went: a PV of the same name made later checks its directory again. */
  forget(pvName: string): void {
    this.made.delete(pvName);
  }
}
