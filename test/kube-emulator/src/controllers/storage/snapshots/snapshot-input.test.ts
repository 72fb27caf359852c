import { describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../../../api-types.js";
import { snapshotInput, type InputLookup } from "./snapshot-input.js";

const snapshot = (spec: JsonObject): KubeObject => ({ apiVersion: "snapshot.storage.k8s.io/v1", kind: "VolumeSnapshot", metadata: { name: "snap", namespace: "ns", uid: "s-1" }, spec });
const ofClaim = (claimName: string, className?: string) => snapshot({ source: { persistentVolumeClaimName: claimName }, ...(className ? { volumeSnapshotClassName: className } : {}) });
const claim = (name: string, volumeName?: string): KubeObject => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name, namespace: "ns" },
  spec: volumeName ? { volumeName } : {},
  status: { phase: volumeName ? "Bound" : "Pending" },
});
const volume = (name: string, spec: JsonObject): KubeObject => ({ apiVersion: "v1", kind: "PersistentVolume", metadata: { name }, spec: { capacity: { storage: "2Gi" }, ...spec } });
const snapshotClass = (name: string, driver: string, isDefault = false): KubeObject => ({
  apiVersion: "snapshot.storage.k8s.io/v1",
  kind: "VolumeSnapshotClass",
  metadata: { name, ...(isDefault ? { annotations: { "snapshot.storage.kubernetes.io/is-default-class": "true" } } : {}) },
  driver,
  deletionPolicy: "Delete",
});

/** A store of the given objects, keyed as the emulator's store keys them. */
function lookup(objects: [string, KubeObject][]): InputLookup {
  return {
    get: (key, ns, name) => objects.find(([k, o]) => k === key && (o.metadata.namespace ?? "") === ns && o.metadata.name === name)?.[1],
    list: (key) => objects.filter(([k]) => k === key).map(([, o]) => o),
  };
}

const classes = "snapshot.storage.k8s.io/volumesnapshotclasses";
const base: [string, KubeObject][] = [
  ["/persistentvolumeclaims", claim("data", "pv-1")],
  ["/persistentvolumeclaims", claim("unbound")],
  ["/persistentvolumes", volume("pv-1", { csi: { driver: "ebs.csi.aws.com", volumeHandle: "vh-1" } })],
  ["/persistentvolumeclaims", claim("local", "pv-2")],
  ["/persistentvolumes", volume("pv-2", { hostPath: { path: "/tmp" } })],
  [classes, snapshotClass("ebs-snapclass", "ebs.csi.aws.com", true)],
  [classes, snapshotClass("hostpath", "hostpath.csi.lifeboat.dev", true)],
];

describe("a snapshot's input (getCreateSnapshotInput, SetDefaultSnapshotClass)", () => {
  it("takes the claim's CSI volume and the default class of its driver, with the volume's size", () => {
    const result = snapshotInput(ofClaim("data"), lookup(base));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.input).toMatchObject({ driver: "ebs.csi.aws.com", volumeHandle: "vh-1", defaultedClass: true, restoreBytes: 2147483648n });
    expect(result.input.snapshotClass.metadata.name).toBe("ebs-snapclass");
    expect(snapshotInput(ofClaim("data", "ebs-snapclass"), lookup(base))).toMatchObject({ ok: true, input: { defaultedClass: false } });
  });

  it("words a missing class, claim, binding or CSI source as the snapshot-controller does", () => {
    const prefix = "Failed to create snapshot content with error failed to get input parameters to create snapshot snap: ";
    expect(snapshotInput(ofClaim("data", "gold"), lookup(base))).toEqual({
      ok: false,
      reason: "SnapshotContentCreationFailed",
      message: `${prefix}"volumesnapshotclass.snapshot.storage.k8s.io \\"gold\\" not found"`,
    });
    expect(snapshotInput(ofClaim("gone"), lookup(base))).toMatchObject({
      message: `${prefix}"failed to retrieve PVC gone from the lister: \\"persistentvolumeclaim \\\\\\"gone\\\\\\" not found\\""`,
    });
    expect(snapshotInput(ofClaim("unbound"), lookup(base))).toMatchObject({ message: `${prefix}"the PVC unbound is not yet bound to a PV, will not attempt to take a snapshot"` });
    expect(snapshotInput(ofClaim("local"), lookup(base))).toMatchObject({ message: `${prefix}"snapshotting non-CSI volumes is not supported, snapshot:ns/snap"` });
    expect(snapshotInput(ofClaim("data", "hostpath"), lookup(base))).toMatchObject({ ok: false, reason: "SnapshotContentCreationFailed" });
  });

  it("fails to default the class when the driver has none or several default classes", () => {
    const none = base.filter(([, o]) => o.metadata.name !== "ebs-snapclass");
    expect(snapshotInput(ofClaim("data"), lookup(none))).toEqual({ ok: false, reason: "SetDefaultSnapshotClassFailed", message: "Failed to set default snapshot class with error cannot find default snapshot class" });
    const two: [string, KubeObject][] = [...base, [classes, snapshotClass("ebs-2", "ebs.csi.aws.com", true)]];
    expect(snapshotInput(ofClaim("data"), lookup(two))).toMatchObject({ message: "Failed to set default snapshot class with error 2 default snapshot classes were found" });
  });
});
