import { describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../../api-types.js";
import { ObjectService } from "../../api/object-service.js";
import { seedNamespaces } from "../../bootstrap.js";
import { getPersona } from "../../personas/index.js";
import { ResourceRegistry } from "../../registry/index.js";
import { ObjectStore } from "../../store/index.js";
import { statusErrorOf } from "../../testing/status-error-of.js";
import { handleBinding } from "./pod-binding.js";
import { updateEphemeralContainers } from "./pod-ephemeral-containers.js";
import { evictPod } from "./pod-eviction.js";

function cluster(minor = 30) {
  const store = new ObjectStore();
  const registry = new ResourceRegistry(getPersona(minor));
  seedNamespaces(store, minor);
  const service = new ObjectService(store, registry, minor);
  const pods = registry.lookup("", "v1", "pods")!;
  const pdbs = registry.lookup("policy", "v1", "poddisruptionbudgets") ?? registry.lookup("policy", "v1beta1", "poddisruptionbudgets")!;
  const addPod = (name: string, phase = "Running", labels = { app: "db" }): KubeObject => {
    service.create(pods, "default", { metadata: { name, labels }, spec: { nodeName: "node-1", containers: [{ name: "app", image: "x" }] } });
    const pod = service.get(pods, "default", name);
    return service.update(pods, "default", name, { ...pod, status: { phase, conditions: [{ type: "Ready", status: phase === "Running" ? "True" : "False" }] } }, { subresource: "status" });
  };
  const addBudget = (status: JsonObject, generation = 1): void => {
    const pdb = service.create(pdbs, "default", { metadata: { name: "db-pdb" }, spec: { minAvailable: 1, selector: { matchLabels: { app: "db" } } } });
    store.update("policy/poddisruptionbudgets", { ...store.get("policy/poddisruptionbudgets", "default", "db-pdb")!, metadata: { ...pdb.metadata, generation }, status });
  };
  const evict = (name: string, body: unknown = { apiVersion: "policy/v1", kind: "Eviction", metadata: { name } }) => evictPod(service, pods, "default", name, body, () => ({}));
  return { store, service, pods, addPod, addBudget, evict };
}

describe("eviction", () => {
  it("deletes a pod no budget covers, marking it DisruptionTarget first from 1.26", () => {
    const { store, addPod, evict } = cluster(30);
    addPod("db-0");
    const seen: string[] = [];
    store.subscribe((e) => {
      if (e.storageKey === "/pods") seen.push(`${e.type} ${JSON.stringify((e.object.status as any)?.conditions?.find((c: any) => c.type === "DisruptionTarget") ?? null)}`);
    });
    expect(evict("db-0")).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
    expect(store.get("/pods", "default", "db-0")).toBeUndefined();
    expect(seen[0]).toMatch(/^MODIFIED .*"reason":"EvictionByEvictionAPI","message":"Eviction API: evicting"/);
    expect(seen[1]).toMatch(/^DELETED/);
  });

  it("is refused with 429 while the budget allows no disruption, or is not yet processed", () => {
    const { store, addPod, addBudget, evict } = cluster();
    addPod("db-0");
    addBudget({ observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 });
    const err = statusErrorOf(() => evict("db-0"));
    expect(err).toMatchObject({ code: 429, reason: "TooManyRequests", message: "Cannot evict pod as it would violate the pod's disruption budget." });
    expect(err.details).toEqual({ causes: [{ reason: "DisruptionBudget", message: "The disruption budget db-pdb needs 1 healthy pods and has 1 currently" }] });
    expect(store.get("/pods", "default", "db-0")).toBeDefined();

    const fresh = cluster();
    fresh.addPod("db-0");
    fresh.addBudget({}, 2);
    expect(statusErrorOf(() => fresh.evict("db-0")).details).toEqual({
      causes: [{ reason: "DisruptionBudget", message: "The disruption budget db-pdb is still being processed by the server." }],
      retryAfterSeconds: 10,
    });
  });

  it("uses up an allowed disruption and records the pod in the budget", () => {
    const { store, addPod, addBudget, evict } = cluster();
    addPod("db-0");
    addBudget({ observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    evict("db-0");
    expect(store.get("/pods", "default", "db-0")).toBeUndefined();
    const status = store.get("policy/poddisruptionbudgets", "default", "db-pdb")!.status as any;
    expect(status.disruptionsAllowed).toBe(0);
    expect(Object.keys(status.disruptedPods)).toEqual(["db-0"]);
    expect(status.conditions).toEqual([expect.objectContaining({ type: "DisruptionAllowed", status: "False", reason: "InsufficientPods" })]);
  });

  it("ignores budgets for pods that are not running, and checks the name", () => {
    const { store, addPod, addBudget, evict } = cluster(16);
    addPod("db-0", "Pending");
    addBudget({ observedGeneration: 1, disruptionsAllowed: 0 });
    evict("db-0", { apiVersion: "policy/v1beta1", kind: "Eviction", metadata: { name: "db-0" } });
    expect(store.get("/pods", "default", "db-0")).toBeUndefined();
    expect(statusErrorOf(() => evict("db-1", { metadata: { name: "other" } }))).toMatchObject({ code: 400, message: "name in URL does not match name in Eviction object" });
  });
});

describe("binding", () => {
  it("places an unscheduled pod once; a second binding is a Conflict on pods/binding", () => {
    const { store, service, pods } = cluster();
    service.create(pods, "default", { metadata: { name: "web" }, spec: { containers: [{ name: "app", image: "x" }] } });
    const body = { apiVersion: "v1", kind: "Binding", metadata: { name: "web" }, target: { apiVersion: "v1", kind: "Node", name: "node-1" } };
    expect(handleBinding(service, pods, "default", "web", body, false)).toMatchObject({ status: "Success", code: 201 });
    const pod = store.get("/pods", "default", "web")!;
    expect((pod.spec as any).nodeName).toBe("node-1");
    expect((pod.status as any).conditions).toEqual([expect.objectContaining({ type: "PodScheduled", status: "True" })]);
    expect(statusErrorOf(() => handleBinding(service, pods, "default", "web", body, false))).toMatchObject({
      code: 409,
      reason: "Conflict",
      message: 'Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "node-1"',
    });
  });
});

describe("ephemeral containers", () => {
  it("adds one through a strategic merge patch, and refuses to remove it", () => {
    const { service, pods, addPod } = cluster();
    addPod("db-0");
    const debug = { name: "debugger", image: "busybox", targetContainerName: "app" };
    const patched = updateEphemeralContainers(service, pods, "default", "db-0", { patchType: "application/strategic-merge-patch+json", patch: { spec: { ephemeralContainers: [debug] } } }, false);
    expect((patched.spec as any).ephemeralContainers).toEqual([debug]);
    expect((patched.spec as any).containers).toHaveLength(1);
    const current = service.get(pods, "default", "db-0");
    const err = statusErrorOf(() => updateEphemeralContainers(service, pods, "default", "db-0", { body: { ...current, spec: { ...(current.spec as object), ephemeralContainers: [] } } }, false));
    expect(err).toMatchObject({ code: 422, reason: "Invalid" });
    expect(err.message).toContain('existing ephemeral containers "debugger" may not be removed');
  });
});
