import { describe, expect, it } from "vitest";
import { provisionedSource, provisionerProfile, type SourceRequest } from "./provisioned-source.js";

const request = (provisioner: string, extra: Partial<SourceRequest> = {}): SourceRequest => ({
  provisioner,
  pvName: "pvc-1234",
  parameters: {},
  volumeMode: "Filesystem",
  identity: "1700000000000-42-" + provisioner,
  volumeId: "0123456789abcdef0",
  ...extra,
});

describe("provisioned volume sources", () => {
  it("gives cloud CSI drivers a CSI source of their own name, as the emulator's driver", () => {
    for (const driver of ["hostpath.csi.lifeboat.dev", "ebs.csi.aws.com", "pd.csi.storage.gke.io", "disk.csi.azure.com"]) {
      expect(provisionedSource(request(driver, { volumeId: "vh-1" }))).toEqual({
        csi: { driver, fsType: "ext4", volumeAttributes: { "storage.kubernetes.io/csiProvisionerIdentity": `1700000000000-42-${driver}` }, volumeHandle: "vh-1" },
      });
    }
    expect(provisionedSource(request("ebs.csi.aws.com", { parameters: { "csi.storage.k8s.io/fstype": "xfs" } })).csi).toMatchObject({ fsType: "xfs" });
    expect(provisionedSource(request("ebs.csi.aws.com", { volumeMode: "Block" })).csi).not.toHaveProperty("fsType");
  });

  it("gives aws-ebs an awsElasticBlockStore source in the class's zone, else us-east-1a", () => {
    expect(provisionedSource(request("kubernetes.io/aws-ebs"))).toEqual({ awsElasticBlockStore: { volumeID: "aws://us-east-1a/vol-0123456789abcdef0", fsType: "ext4" } });
    expect(provisionedSource(request("kubernetes.io/aws-ebs", { parameters: { zones: "eu-west-1c, eu-west-1a", fsType: "xfs" } }))).toEqual({
      awsElasticBlockStore: { volumeID: "aws://eu-west-1c/vol-0123456789abcdef0", fsType: "xfs" },
    });
    expect(provisionedSource(request("kubernetes.io/aws-ebs", { volumeMode: "Block" }))).toEqual({ awsElasticBlockStore: { volumeID: "aws://us-east-1a/vol-0123456789abcdef0" } });
  });

  it("gives gce-pd a gcePersistentDisk source named as the PV", () => {
    expect(provisionedSource(request("kubernetes.io/gce-pd"))).toEqual({ gcePersistentDisk: { pdName: "pvc-1234", fsType: "ext4" } });
  });

  it("reports CSI provisioning as the driver's sidecar and in-tree provisioning as the PV controller", () => {
    const ebs = provisionerProfile("ebs.csi.aws.com", "u-1");
    expect(ebs).toMatchObject({ component: "ebs.csi.aws.com_ebs-csi-controller-0_u-1", announcesProvisioning: true, restoresSnapshots: true });
    expect(ebs.succeededMessage("pvc-1")).toBe("Successfully provisioned volume pvc-1");
    expect(provisionerProfile("hostpath.csi.lifeboat.dev", "u-1").component).toBe("hostpath.csi.lifeboat.dev_csi-hostpathplugin-0_u-1");
    const inTree = provisionerProfile("kubernetes.io/gce-pd", "u-1");
    expect(inTree).toMatchObject({ component: "persistentvolume-controller", announcesProvisioning: false, restoresSnapshots: false });
    expect(inTree.succeededMessage("pvc-1")).toBe("Successfully provisioned volume pvc-1 using kubernetes.io/gce-pd");
  });
});
