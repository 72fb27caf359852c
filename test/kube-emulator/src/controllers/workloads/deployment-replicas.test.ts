import { describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../../api-types.js";
import { maxSurge, maxUnavailable, newRSNewReplicas, proportion, resolveFenceposts, scaledValue } from "./deployment-replicas.js";

function deployment(replicas: number, strategy?: JsonObject): KubeObject {
  return { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas, ...(strategy ? { strategy } : {}) } };
}

function rs(replicas: number, maxReplicas?: number): KubeObject {
  return { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: `rs-${replicas}`, annotations: maxReplicas ? { "deployment.kubernetes.io/max-replicas": String(maxReplicas) } : {} }, spec: { replicas } };
}

describe("deployment replica arithmetic", () => {
  it("scales percentages up for surge and down for unavailability", () => {
    expect(scaledValue("25%", 10, true)).toBe(3);
    expect(scaledValue("25%", 10, false)).toBe(2);
    expect(scaledValue(2, 10, false)).toBe(2);
    expect(() => scaledValue("2", 10, false)).toThrow(/not a percentage/);
  });

  it("resolves fenceposts that both round to zero to maxUnavailable 1", () => {
    expect(resolveFenceposts("25%", "25%", 4)).toEqual({ surge: 1, unavailable: 1 });
    expect(resolveFenceposts(0, "10%", 3)).toEqual({ surge: 0, unavailable: 1 });
  });

  it("reads an absent strategy as the apps/v1 default RollingUpdate 25%/25%, and Recreate as neither", () => {
    expect([maxSurge(deployment(10)), maxUnavailable(deployment(10))]).toEqual([3, 2]);
    expect([maxSurge(deployment(10, {})), maxUnavailable(deployment(10, {}))]).toEqual([3, 2]);
    expect([maxSurge(deployment(10, { type: "Recreate" })), maxUnavailable(deployment(10, { type: "Recreate" }))]).toEqual([0, 0]);
    expect(maxUnavailable(deployment(2, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 5 } }))).toBe(2);
  });

  it("lets the new ReplicaSet grow only within replicas + maxSurge", () => {
    const d = deployment(4, { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(newRSNewReplicas(d, [rs(4), rs(0)], rs(0))).toBe(1);
    expect(newRSNewReplicas(d, [rs(3), rs(1)], rs(1))).toBe(2);
    expect(newRSNewReplicas(d, [rs(4), rs(1)], rs(1))).toBe(1);
    expect(newRSNewReplicas(deployment(4, { type: "Recreate" }), [rs(0)], rs(0))).toBe(4);
  });

  it("spreads a scale over ReplicaSets in proportion to their share of max-replicas", () => {
    // 5 pods at max-replicas 5 (3 old, 2 new), scaled to 8 with 25% surge: 10 allowed, 5 to add.
    const d = deployment(8);
    expect(proportion(rs(3, 5), d, 5, 0)).toBe(3);
    expect(proportion(rs(2, 5), d, 5, 3)).toBe(2);
    // Scaling to zero takes everything away.
    expect(proportion(rs(3, 5), deployment(0), -5, 0)).toBe(-3);
  });
});
