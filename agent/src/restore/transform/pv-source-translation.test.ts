import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { translatePvSource } from "./pv-source-translation.js";

const mapping = new Map([
  ["awsElasticBlockStore", "ebs.csi.aws.com"],
  ["gcePersistentDisk", "pd.csi.storage.gke.io"],
  ["azureDisk", "disk.csi.azure.com"],
  ["azureFile", "file.csi.azure.com"],
  ["cinder", "cinder.csi.openstack.org"],
  ["vsphereVolume", "csi.vsphere.vmware.com"],
  ["flexVolume", "example.com.csi"],
  ["nfs", "nfs.csi.k8s.io"],
]);

const pv = (source: Record<string, unknown>, extra: Partial<KubeObject["metadata"]> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "PersistentVolume",
  metadata: { name: "pv-1", ...extra },
  spec: { capacity: { storage: "10Gi" }, accessModes: ["ReadWriteOnce"], claimRef: { name: "data", namespace: "shop" }, ...source },
});

function translated(object: KubeObject, with_ = mapping): Record<string, unknown> {
  const draft = structuredClone(object);
  translatePvSource(draft, with_);
  return draft.spec as Record<string, unknown>;
}

describe("translatePvSource", () => {
  it.each<[string, Record<string, unknown>, Partial<KubeObject["metadata"]>, unknown]>([
    ["an EBS volume, dropping the aws:// zone prefix", { awsElasticBlockStore: { volumeID: "aws://us-east-1a/vol-0abc", fsType: "ext4" } }, {}, { driver: "ebs.csi.aws.com", volumeHandle: "vol-0abc", fsType: "ext4" }],
    ["a bare EBS volume id", { awsElasticBlockStore: { volumeID: "vol-0abc", readOnly: true } }, {}, { driver: "ebs.csi.aws.com", volumeHandle: "vol-0abc", readOnly: true }],
    ["a GCE PD with its zone label", { gcePersistentDisk: { pdName: "disk-1", fsType: "ext4" } }, { labels: { "topology.kubernetes.io/zone": "europe-west1-b" } }, { driver: "pd.csi.storage.gke.io", volumeHandle: "projects/UNSPECIFIED/zones/europe-west1-b/disks/disk-1", fsType: "ext4" }],
    ["a GCE PD without a zone", { gcePersistentDisk: { pdName: "disk-1" } }, {}, { driver: "pd.csi.storage.gke.io", volumeHandle: "projects/UNSPECIFIED/zones/UNSPECIFIED/disks/disk-1" }],
    ["an Azure disk", { azureDisk: { diskName: "d", diskURI: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/disks/d", fsType: "xfs" } }, {}, { driver: "disk.csi.azure.com", volumeHandle: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/disks/d", fsType: "xfs" }],
    ["an Azure file share with its secret", { azureFile: { shareName: "share", secretName: "azure-secret" } }, {}, { driver: "file.csi.azure.com", volumeHandle: "share", volumeAttributes: { shareName: "share" }, nodePublishSecretRef: { name: "azure-secret", namespace: "shop" } }],
    ["a Cinder volume", { cinder: { volumeID: "c-1", fsType: "ext4" } }, {}, { driver: "cinder.csi.openstack.org", volumeHandle: "c-1", fsType: "ext4" }],
    ["a vSphere volume", { vsphereVolume: { volumePath: "[ds] kubevols/v.vmdk" } }, {}, { driver: "csi.vsphere.vmware.com", volumeHandle: "[ds] kubevols/v.vmdk" }],
    ["a FlexVolume with a volumeID option", { flexVolume: { driver: "example/lvm", fsType: "ext4", options: { volumeID: "lv-1", size: 10 } } }, {}, { driver: "example.com.csi", volumeHandle: "lv-1", fsType: "ext4", volumeAttributes: { volumeID: "lv-1", size: "10" } }],
    ["a FlexVolume without options, named by the PV", { flexVolume: { driver: "example/lvm" } }, {}, { driver: "example.com.csi", volumeHandle: "pv-1" }],
    ["an NFS volume", { nfs: { server: "10.0.0.5", path: "/exports/a" } }, {}, { driver: "nfs.csi.k8s.io", volumeHandle: "10.0.0.5#/exports/a", volumeAttributes: { server: "10.0.0.5", share: "/exports/a" } }],
  ])("translates %s", (_, source, metadata, csi) => {
    const spec = translated(pv(source, metadata));
    expect(spec.csi).toEqual(csi);
    for (const field of Object.keys(source)) expect(spec).not.toHaveProperty(field);
    expect(spec.capacity).toEqual({ storage: "10Gi" });
  });

  it("names the CSI driver as the provisioner, so the target deletes the volume through it", () => {
    const draft = pv({ awsElasticBlockStore: { volumeID: "vol-1" } }, { annotations: { "pv.kubernetes.io/provisioned-by": "kubernetes.io/aws-ebs" } });
    translatePvSource(draft, mapping);
    expect(draft.metadata.annotations).toEqual({ "pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com" });
  });

  it.each<[string, KubeObject, Map<string, string>]>([
    ["a source that is not mapped", pv({ awsElasticBlockStore: { volumeID: "vol-1" } }), new Map([["cinder", "cinder.csi.openstack.org"]])],
    ["a PV that already uses CSI", pv({ csi: { driver: "ebs.csi.aws.com", volumeHandle: "vol-1" } }), mapping],
    ["a hostPath PV", pv({ hostPath: { path: "/data" } }), mapping],
    ["an object that is not a PV", { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { awsElasticBlockStore: { volumeID: "vol-1" } } }, mapping],
  ])("leaves %s alone", (_, object, with_) => {
    expect(translated(object, with_)).toEqual(object.spec);
  });
});
