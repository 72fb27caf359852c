// Volumes for sample apps written for a cloud, against real kubectl: StorageClasses of the
// in-tree aws-ebs and gce-pd plugins on 1.16 provision PVs with the in-tree sources, which
// the kubelet lays out under kubernetes.io~aws-ebs (an exec'd hook sees the data at the
// mountPath) and which go with their claim; the cloud CSI drivers provision as the
// emulator's own does; other in-tree names still fail.
import { readFile, readlink, stat } from "node:fs/promises";
import { join } from "node:path";
import type { RunningEmulator } from "@lifeboat/kube-emulator";
import { describe, it } from "vitest";
import { persistentVolumeDir } from "../../../kube-emulator/src/kubelet/volume-layout.js";
import { eventually } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

interface Obj {
  metadata: { name: string; uid: string; annotations?: Record<string, string> };
  spec?: any;
  status?: any;
}

const settles = 20_000;

function storageClass(name: string, provisioner: string, parameters?: Record<string, string>) {
  return { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name }, provisioner, reclaimPolicy: "Delete", ...(parameters ? { parameters } : {}) };
}

function claim(name: string, storageClassName: string) {
  return { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name }, spec: { accessModes: ["ReadWriteOnce"], storageClassName, resources: { requests: { storage: "1Gi" } } } };
}

const storedClaim = (cluster: RunningEmulator, ns: string, name: string) => cluster.service.store.get("/persistentvolumeclaims", ns, name) as Obj | undefined;
const storedVolume = (cluster: RunningEmulator, name: string) => cluster.service.store.get("/persistentvolumes", "", name) as Obj | undefined;

/** The PV a claim binds to, once it is Bound. */
function boundVolume(cluster: RunningEmulator, ns: string, name: string): Promise<Obj> {
  return eventually(`claim ${ns}/${name} bound`, async () => {
    const c = storedClaim(cluster, ns, name);
    return c?.status?.phase === "Bound" ? storedVolume(cluster, c.spec.volumeName) : undefined;
  }, settles);
}

describe("in-tree cloud provisioners on 1.16", () => {
  const session = useKubectlCluster<Obj>("1.16", "http");
  const { k, kr, getJson, namespace } = session;
  const apply = (obj: unknown, ns?: string) => k([...(ns ? ["-n", ns] : []), "apply", "-f", "-"], JSON.stringify(obj));
  const eventsOf = async (ns: string, name: string) =>
    (await getJson<{ items: { reason: string; message: string; source?: { component?: string } }[] }>(["-n", ns, "get", "events", "--field-selector", `involvedObject.name=${name}`])).items;

  it.concurrent("provisions an aws-ebs volume a pod sees under kubernetes.io~aws-ebs, and deletes it with its claim", async ({ expect }) => {
    const ns = await namespace("cloud-ebs");
    await apply(storageClass(`gp2-${ns}`, "kubernetes.io/aws-ebs", { type: "gp2", zone: "eu-west-1b" }));
    await apply(claim("data", `gp2-${ns}`), ns);
    const cluster = session.cluster;
    const pv = await boundVolume(cluster, ns, "data");
    const c = storedClaim(cluster, ns, "data")!;
    expect(pv.metadata.name).toBe(`pvc-${c.metadata.uid}`);
    expect(pv.metadata.annotations?.["pv.kubernetes.io/provisioned-by"]).toBe("kubernetes.io/aws-ebs");
    expect(pv.spec.awsElasticBlockStore).toEqual({ volumeID: expect.stringMatching(/^aws:\/\/eu-west-1b\/vol-[0-9a-f]{17}$/), fsType: "ext4" });
    expect(pv.spec.csi).toBeUndefined();
    expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: "Delete", storageClassName: `gp2-${ns}`, capacity: { storage: "1Gi" } });
    expect(c.metadata.annotations?.["volume.beta.kubernetes.io/storage-provisioner"]).toBe("kubernetes.io/aws-ebs");
    const said = (await eventsOf(ns, "data")).map((e) => `${e.source?.component} ${e.reason}: ${e.message}`);
    expect(said).toContain(`persistentvolume-controller ProvisioningSucceeded: Successfully provisioned volume ${pv.metadata.name} using kubernetes.io/aws-ebs`);
    expect(said.some((s) => s.includes("ExternalProvisioning"))).toBe(false);

    await apply({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "db" },
      spec: { containers: [{ name: "app", image: "mysql:8", volumeMounts: [{ name: "data", mountPath: "/var/lib/mysql" }] }], volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }] },
    }, ns);
    await k(["-n", ns, "wait", "--for=condition=Ready", "pod/db", "--timeout=30s"]);
    const p = await getJson(["-n", ns, "get", "pod", "db"]);
    const dataDir = cluster.dataDir;
    const mount = join(dataDir, "nodes", p.spec.nodeName, "pods", p.metadata.uid, "volumes", "kubernetes.io~aws-ebs", pv.metadata.name);
    expect(await readlink(mount)).toBe(persistentVolumeDir(dataDir, pv.metadata.name));
    const hook = await kr(["-n", ns, "exec", "db", "--", "sh", "-c", "echo flushed > /var/lib/mysql/flush-mark && ls /var/lib/mysql"]);
    expect(hook).toMatchObject({ code: 0, stdout: "flush-mark\n" });
    expect(await readFile(join(persistentVolumeDir(dataDir, pv.metadata.name), "flush-mark"), "utf8")).toBe("flushed\n");

    await k(["-n", ns, "delete", "pod", "db", "--wait=false"]);
    await k(["-n", ns, "delete", "pvc", "data", "--wait=false"]);
    await eventually("the volume deleted with its claim", async () => (storedVolume(cluster, pv.metadata.name) ? undefined : true), settles);
    await eventually("the volume's data deleted", async () => readFile(join(persistentVolumeDir(dataDir, pv.metadata.name), "flush-mark")).then(() => undefined, () => true), settles);
  });

  it.concurrent("provisions a gce-pd volume with the in-tree gcePersistentDisk source", async ({ expect }) => {
    const ns = await namespace("cloud-pd");
    await apply(storageClass(`pd-${ns}`, "kubernetes.io/gce-pd", { type: "pd-ssd", fsType: "xfs" }));
    await apply(claim("data", `pd-${ns}`), ns);
    const pv = await boundVolume(session.cluster, ns, "data");
    expect(pv.metadata.annotations?.["pv.kubernetes.io/provisioned-by"]).toBe("kubernetes.io/gce-pd");
    expect(pv.spec.gcePersistentDisk).toEqual({ pdName: pv.metadata.name, fsType: "xfs" });
    expect(pv.metadata.name).toBe(`pvc-${storedClaim(session.cluster, ns, "data")!.metadata.uid}`);
  });

  it.concurrent("keeps failing claims of no-provisioner and of in-tree plugins that do not provision here", async ({ expect }) => {
    const ns = await namespace("cloud-none");
    await apply(storageClass(`local-${ns}`, "kubernetes.io/no-provisioner"));
    await apply(storageClass(`cinder-${ns}`, "kubernetes.io/cinder"));
    await apply(claim("local", `local-${ns}`), ns);
    await apply(claim("cinder", `cinder-${ns}`), ns);
    for (const [name, plugin] of [["local", "kubernetes.io/no-provisioner"], ["cinder", "kubernetes.io/cinder"]] as const) {
      const failed = await eventually(`${name} ProvisioningFailed`, async () => (await eventsOf(ns, name)).find((e) => e.reason === "ProvisioningFailed"), settles);
      expect(failed.message).toBe(`no volume plugin matched name: ${plugin}`);
      expect(storedClaim(session.cluster, ns, name)?.status?.phase).toBe("Pending");
    }
  });
});

describe("cloud CSI drivers on 1.30", () => {
  const session = useKubectlCluster<Obj>("1.30", "https", { controllers: ["namespace-lifecycle", "garbage-collector", "persistent-volume-binder"] });
  const { k, namespace } = session;
  const apply = (obj: unknown, ns?: string) => k([...(ns ? ["-n", ns] : []), "apply", "-f", "-"], JSON.stringify(obj));

  for (const [driver, short] of [
    ["ebs.csi.aws.com", "ebs"],
    ["pd.csi.storage.gke.io", "pd"],
    ["disk.csi.azure.com", "disk"],
  ] as const) {
    it.concurrent(`binds a claim of a ${driver} class to a CSI volume of that driver`, async ({ expect }) => {
      const ns = await namespace(`csi-${short}`);
      await apply(storageClass(`${short}-${ns}`, driver, { "csi.storage.k8s.io/fstype": "xfs" }));
      await apply(claim("data", `${short}-${ns}`), ns);
      const pv = await boundVolume(session.cluster, ns, "data");
      expect(pv.metadata.annotations?.["pv.kubernetes.io/provisioned-by"]).toBe(driver);
      expect(pv.spec.csi).toMatchObject({ driver, fsType: "xfs", volumeHandle: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(pv.spec.csi.volumeAttributes["storage.kubernetes.io/csiProvisionerIdentity"]).toMatch(new RegExp(`-${driver.replace(/\./g, "\\.")}$`));
      const claimed = storedClaim(session.cluster, ns, "data")!;
      expect(claimed.metadata.annotations?.["volume.kubernetes.io/storage-provisioner"]).toBe(driver);
      expect((await stat(persistentVolumeDir(session.cluster.dataDir, pv.metadata.name))).isDirectory()).toBe(true);
    });
  }
});
