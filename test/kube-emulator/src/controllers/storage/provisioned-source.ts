import type { JsonObject } from "../../api-types.js";
import { awsEbsPlugin, csiDrivers, gcePdPlugin, hostpathDriver } from "./storage-names.js";

/**
 * How each provisioner the emulator plays presents itself and the volumes it makes: the CSI
 * drivers' external-provisioner sidecars and the in-tree aws-ebs and gce-pd plugins the PV
 * controller runs. Pure: the random parts (volume handle, EBS volume id) come in.
 */

export interface ProvisionerProfile {
  name: string;
  /** The event source of its events: the sidecar's "<driver>_<pod>_<uuid>", or the PV controller. */
  component: string;
  /** External provisioners announce "Provisioning" first; the in-tree plugins do not. */
  announcesProvisioning: boolean;
  /** Only CSI drivers restore claims from VolumeSnapshots here. */
  restoresSnapshots: boolean;
  succeededMessage(pvName: string): string;
}

/** The controller pod each driver's sidecar runs in, as its deployment names it. */
const controllerPods: Record<string, string> = {
  [hostpathDriver]: "csi-hostpathplugin-0",
  "ebs.csi.aws.com": "ebs-csi-controller-0",
  "pd.csi.storage.gke.io": "csi-gce-pd-controller-0",
  "disk.csi.azure.com": "csi-azuredisk-controller-0",
};

export function provisionerProfile(name: string, instance: string): ProvisionerProfile {
  if (csiDrivers.has(name)) {
    return {
      name,
      component: `${name}_${controllerPods[name] ?? "csi-controller-0"}_${instance}`,
      announcesProvisioning: true,
      restoresSnapshots: true,
      succeededMessage: (pvName) => `Successfully provisioned volume ${pvName}`,
    };
  }
  return {
    name,
    component: "persistentvolume-controller",
    announcesProvisioning: false,
    restoresSnapshots: false,
    succeededMessage: (pvName) => `Successfully provisioned volume ${pvName} using ${name}`,
  };
}

export interface SourceRequest {
  provisioner: string;
  pvName: string;
  /** The StorageClass's parameters. */
  parameters: Record<string, string>;
  volumeMode: string;
  /** csi-provisioner's identity (storage.kubernetes.io/csiProvisionerIdentity). */
  identity: string;
  /** A fresh id: the CSI volume handle, or the hex of an EBS volume id. */
  volumeId: string;
}

/** The volume source of a PV the provisioner makes, as the one field of the PV spec that holds it. */
export function provisionedSource(request: SourceRequest): JsonObject {
  const { provisioner, parameters, volumeMode } = request;
  const block = volumeMode === "Block";
  if (provisioner === awsEbsPlugin || provisioner === gcePdPlugin) {
    // A block volume has no filesystem; in-tree classes name theirs with "fsType".
    const fsType: JsonObject = block ? {} : { fsType: parameters.fsType ?? parameters.fstype ?? "ext4" };
    if (provisioner === gcePdPlugin) return { gcePersistentDisk: { pdName: request.pvName, ...fsType } };
    return { awsElasticBlockStore: { volumeID: `aws://${awsZone(parameters)}/vol-${request.volumeId}`, ...fsType } };
  }
  const fsType: JsonObject = block ? {} : { fsType: parameters["csi.storage.k8s.io/fstype"] ?? "ext4" };
  return {
    csi: {
      driver: provisioner,
      ...fsType,
      volumeAttributes: { "storage.kubernetes.io/csiProvisionerIdentity": request.identity },
      volumeHandle: request.volumeId,
    },
  };
}

/** The class's zone (or the first of its zones), else the first zone of us-east-1. */
function awsZone(parameters: Record<string, string>): string {
  const zones = (parameters.zone ?? parameters.zones ?? "").split(",").map((z) => z.trim()).filter((z) => z !== "");
  return zones[0] ?? "us-east-1a";
}
