import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api-types.js";
import { TriggerTimeTracker } from "./trigger-times.js";

const svc: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "ns", creationTimestamp: "2024-01-01T00:00:00Z" } };
const pod = (name: string, readyAt?: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "ns" },
  status: readyAt ? { conditions: [{ type: "Ready", status: "True", lastTransitionTime: readyAt }] } : {},
});

describe("endpoints' last-change-trigger-time", () => {
  it("is the earliest change since the last sync: first the Service's creation, then the pods that changed", () => {
    const tracker = new TriggerTimeTracker();
    expect(tracker.compute(svc, [pod("a", "2024-01-01T00:05:00Z")])).toBe("2024-01-01T00:00:00Z");
    expect(tracker.compute(svc, [pod("a", "2024-01-01T00:05:00Z"), pod("b", "2024-01-01T00:07:00Z")])).toBe("2024-01-01T00:07:00Z");
    expect(tracker.compute(svc, [pod("a", "2024-01-01T00:09:00Z"), pod("b", "2024-01-01T00:08:00Z")])).toBe("2024-01-01T00:08:00Z");
    // Nothing changed (a pod only went away): no trigger time, and the annotation goes.
    expect(tracker.compute(svc, [pod("b", "2024-01-01T00:08:00Z")])).toBeUndefined();
    tracker.forget("ns", "web");
    expect(tracker.compute(svc, [])).toBe("2024-01-01T00:00:00Z");
  });
});
