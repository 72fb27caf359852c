import { describe, expect, it } from "vitest";
import { resourcesOfCrd } from "../../crd-registrar.js";
import { snapshotsEnabled } from "../storage-controllers.js";
import { snapshotClasses, snapshotClassNameFor, snapshotCrds } from "./snapshot-api.js";

describe("the snapshot API a cluster starts with", () => {
  it("serves VolumeSnapshots namespaced and classes and contents cluster-wide, v1 with status on snapshots and contents", () => {
    const served = snapshotCrds().flatMap(resourcesOfCrd).map((r) => `${r.group}/${r.version} ${r.resource} ${r.kind} ${r.namespaced ? "ns" : "cluster"} ${r.subresources.join(",") || "-"}`);
    expect(served.sort()).toEqual([
      "snapshot.storage.k8s.io/v1 volumesnapshotclasses VolumeSnapshotClass cluster -",
      "snapshot.storage.k8s.io/v1 volumesnapshotcontents VolumeSnapshotContent cluster status",
      "snapshot.storage.k8s.io/v1 volumesnapshots VolumeSnapshot ns status",
    ]);
  });

  it("has one class per CSI driver, the emulator's own the default", () => {
    expect(snapshotClassNameFor("ebs.csi.aws.com")).toBe("ebs-snapclass");
    const classes = snapshotClasses().map((c) => `${c.metadata.name} ${String(c.driver)} ${String(c.deletionPolicy)} ${c.metadata.annotations?.["snapshot.storage.kubernetes.io/is-default-class"] ?? "-"}`);
    expect(classes.sort()).toEqual([
      "csi-hostpath-snapclass hostpath.csi.lifeboat.dev Delete true",
      "disk-snapclass disk.csi.azure.com Delete -",
      "ebs-snapclass ebs.csi.aws.com Delete -",
      "pd-snapclass pd.csi.storage.gke.io Delete -",
    ]);
  });

  it("is installed only when asked for, on 1.20 and newer", () => {
    expect(snapshotsEnabled(undefined, 30)).toBe(false);
    expect(snapshotsEnabled(true, 19)).toBe(false);
    expect(snapshotsEnabled(true, 20)).toBe(true);
  });
});
