import { describe, expect, it } from "vitest";
import { filterFailureMessage, podFailureMessage } from "./fit-error.js";

describe("filterFailureMessage", () => {
  const rejections = [{ kind: "node-affinity" as const }, { kind: "node-affinity" as const }, { kind: "taint" as const, taint: { key: "dedicated", value: "db", effect: "NoSchedule" } }];

  it("words 1.16's predicates", () => {
    expect(filterFailureMessage(16, rejections)).toBe("0/3 nodes are available: 1 node(s) had taints that the pod didn't tolerate, 2 node(s) didn't match node selector.");
  });

  it("words 1.22's plugins", () => {
    expect(filterFailureMessage(22, rejections)).toBe(
      "0/3 nodes are available: 1 node(s) had taint {dedicated: db}, that the pod didn't tolerate, 2 node(s) didn't match Pod's node affinity/selector.",
    );
  });

  it("adds the preemption verdict from 1.24 on, with its doubled full stop", () => {
    expect(filterFailureMessage(30, rejections)).toBe(
      "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: db}, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..",
    );
  });
});

describe("podFailureMessage", () => {
  const missing = { message: 'persistentvolumeclaim "data" not found', basicCheck: true };
  const unbound = { message: "pod has unbound immediate PersistentVolumeClaims", basicCheck: false };

  it("reports a missing claim as the bare error before 1.19", () => {
    expect(podFailureMessage(16, 3, missing)).toBe('persistentvolumeclaim "data" not found');
    expect(podFailureMessage(16, 3, unbound)).toBe("0/3 nodes are available: 3 pod has unbound immediate PersistentVolumeClaims.");
  });

  it("counts the PreFilter verdict per node until 1.26, then states it once", () => {
    expect(podFailureMessage(20, 3, missing)).toBe('0/3 nodes are available: 3 persistentvolumeclaim "data" not found.');
    expect(podFailureMessage(30, 3, unbound)).toBe(
      "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..",
    );
  });
});
