import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../../api-types.js";
import { startEmulator, type RunningEmulator } from "../../emulator.js";

// The ReplicaSet controller alone: the test plays kubelet, so it decides when pods are ready.
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ k8sVersion: "1.30", controllers: ["replicaset"] });
});
afterAll(async () => {
  await emulator?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("ReplicaSet controller", () => {
  it("counts a ready pod available only after minReadySeconds, waking itself up for it", async () => {
    const { service } = emulator;
    service.create(service.registry.lookup("", "v1", "namespaces")!, undefined, { metadata: { name: "min-ready" } });
    service.create(service.registry.lookup("apps", "v1", "replicasets")!, "min-ready", {
      metadata: { name: "web" },
      spec: { replicas: 1, minReadySeconds: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "main", image: "nginx" }] } } },
    });
    await sleep(50);
    const [pod] = service.store.list("/pods", "min-ready").items as [KubeObject];
    const readyAt = new Date().toISOString();
    service.update(service.registry.lookup("", "v1", "pods")!, "min-ready", pod.metadata.name!, { ...pod, status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: readyAt }] } }, { subresource: "status" });
    await sleep(50);
    const status = () => service.store.get("apps/replicasets", "min-ready", "web")!.status as Record<string, unknown>;
    expect(status()).toMatchObject({ replicas: 1, readyReplicas: 1 });
    expect(status().availableReplicas).toBeUndefined();
    // No event arrives after this; only the controller's own timer can bring the count up.
    await sleep(Date.parse(readyAt) + 1000 + 400 - Date.now());
    expect(status().availableReplicas).toBe(1);
  });
});
