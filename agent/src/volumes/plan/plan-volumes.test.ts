import { VolumeBackupPhase, VolumeOptionsSchema, VolumePolicy } from "@lifeboat/proto";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { planVolumes, type VolumePlanInput } from "./plan-volumes.js";

type Json = Record<string, any>;

function pod(name: string, volumes: Json[], extra: { annotations?: Record<string, string>; phase?: string; node?: string } = {}): Json {
  return {
    metadata: { namespace: "shop", name, uid: `uid-${name}`, labels: { app: name }, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: { nodeName: extra.node ?? "node-1", containers: [{ name: "main" }], volumes },
    status: { phase: extra.phase ?? "Running" },
  };
}
const claimVolume = (name: string, claimName: string) => ({ name, persistentVolumeClaim: { claimName } });
function claim(name: string, storageClass: string, pv = `pv-${name}`, phase = "Bound"): Json {
  return { metadata: { namespace: "shop", name }, spec: { storageClassName: storageClass, volumeName: pv, resources: { requests: { storage: "5Gi" } } }, status: { phase } };
}
const csiPv = (name: string, driver = "hostpath.csi.lifeboat.dev") => [name, { metadata: { name }, spec: { csi: { driver, volumeHandle: name } } }] as const;
const ebsPv = (name: string) => [name, { metadata: { name }, spec: { awsElasticBlockStore: { volumeID: "aws://z/vol-1" } } }] as const;

function input(pods: Json[], claims: Json[], volumes: Array<readonly [string, Json]>, options: Partial<{ defaultPolicy: VolumePolicy; storageClassPolicies: Record<string, VolumePolicy> }>): VolumePlanInput {
  return { pods, claims, volumes: new Map(volumes), options: create(VolumeOptionsSchema, options) };
}

describe("planVolumes", () => {
  it("copies a running pod's claim file by file under the default FS policy, named for its PV", () => {
    const plan = planVolumes(input([pod("db-0", [claimVolume("data", "data-db-0")])], [claim("data-db-0", "standard")], [csiPv("pv-data-db-0")], { defaultPolicy: VolumePolicy.FS }));
    expect(plan.volumes).toEqual([
      expect.objectContaining({ key: "shop/data-db-0", volume: "data", dirName: "pv-data-db-0", claim: "data-db-0", storageClass: "standard", driver: "hostpath.csi.lifeboat.dev", mode: VolumePolicy.FS, capacity: "5Gi" }),
    ]);
    expect(plan.volumes[0]!.pod).toMatchObject({ name: "db-0", uid: "uid-db-0", node: "node-1", labels: { app: "db-0" } });
    expect(plan.skipped).toEqual([]);
  });

  it.each<[string, Json, RegExp]>([
    ["hostPath", { name: "logs", hostPath: { path: "/var/log" } }, /hostPath volume: its data belongs to the node/],
    ["configMap", { name: "cfg", configMap: { name: "settings" } }, /ConfigMap, which the backup holds/],
    ["secret", { name: "creds", secret: { secretName: "db" } }, /Secret, which the backup holds/],
    ["projected", { name: "kube-api-access-x", projected: { sources: [] } }, /projected volume/],
    ["downwardAPI", { name: "info", downwardAPI: { items: [] } }, /downwardAPI volume/],
    ["an emptyDir not opted in", { name: "cache", emptyDir: {} }, /copied only when the pod names it in backup.lifeboat.io\/include-volumes/],
    ["an nfs volume", { name: "shared", nfs: { server: "x", path: "/" } }, /nfs volume: not backed up/],
  ])("skips a %s volume with its reason", (_, volume, reason) => {
    const plan = planVolumes(input([pod("web", [volume])], [], [], { defaultPolicy: VolumePolicy.FS }));
    expect(plan.volumes).toEqual([]);
    expect(plan.skipped).toEqual([expect.objectContaining({ namespace: "shop", pod: "web", volume: volume.name, phase: VolumeBackupPhase.SKIPPED, reason: expect.stringMatching(reason) })]);
  });

  it("copies an emptyDir the pod opts in, and leaves out a claim it opts out", () => {
    const annotations = { "backup.lifeboat.io/include-volumes": "scratch", "backup.lifeboat.io/exclude-volumes": "cache" };
    const plan = planVolumes(
      input([pod("web", [{ name: "scratch", emptyDir: {} }, claimVolume("cache", "cache-web")], { annotations })], [claim("cache-web", "standard")], [csiPv("pv-cache-web")], { defaultPolicy: VolumePolicy.FS }),
    );
    expect(plan.volumes).toEqual([expect.objectContaining({ key: "shop/web/scratch", dirName: "scratch", mode: VolumePolicy.FS, claim: "" })]);
    expect(plan.skipped).toEqual([expect.objectContaining({ volume: "cache", claim: "cache-web", reason: expect.stringMatching(/exclude-volumes/) })]);
  });

  it("follows the storage class's policy over the default", () => {
    const plan = planVolumes(
      input(
        [pod("a", [claimVolume("data", "fast")]), pod("b", [claimVolume("data", "scratch")])],
        [claim("fast", "fast-ssd"), claim("scratch", "tmp")],
        [csiPv("pv-fast"), csiPv("pv-scratch")],
        { defaultPolicy: VolumePolicy.FS, storageClassPolicies: { "fast-ssd": VolumePolicy.SNAPSHOT, tmp: VolumePolicy.NONE } },
      ),
    );
    expect(plan.volumes).toEqual([expect.objectContaining({ claim: "fast", mode: VolumePolicy.SNAPSHOT })]);
    expect(plan.skipped).toEqual([expect.objectContaining({ claim: "scratch", reason: "volume policy NONE (storage class tmp)" })]);
  });

  it("copies a claim once however many pods mount it", () => {
    const plan = planVolumes(input([pod("b", [claimVolume("d", "shared")]), pod("a", [claimVolume("d", "shared")])], [claim("shared", "standard")], [csiPv("pv-shared")], { defaultPolicy: VolumePolicy.FS }));
    expect(plan.volumes.map((v) => v.pod?.name)).toEqual(["a"]);
  });

  it("snapshots a claim no running pod mounts, and skips it in FS mode with the reason", () => {
    const claims = [claim("idle", "standard")];
    const pods = [pod("job", [claimVolume("d", "idle")], { phase: "Succeeded" })];
    const snap = planVolumes(input(pods, claims, [csiPv("pv-idle")], { defaultPolicy: VolumePolicy.SNAPSHOT }));
    expect(snap.volumes).toEqual([expect.objectContaining({ claim: "idle", mode: VolumePolicy.SNAPSHOT, pod: undefined })]);
    const fs = planVolumes(input(pods, claims, [csiPv("pv-idle")], { defaultPolicy: VolumePolicy.FS }));
    expect(fs.volumes).toEqual([]);
    expect(fs.skipped).toEqual([expect.objectContaining({ claim: "idle", reason: expect.stringMatching(/not mounted by a running pod/) })]);
  });

  it("copies an in-tree volume file by file when SNAPSHOT is asked, and says so", () => {
    const plan = planVolumes(input([pod("db", [claimVolume("data", "old")])], [claim("old", "standard-hdd")], [ebsPv("pv-old")], { defaultPolicy: VolumePolicy.SNAPSHOT }));
    expect(plan.volumes).toEqual([expect.objectContaining({ claim: "old", mode: VolumePolicy.FS, driver: "kubernetes.io/aws-ebs" })]);
    expect(plan.notes).toEqual([expect.stringMatching(/kubernetes.io\/aws-ebs, which CSI snapshots cannot take/)]);
  });

  it("skips an unbound claim, and every claim under the NONE default", () => {
    const pending = planVolumes(input([pod("db", [claimVolume("data", "new")])], [claim("new", "standard", "", "Pending")], [], { defaultPolicy: VolumePolicy.FS }));
    expect(pending.skipped).toEqual([expect.objectContaining({ claim: "new", reason: "claim shop/new is not bound to a volume" })]);
    const none = planVolumes(input([pod("db", [claimVolume("data", "c")])], [claim("c", "standard")], [csiPv("pv-c")], {}));
    expect(none.volumes).toEqual([]);
    expect(none.skipped).toEqual([expect.objectContaining({ claim: "c", reason: "volume policy NONE (the backup's default)" })]);
  });
});
