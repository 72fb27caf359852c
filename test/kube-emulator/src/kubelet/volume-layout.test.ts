import { describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../api-types.js";
import { pluginDirName, podVolumeDir, snapshotDir } from "./volume-layout.js";

const pv = (spec: JsonObject): KubeObject => ({ apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pvc-1" }, spec });
const claimVolume: JsonObject = { name: "data", persistentVolumeClaim: { claimName: "data" } };

describe("volume layout", () => {
  it("names a claim's plugin directory for its PV's source", () => {
    expect(pluginDirName(claimVolume, pv({ csi: { driver: "ebs.csi.aws.com" } }))).toBe("kubernetes.io~csi");
    expect(pluginDirName(claimVolume, pv({ awsElasticBlockStore: { volumeID: "aws://us-east-1a/vol-1" } }))).toBe("kubernetes.io~aws-ebs");
    expect(pluginDirName(claimVolume, pv({ gcePersistentDisk: { pdName: "pvc-1" } }))).toBe("kubernetes.io~gce-pd");
    expect(pluginDirName(claimVolume, pv({ local: { path: "/mnt/disks/1" } }))).toBe("kubernetes.io~local-volume");
    expect(pluginDirName(claimVolume, pv({ hostPath: { path: "/tmp/x" } }))).toBe("kubernetes.io~local-volume");
  });

  it("mounts CSI volumes at <pv>/mount and in-tree ones at <pv>", () => {
    const base = "/d/nodes/node-1/pods/uid-1/volumes";
    expect(podVolumeDir("/d", "node-1", "uid-1", claimVolume, pv({ csi: { driver: "x" } }))).toBe(`${base}/kubernetes.io~csi/pvc-1/mount`);
    expect(podVolumeDir("/d", "node-1", "uid-1", claimVolume, pv({ awsElasticBlockStore: {} }))).toBe(`${base}/kubernetes.io~aws-ebs/pvc-1`);
    expect(podVolumeDir("/d", "node-1", "uid-1", claimVolume, pv({ gcePersistentDisk: {} }))).toBe(`${base}/kubernetes.io~gce-pd/pvc-1`);
  });

  it("keeps snapshots under <data-dir>/snapshots/<handle>", () => {
    expect(snapshotDir("/d", "1b4e28ba-2fa1-11d2-883f-0016d3cca427")).toBe("/d/snapshots/1b4e28ba-2fa1-11d2-883f-0016d3cca427");
  });
});
