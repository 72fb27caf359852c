import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../../api-types.js";
import { startEmulator, type RunningEmulator } from "../../emulator.js";

// The Deployment and ReplicaSet controllers alone, without scheduler or kubelet: no pod ever
// becomes ready unless a test says so, so a rollout stops exactly where upstream's
// arithmetic says it must.
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ k8sVersion: "1.30", controllers: ["garbage-collector", "replicaset", "deployment"] });
});
afterAll(async () => {
  await emulator?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const info = (group: string, resource: string) => emulator.service.registry.lookup(group, "v1", resource)!;
const store = () => emulator.service.store;

async function settle(): Promise<void> {
  let rv = -1;
  while (rv !== store().resourceVersion) {
    rv = store().resourceVersion;
    await sleep(30);
  }
}

/** spec.replicas of the namespace's ReplicaSets, by the image of their template. */
function replicaSets(ns: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const rs of store().list("apps/replicasets", ns).items) {
    const spec = rs.spec as any;
    sizes.set(spec.template.spec.containers[0].image, spec.replicas);
  }
  return sizes;
}

function markReady(ns: string): void {
  for (const pod of store().list("/pods", ns).items) {
    if ((pod.status as any)?.conditions) continue;
    const at = new Date(Date.now() - 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    emulator.service.update(info("", "pods"), ns, pod.metadata.name!, { ...pod, status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: at }] } }, { subresource: "status" });
  }
}

let serial = 0;
async function withDeployment(replicas: number): Promise<{ ns: string; d: () => KubeObject; update: (spec: JsonObject) => Promise<void> }> {
  const ns = `unit-${++serial}`;
  emulator.service.create(info("", "namespaces"), undefined, { metadata: { name: ns } });
  const deployments = emulator.service.registry.lookup("apps", "v1", "deployments")!;
  emulator.service.create(deployments, ns, {
    metadata: { name: "web" },
    spec: { replicas, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "main", image: "v1" }] } } },
  });
  await settle();
  const d = () => store().get("apps/deployments", ns, "web")!;
  const update = async (spec: JsonObject) => {
    const cur = structuredClone(d());
    emulator.service.update(deployments, ns, "web", { ...cur, spec: { ...(cur.spec as JsonObject), ...spec } });
    await settle();
  };
  return { ns, d, update };
}

const image = (tag: string) => ({ template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "main", image: tag }] } } });

describe("Deployment controller without scheduler or kubelet", () => {
  it("with pods never ready, a 25%/25% rollout of 4 replicas stops at 2 new and 3 old, and scaling mid-rollout is proportional", async () => {
    const { ns, update, d } = await withDeployment(4);
    expect(replicaSets(ns)).toEqual(new Map([["v1", 4]]));
    await update(image("v2"));
    // Surge to 5, shed one unavailable old pod, surge again: then the new set's own
    // unavailable pods forbid shrinking the old one further.
    expect(replicaSets(ns)).toEqual(new Map([["v1", 3], ["v2", 2]]));
    expect((d().status as any).conditions.find((c: any) => c.type === "Available")).toMatchObject({ status: "False", reason: "MinimumReplicasUnavailable" });

    // 8 replicas allow 10 pods: the 5 more split 3:2 by the sets' shares of the old max of 5.
    await update({ replicas: 8 });
    expect(replicaSets(ns)).toEqual(new Map([["v1", 6], ["v2", 4]]));
  });

  it("completes as pods are marked ready, then reports NewReplicaSetAvailable", async () => {
    const { ns, update, d } = await withDeployment(2);
    markReady(ns);
    await settle();
    await update(image("v2"));
    for (let i = 0; i < 10 && replicaSets(ns).get("v1") !== 0; i++) {
      markReady(ns);
      await settle();
    }
    expect(replicaSets(ns)).toEqual(new Map([["v1", 0], ["v2", 2]]));
    const status = d().status as any;
    expect(status).toMatchObject({ replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(status.conditions.find((c: any) => c.type === "Progressing")).toMatchObject({ status: "True", reason: "NewReplicaSetAvailable" });
  });

  it("a server-side rollback (legacy rollbackTo) restores the earlier template", async () => {
    const { ns, update, d } = await withDeployment(1);
    await update(image("v2"));
    const cur = structuredClone(d());
    cur.metadata.annotations = { ...cur.metadata.annotations, "deprecated.deployment.rollback.to": "1" };
    emulator.service.update(emulator.service.registry.lookup("apps", "v1", "deployments")!, ns, "web", cur);
    await settle();
    expect(((d().spec as any).template.spec.containers[0].image)).toBe("v1");
    expect(d().metadata.annotations?.["deprecated.deployment.rollback.to"]).toBeUndefined();
    const events = store().list("/events", ns).items.filter((e) => e.reason === "DeploymentRollback");
    expect(events.map((e) => e.message)).toEqual([`Rolled back deployment "web" to revision 1`]);
  });
});
