import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonObject } from "../api-types.js";
import { startEmulator, type RunningEmulator } from "../emulator.js";
import { statusErrorOf } from "../testing/status-error-of.js";
import { bindPod } from "./pod-binding.js";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ controllers: [] });
});
afterAll(async () => {
  await emulator.stop();
});

const pods = () => emulator.service.registry.lookup("", "v1", "pods")!;
const createPod = (name: string, extra: JsonObject = {}) =>
  emulator.service.create(pods(), "default", { metadata: { name, ...extra }, spec: { containers: [{ name: "c", image: "nginx" }] } });

describe("bindPod", () => {
  it("sets the node, copies annotations and marks PodScheduled True", () => {
    const created = createPod("bind-me");
    const bound = bindPod(emulator.service, "default", "bind-me", { nodeName: "node-1", annotations: { note: "x" } });
    expect((bound.spec as JsonObject).nodeName).toBe("node-1");
    expect(bound.metadata.annotations).toEqual({ note: "x" });
    expect(Number(bound.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    expect((bound.status as JsonObject).conditions).toEqual([{ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: expect.any(String) }]);
  });

  it("refuses a pod that already has a node, with a Conflict on pods/binding", () => {
    createPod("bound-twice");
    bindPod(emulator.service, "default", "bound-twice", { nodeName: "node-1" });
    const err = statusErrorOf(() => bindPod(emulator.service, "default", "bound-twice", { nodeName: "node-2" }));
    expect(err.code).toBe(409);
    expect(err.message).toBe('Operation cannot be fulfilled on pods/binding "bound-twice": pod bound-twice is already assigned to node "node-1"');
  });

  it("refuses a pod being deleted and one that does not exist", () => {
    createPod("leaving", { finalizers: ["example.com/hold"] });
    emulator.service.delete(pods(), "default", "leaving");
    expect(statusErrorOf(() => bindPod(emulator.service, "default", "leaving", { nodeName: "node-1" })).message).toBe(
      'Operation cannot be fulfilled on pods/binding "leaving": pod leaving is being deleted, cannot be assigned to a host',
    );
    expect(statusErrorOf(() => bindPod(emulator.service, "default", "ghost", { nodeName: "node-1" })).code).toBe(404);
  });
});
