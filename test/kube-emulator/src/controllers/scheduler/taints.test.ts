import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api-types.js";
import { nodeTaints, tolerates, untoleratedTaint } from "./taints.js";

describe("tolerates", () => {
  const taint = { key: "dedicated", value: "db", effect: "NoSchedule" };
  it.each<[object, boolean]>([
    [{ key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" }, true],
    [{ key: "dedicated", value: "db" }, true],
    [{ key: "dedicated", operator: "Equal", value: "web" }, false],
    [{ key: "dedicated", operator: "Exists" }, true],
    [{ key: "dedicated", operator: "Exists", effect: "NoExecute" }, false],
    [{ operator: "Exists" }, true],
    [{ key: "other", operator: "Exists" }, false],
  ])("%j: %s", (toleration, expected) => {
    expect(tolerates(toleration, taint)).toBe(expected);
  });
});

describe("untoleratedTaint", () => {
  it("considers NoSchedule and NoExecute taints only", () => {
    const taints = [{ key: "soft", effect: "PreferNoSchedule" }, { key: "hard", effect: "NoExecute" }];
    expect(untoleratedTaint(taints, [])).toEqual({ key: "hard", effect: "NoExecute" });
    expect(untoleratedTaint(taints, [{ key: "hard", operator: "Exists" }])).toBeUndefined();
  });
});

describe("nodeTaints", () => {
  it("adds the not-ready taint to a node that is not Ready", () => {
    const node = (status: string): KubeObject => ({ apiVersion: "v1", kind: "Node", metadata: { name: "n" }, spec: {}, status: { conditions: [{ type: "Ready", status }] } });
    expect(nodeTaints(node("True"))).toEqual([]);
    expect(nodeTaints(node("Unknown"))).toEqual([{ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }]);
  });
});
