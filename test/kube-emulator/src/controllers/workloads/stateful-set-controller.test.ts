import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../../api-types.js";
import { startEmulator, type RunningEmulator } from "../../emulator.js";
import { ControllerClient } from "../client.js";
import { claimOwnerRefs, claimName, newClaim, newStatefulSetPod, parentAndOrdinal } from "./stateful-set-pods.js";

const tick = () => new Promise((r) => setTimeout(r, 5));

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick();
  }
}

function statefulSet(name: string, replicas: number, extra: JsonObject = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace: "default" },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx:1.25" }] } },
      volumeClaimTemplates: [
        { metadata: { name: "www", labels: { tier: "data" } }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } },
      ],
      ...extra,
    },
  };
}

describe("StatefulSet pods and claims", () => {
  const set = { ...statefulSet("web", 3), metadata: { name: "web", namespace: "ns", uid: "set-uid" } } as KubeObject;

  it("parses ordinals the way getParentNameAndOrdinal does", () => {
    expect(parentAndOrdinal("web-0")).toEqual({ parent: "web", ordinal: 0 });
    expect(parentAndOrdinal("my-db-12")).toEqual({ parent: "my-db", ordinal: 12 });
    expect(parentAndOrdinal("web")).toEqual({ parent: "", ordinal: -1 });
    expect(parentAndOrdinal("web-x")).toEqual({ parent: "", ordinal: -1 });
  });

  it("names a claim <template>-<set>-<ordinal> with the template's and the selector's labels and no owner", () => {
    const template = (set.spec as JsonObject).volumeClaimTemplates as JsonObject[];
    const claim = newClaim(set, template[0]!, 2);
    expect(claim.metadata).toEqual({ name: "www-web-2", namespace: "ns", labels: { tier: "data", app: "web" } });
    expect(claimName(set, template[0]!, 0)).toBe("www-web-0");
  });

  it("builds a pod with its identity, its claim's volume and the revision label; pod-index only from 1.28", () => {
    const template = (set.spec as JsonObject).template as JsonObject;
    const old = newStatefulSetPod(set, template, "web-abc", 1, 27);
    expect(old.metadata).toMatchObject({ name: "web-1", generateName: "web-", labels: { app: "web", "statefulset.kubernetes.io/pod-name": "web-1", "controller-revision-hash": "web-abc" } });
    expect(old.metadata.labels?.["apps.kubernetes.io/pod-index"]).toBeUndefined();
    expect(old.spec).toMatchObject({ hostname: "web-1", subdomain: "web", volumes: [{ name: "www", persistentVolumeClaim: { claimName: "www-web-1" } }] });
    expect(old.metadata.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: "set-uid", controller: true, blockOwnerDeletion: true }]);
    expect(newStatefulSetPod(set, template, "web-abc", 1, 28).metadata.labels?.["apps.kubernetes.io/pod-index"]).toBe("1");
  });

  it("gives claims owner references only as the retention policy asks", () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web-2", uid: "pod-uid" } } as KubeObject;
    const claim = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "www-web-2" } } as KubeObject;
    expect(claimOwnerRefs(claim, set, pod, true)).toEqual([]);
    const withPolicy = (whenDeleted: string, whenScaled: string) =>
      ({ ...set, spec: { ...(set.spec as JsonObject), persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled } } }) as KubeObject;
    expect(claimOwnerRefs(claim, withPolicy("Delete", "Retain"), pod, true).map((r) => r.uid)).toEqual(["set-uid"]);
    expect(claimOwnerRefs(claim, withPolicy("Retain", "Delete"), pod, true).map((r) => r.uid)).toEqual(["pod-uid"]);
    expect(claimOwnerRefs(claim, withPolicy("Retain", "Delete"), pod, false)).toEqual([]);
    expect(claimOwnerRefs(claim, withPolicy("Delete", "Delete"), pod, false).map((r) => r.uid)).toEqual(["set-uid"]);
  });
});

describe.each(["1.16", "1.30"])("StatefulSet controller on %s", (version) => {
  let emulator: RunningEmulator;
  let client: ControllerClient;
  beforeAll(async () => {
    emulator = await startEmulator({ k8sVersion: version, controllers: ["garbage-collector", "statefulset"] });
    client = new ControllerClient(emulator.service);
  });
  afterAll(async () => {
    await emulator.stop();
  });

  const pod = (name: string) => client.get("/pods", "default", name);
  const markReady = (name: string) => {
    const p = pod(name)!;
    client.updateStatus("/pods", { ...p, status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: new Date().toISOString() }] } });
  };

  it("creates pods one at a time, each once the previous is Running and Ready, with their claims first", async () => {
    client.create("apps/statefulsets", statefulSet("ord", 3));
    await until("ord-0", () => pod("ord-0"));
    expect(client.get("/persistentvolumeclaims", "default", "www-ord-0")).toBeDefined();
    await new Promise((r) => setTimeout(r, 50));
    expect(pod("ord-1")).toBeUndefined();
    markReady("ord-0");
    await until("ord-1", () => pod("ord-1"));
    expect(pod("ord-2")).toBeUndefined();
    markReady("ord-1");
    await until("ord-2", () => pod("ord-2"));
    markReady("ord-2");
    const set = await until("status", () => {
      const s = client.get("apps/statefulsets", "default", "ord")!;
      return (s.status as JsonObject | undefined)?.readyReplicas === 3 ? s : undefined;
    });
    const status = set.status as JsonObject;
    expect(status).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 1, collisionCount: 0 });
    expect(status.currentRevision).toBe(status.updateRevision);
    expect(String(status.updateRevision)).toMatch(/^ord-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(status.availableReplicas).toBe(version === "1.30" ? 3 : undefined);
    const revision = client.get("apps/controllerrevisions", "default", String(status.updateRevision))!;
    expect(revision).toMatchObject({ revision: 1, metadata: { labels: { app: "ord" }, ownerReferences: [{ kind: "StatefulSet", name: "ord", controller: true }] } });
    expect(pod("ord-0")!.metadata.labels?.["controller-revision-hash"]).toBe(status.updateRevision);
    expect(client.get("/persistentvolumeclaims", "default", "www-ord-2")!.metadata.ownerReferences).toBeUndefined();
  });

  it("creates all pods at once under Parallel and scales down from the highest ordinal", async () => {
    client.create("apps/statefulsets", statefulSet("par", 3, { podManagementPolicy: "Parallel" }));
    await until("all three", () => pod("par-0") && pod("par-1") && pod("par-2"));
    for (const n of ["par-0", "par-1", "par-2"]) markReady(n);
    const set = client.get("apps/statefulsets", "default", "par")!;
    client.update("apps/statefulsets", { ...set, spec: { ...(set.spec as JsonObject), replicas: 1 } });
    await until("scaled down", () => !pod("par-1") && !pod("par-2"));
    expect(pod("par-0")).toBeDefined();
    expect(client.get("/persistentvolumeclaims", "default", "www-par-2")).toBeDefined();
  });

  it("recreates a deleted pod under the same name", async () => {
    client.create("apps/statefulsets", statefulSet("re", 1));
    const first = await until("re-0", () => pod("re-0"));
    client.delete("/pods", first);
    const second = await until("new re-0", () => (pod("re-0")?.metadata.uid !== first.metadata.uid ? pod("re-0") : undefined));
    expect(second.metadata.name).toBe("re-0");
  });

  it("on 1.27+ deletes a scaled-down pod's claims with it under whenScaled: Delete", async () => {
    const policy = { persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Delete" } };
    client.create("apps/statefulsets", statefulSet("ret", 2, { podManagementPolicy: "Parallel", ...policy }));
    await until("pods", () => pod("ret-0") && pod("ret-1"));
    markReady("ret-0");
    markReady("ret-1");
    const set = client.get("apps/statefulsets", "default", "ret")!;
    client.update("apps/statefulsets", { ...set, spec: { ...(set.spec as JsonObject), replicas: 1 } });
    await until("ret-1 gone", () => !pod("ret-1"));
    const claim = () => client.get("/persistentvolumeclaims", "default", "www-ret-1");
    // Deleted, or held only by the pvc-protection finalizer of a controller not running here.
    if (version === "1.30") await until("claim deleted", () => !claim() || !!claim()!.metadata.deletionTimestamp);
    else {
      await new Promise((r) => setTimeout(r, 50));
      expect(claim()).toBeDefined();
    }
    expect(client.get("/persistentvolumeclaims", "default", "www-ret-0")).toBeDefined();
  });

  it("rolls a template change from the highest ordinal down with a new revision", async () => {
    client.create("apps/statefulsets", statefulSet("roll", 2, { podManagementPolicy: "Parallel" }));
    await until("pods", () => pod("roll-0") && pod("roll-1"));
    markReady("roll-0");
    markReady("roll-1");
    const oldRevision = pod("roll-1")!.metadata.labels?.["controller-revision-hash"];
    const set = client.get("apps/statefulsets", "default", "roll")!;
    const spec = set.spec as JsonObject;
    const template = spec.template as JsonObject;
    client.update("apps/statefulsets", { ...set, spec: { ...spec, template: { ...template, metadata: { labels: { app: "roll", v: "2" } } } } });
    const replaced = await until("roll-1 replaced", () => (pod("roll-1") && pod("roll-1")!.metadata.labels?.["controller-revision-hash"] !== oldRevision ? pod("roll-1") : undefined));
    expect(pod("roll-0")!.metadata.labels?.["controller-revision-hash"]).toBe(oldRevision);
    markReady("roll-1");
    await until("roll-0 replaced", () => pod("roll-0") && pod("roll-0")!.metadata.labels?.["controller-revision-hash"] === replaced.metadata.labels?.["controller-revision-hash"]);
    markReady("roll-0");
    const status = await until("rolled", () => {
      const s = client.get("apps/statefulsets", "default", "roll")!.status as JsonObject;
      return s.currentRevision === s.updateRevision && s.readyReplicas === 2 ? s : undefined;
    });
    expect(status).toMatchObject({ updatedReplicas: 2, currentReplicas: 2, observedGeneration: 2 });
    const revisions = client.list("apps/controllerrevisions", "default").filter((r) => r.metadata.name?.startsWith("roll-"));
    expect(revisions.map((r) => r.revision).sort()).toEqual([1, 2]);
  });
});
