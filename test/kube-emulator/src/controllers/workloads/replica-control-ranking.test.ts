import { describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../../api-types.js";
import { podsToDelete } from "./replica-control-ranking.js";

const now = Date.parse("2024-05-01T12:00:00Z");
const ago = (s: number) => new Date(now - s * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

interface PodShape {
  node?: string;
  phase?: string;
  readyFor?: number;
  age?: number;
  restarts?: number;
  cost?: string;
  uid?: string;
}

function pod(name: string, p: PodShape): KubeObject {
  const status: JsonObject = { phase: p.phase ?? (p.node ? "Running" : "Pending") };
  if (p.readyFor !== undefined) status.conditions = [{ type: "Ready", status: "True", lastTransitionTime: ago(p.readyFor) }];
  if (p.restarts !== undefined) status.containerStatuses = [{ name: "main", restartCount: p.restarts }];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, uid: p.uid ?? name, creationTimestamp: ago(p.age ?? 3600), ...(p.cost ? { annotations: { "controller.kubernetes.io/pod-deletion-cost": p.cost } } : {}) },
    spec: { containers: [{ name: "main", image: "nginx" }], ...(p.node ? { nodeName: p.node } : {}) },
    status,
  };
}

const names = (pods: KubeObject[]) => pods.map((p) => p.metadata.name);
const rank = (pods: KubeObject[], minor = 30, related: KubeObject[] = pods) => names(podsToDelete(pods, related, pods.length - 1, { minor, now }));

describe("surplus pod ranking (ActivePodsWithRanks)", () => {
  it("deletes unscheduled, then pending, then not-ready pods before ready ones", () => {
    const pods = [
      pod("ready", { node: "n1", readyFor: 600 }),
      pod("running-not-ready", { node: "n1", phase: "Running" }),
      pod("unscheduled", {}),
      pod("scheduled-pending", { node: "n1", phase: "Pending" }),
    ];
    expect(rank(pods, 30, [])).toEqual(["unscheduled", "scheduled-pending", "running-not-ready"]);
  });

  it("deletes the pod with the lower deletion cost first from 1.22, not before", () => {
    const pods = [pod("cheap", { node: "n1", readyFor: 600, age: 600, cost: "-5" }), pod("dear", { node: "n1", readyFor: 60, age: 60, cost: "10" })];
    expect(names(podsToDelete(pods, [], 1, { minor: 30, now }))).toEqual(["cheap"]);
    // 1.16 knows no deletion cost: the one ready for less time goes.
    expect(names(podsToDelete(pods, [], 1, { minor: 16, now }))).toEqual(["dear"]);
  });

  it("deletes pods doubled up on a node with related pods first (1.17+)", () => {
    const pods = [pod("alone", { node: "n1", readyFor: 10, age: 10 }), pod("crowded", { node: "n2", readyFor: 5000, age: 5000 })];
    const sibling = pod("sibling", { node: "n2", readyFor: 100 });
    expect(names(podsToDelete(pods, [...pods, sibling], 1, { minor: 30, now }))).toEqual(["crowded"]);
    expect(names(podsToDelete(pods, [...pods, sibling], 1, { minor: 16, now }))).toEqual(["alone"]);
  });

  it("among ready pods deletes the most recently ready, then the most restarted, then the newest", () => {
    expect(rank([pod("old", { node: "n1", readyFor: 4000 }), pod("new", { node: "n1", readyFor: 30 })], 16)).toEqual(["new"]);
    expect(rank([pod("steady", { node: "n1", readyFor: 100, restarts: 0 }), pod("flaky", { node: "n1", readyFor: 100, restarts: 3 })])).toEqual(["flaky"]);
    expect(rank([pod("older", { age: 7200 }), pod("newer", { age: 60 })])).toEqual(["newer"]);
  });

  it("from 1.22 treats ready times in the same power-of-two bucket as equal and breaks ties by UID", () => {
    // Ready 100 s and 120 s ago: both in the 2^36 ns bucket, so the lower UID goes first…
    const a = pod("a", { node: "n1", readyFor: 100, uid: "b-uid" });
    const b = pod("b", { node: "n1", readyFor: 120, uid: "a-uid" });
    expect(rank([a, b], 30)).toEqual(["b"]);
    // …whereas 1.16 compares the times exactly: the later-ready one goes.
    expect(rank([a, b], 16)).toEqual(["a"]);
  });

  it("returns every pod, unranked, when all of them go", () => {
    const pods = [pod("x", { node: "n1" }), pod("y", {})];
    expect(names(podsToDelete(pods, pods, 5, { minor: 30, now }))).toEqual(["x", "y"]);
  });
});
