import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../emulator.js";

// The pod garbage collector alone, with a 300 ms quarantine instead of upstream's 40 s.
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ k8sVersion: "1.30", nodes: 2, controllers: ["pod-gc"], controllerSettings: { orphanPodQuarantineMs: 300 } });
  const { service } = emulator;
  service.create(service.registry.lookup("", "v1", "namespaces")!, undefined, { metadata: { name: "gc" } });
});
afterAll(async () => {
  await emulator?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function createPod(name: string, nodeName: string): void {
  const { service } = emulator;
  service.create(service.registry.lookup("", "v1", "pods")!, "gc", { metadata: { name }, spec: { nodeName, containers: [{ name: "c", image: "nginx:1.25" }] } });
}
const exists = (name: string) => emulator.service.store.get("/pods", "gc", name) !== undefined;

describe("pod garbage collector", () => {
  it("deletes pods bound to a node that stays missing past the quarantine, and no others", async () => {
    createPod("lost", "node-9");
    createPod("home", "node-1");
    await sleep(100);
    expect(exists("lost")).toBe(true);
    await sleep(600);
    expect(exists("lost")).toBe(false);
    expect(exists("home")).toBe(true);
  });

  it("spares the pods of a node that comes back within the quarantine", async () => {
    const { service } = emulator;
    createPod("kept", "node-2");
    const nodes = service.registry.lookup("", "v1", "nodes")!;
    const node = service.store.get("/nodes", "", "node-2")!;
    service.delete(nodes, undefined, "node-2");
    await sleep(50);
    const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ts, ...meta } = node.metadata;
    service.create(nodes, undefined, { ...node, metadata: meta });
    await sleep(600);
    expect(exists("kept")).toBe(true);
  });
});
