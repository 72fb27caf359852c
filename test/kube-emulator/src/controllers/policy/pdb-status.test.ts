import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api-types.js";
import { buildDisruptedPods, countHealthyPods, deletionTimeoutMs, failSafeStatus, nextStatus, scaledValue } from "./pdb-status.js";

const at = Date.parse("2024-05-01T12:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

function pod(name: string, ready: boolean, extra: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, ...extra },
    status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  };
}

function pdb(generation: number, status?: Record<string, unknown>): KubeObject {
  return { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "web", namespace: "ns", generation }, spec: {}, ...(status ? { status } : {}) } as KubeObject;
}

describe("PodDisruptionBudget status arithmetic", () => {
  it("scales percentages of the total rounding up, as intstr with roundUp", () => {
    expect(scaledValue(2, 10)).toBe(2);
    expect(scaledValue("50%", 3)).toBe(2);
    expect(scaledValue("10%", 1)).toBe(1);
    expect(scaledValue("0%", 5)).toBe(0);
    expect(() => scaledValue("two", 5)).toThrow("string is not a percentage");
  });

  it("keeps recorded disruptions of pods still there and not yet overdue, and says when to look again", () => {
    const pods = [pod("a", true), pod("b", true), pod("c", true, { deletionTimestamp: iso(at) }), pod("d", true)];
    const recorded = { a: iso(at - 1000), b: iso(at - deletionTimeoutMs - 1), c: iso(at), gone: iso(at) };
    const { disrupted, overdue, recheckAt } = buildDisruptedPods(pods, recorded, at);
    expect(disrupted).toEqual({ a: iso(at - 1000) });
    expect(overdue.map((p) => p.metadata.name)).toEqual(["b"]);
    expect(recheckAt).toBe(at - 1000 + deletionTimeoutMs);
    expect(buildDisruptedPods(pods, undefined, at)).toEqual({ disrupted: {}, overdue: [] });
  });

  it("counts Ready pods that are neither being deleted nor just disrupted", () => {
    const pods = [pod("a", true), pod("b", false), pod("c", true, { deletionTimestamp: iso(at) }), pod("d", true)];
    expect(countHealthyPods(pods, {}, at)).toBe(2);
    expect(countHealthyPods(pods, { d: iso(at - 1000) }, at)).toBe(1);
  });

  it("writes the counts, disruptions allowed and (from 1.21) the DisruptionAllowed condition", () => {
    const counts = { expectedPods: 3, desiredHealthy: 2, currentHealthy: 3, disruptedPods: {} };
    const v1 = nextStatus(pdb(1), counts, 30, iso(at));
    expect(v1).toEqual({
      observedGeneration: 1,
      disruptionsAllowed: 1,
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      conditions: [{ type: "DisruptionAllowed", status: "True", observedGeneration: 1, lastTransitionTime: iso(at), reason: "SufficientPods", message: "" }],
    });
    expect(nextStatus(pdb(1), counts, 16, iso(at))).toEqual({ observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 });
    // Nothing changed: no write.
    expect(nextStatus(pdb(1, v1), counts, 30, iso(at + 5000))).toBeUndefined();
    // Falling short flips the condition and moves its transition time.
    const short = nextStatus(pdb(1, v1), { ...counts, currentHealthy: 2, disruptedPods: { a: iso(at) } }, 30, iso(at + 5000))!;
    expect(short).toMatchObject({ disruptedPods: { a: iso(at) }, disruptionsAllowed: 0 });
    expect(short.conditions).toEqual([{ type: "DisruptionAllowed", status: "False", observedGeneration: 1, lastTransitionTime: iso(at + 5000), reason: "InsufficientPods", message: "" }]);
  });

  it("allows nothing while a budget expects no pods", () => {
    expect(nextStatus(pdb(1), { expectedPods: 0, desiredHealthy: 0, currentHealthy: 2, disruptedPods: {} }, 30, iso(at))).toMatchObject({ disruptionsAllowed: 0 });
  });

  it("fails safe: no disruption allowed, SyncFailed from 1.21, observedGeneration untouched", () => {
    const before = { observedGeneration: 1, disruptionsAllowed: 2, currentHealthy: 3, desiredHealthy: 1, expectedPods: 3 };
    expect(failSafeStatus(pdb(2, before), "found no controllers for pod \"x\"", 16, iso(at))).toEqual({ ...before, disruptionsAllowed: 0 });
    expect(failSafeStatus(pdb(2, before), "boom", 30, iso(at))).toEqual({
      ...before,
      disruptionsAllowed: 0,
      conditions: [{ type: "DisruptionAllowed", status: "False", observedGeneration: 1, lastTransitionTime: iso(at), reason: "SyncFailed", message: "boom" }],
    });
    expect(failSafeStatus(pdb(2, { ...before, disruptionsAllowed: 0 }), "x", 16, iso(at))).toBeUndefined();
  });
});
