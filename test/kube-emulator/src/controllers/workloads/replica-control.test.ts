import { describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../../api-types.js";
import { calculateStatus } from "./replica-control.js";

const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

function rs(status: JsonObject = {}, minReadySeconds = 0): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: "web", generation: 2 },
    spec: { replicas: 3, minReadySeconds, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web", tier: "front" } }, spec: {} } },
    status,
  };
}

function pod(labels: Record<string, string>, readyFor?: number): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", labels },
    spec: {},
    status: readyFor === undefined ? { phase: "Pending" } : { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: at(readyFor) }] },
  };
}

describe("ReplicaSet status (calculateStatus)", () => {
  it("counts fully labelled, ready, and available-for-minReadySeconds pods, leaving zeros out", () => {
    const pods = [pod({ app: "web", tier: "front" }, 60), pod({ app: "web", tier: "front" }, 2), pod({ app: "web" })];
    expect(calculateStatus(rs({}, 10), pods)).toEqual({ replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1 });
    expect(calculateStatus(rs(), [])).toEqual({ replicas: 0 });
  });

  it("adds a ReplicaFailure condition when pods cannot be made, and drops it once they can", () => {
    const failing = calculateStatus(rs(), [], { reason: "FailedCreate", message: `pods "web-x" is forbidden: exceeded quota` });
    expect(failing.conditions).toEqual([
      { type: "ReplicaFailure", status: "True", lastTransitionTime: expect.any(String), reason: "FailedCreate", message: `pods "web-x" is forbidden: exceeded quota` },
    ]);
    // A standing failure is kept as it was, not re-stamped.
    const again = calculateStatus(rs({ conditions: failing.conditions! }), [], { reason: "FailedCreate", message: "another" });
    expect(again.conditions).toEqual(failing.conditions);
    expect(calculateStatus(rs({ conditions: failing.conditions! }), []).conditions).toBeUndefined();
  });
});
