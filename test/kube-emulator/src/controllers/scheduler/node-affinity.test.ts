import { describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../../api-types.js";
import { nodeSelectorTermMatches, podMatchesNodeAffinity, requirementMatches, topologyAllowsNode, volumeAllowsNode } from "./node-affinity.js";

function node(name: string, labels: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "Node", metadata: { name, labels } };
}

const big = node("node-1", { "kubernetes.io/hostname": "node-1", zone: "a", cores: "16", disk: "ssd" });

describe("requirementMatches", () => {
  it.each<[string, string[] | undefined, string | undefined, boolean]>([
    ["In", ["a", "b"], "a", true],
    ["In", ["a", "b"], "c", false],
    ["In", ["a"], undefined, false],
    ["NotIn", ["a"], "b", true],
    ["NotIn", ["a"], "a", false],
    // NotIn matches a node without the label at all.
    ["NotIn", ["a"], undefined, true],
    ["Exists", undefined, "", true],
    ["Exists", undefined, undefined, false],
    ["DoesNotExist", undefined, undefined, true],
    ["DoesNotExist", undefined, "x", false],
    ["Gt", ["8"], "16", true],
    ["Gt", ["16"], "16", false],
    ["Lt", ["32"], "16", true],
    ["Lt", ["8"], "16", false],
    // Gt/Lt need exactly one integer value and an integer label.
    ["Gt", ["8", "9"], "16", false],
    ["Gt", ["8"], "sixteen", false],
    ["Gt", ["8.5"], "16", false],
    ["Gt", ["8"], undefined, false],
    ["Bogus", ["a"], "a", false],
  ])("%s %j against %j is %s", (operator, values, value, expected) => {
    expect(requirementMatches({ key: "k", operator, ...(values ? { values } : {}) }, value)).toBe(expected);
  });
});

describe("nodeSelectorTermMatches", () => {
  it("ANDs the expressions of a term", () => {
    const term = { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }, { key: "disk", operator: "In", values: ["hdd"] }] };
    expect(nodeSelectorTermMatches(term, big)).toBe(false);
    term.matchExpressions[1]!.values = ["ssd"];
    expect(nodeSelectorTermMatches(term, big)).toBe(true);
  });

  it("matches fields on metadata.name only, as DaemonSet pods are pinned", () => {
    expect(nodeSelectorTermMatches({ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-1"] }] }, big)).toBe(true);
    expect(nodeSelectorTermMatches({ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-2"] }] }, big)).toBe(false);
    expect(nodeSelectorTermMatches({ matchFields: [{ key: "metadata.uid", operator: "Exists" }] }, big)).toBe(false);
  });

  it("treats an empty term as matching nothing", () => {
    expect(nodeSelectorTermMatches({}, big)).toBe(false);
  });
});

describe("podMatchesNodeAffinity", () => {
  const required = (terms: JsonObject[]): JsonObject => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });

  it("needs every nodeSelector label", () => {
    expect(podMatchesNodeAffinity({ nodeSelector: { zone: "a", disk: "ssd" } }, big)).toBe(true);
    expect(podMatchesNodeAffinity({ nodeSelector: { zone: "a", disk: "hdd" } }, big)).toBe(false);
  });

  it("ORs the required terms", () => {
    const spec = required([{ matchExpressions: [{ key: "zone", operator: "In", values: ["b"] }] }, { matchExpressions: [{ key: "cores", operator: "Gt", values: ["8"] }] }]);
    expect(podMatchesNodeAffinity(spec, big)).toBe(true);
    expect(podMatchesNodeAffinity(spec, node("small", { zone: "c", cores: "2" }))).toBe(false);
  });

  it("needs both the nodeSelector and the affinity", () => {
    const spec = { ...required([{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }]), nodeSelector: { disk: "hdd" } };
    expect(podMatchesNodeAffinity(spec, big)).toBe(false);
  });

  it("matches no node when the required terms are empty", () => {
    expect(podMatchesNodeAffinity(required([]), big)).toBe(false);
  });

  it("ignores preferred terms", () => {
    const spec = { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["z"] }] } }] } } };
    expect(podMatchesNodeAffinity(spec, big)).toBe(true);
  });
});

describe("volume and class topology", () => {
  const pv = (terms?: JsonObject[]): KubeObject => ({ apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pv" }, spec: terms ? { nodeAffinity: { required: { nodeSelectorTerms: terms } } } : {} });

  it("lets a volume without node affinity go anywhere", () => {
    expect(volumeAllowsNode(pv(), big)).toBe(true);
  });

  it("restricts a volume to the nodes its affinity names", () => {
    const onNode1 = pv([{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["node-1"] }] }]);
    expect(volumeAllowsNode(onNode1, big)).toBe(true);
    expect(volumeAllowsNode(onNode1, node("node-2", { "kubernetes.io/hostname": "node-2" }))).toBe(false);
  });

  it("honours a StorageClass's allowedTopologies", () => {
    const sc: KubeObject = { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "zonal" }, allowedTopologies: [{ matchLabelExpressions: [{ key: "zone", values: ["a", "b"] }] }] };
    expect(topologyAllowsNode(sc, big)).toBe(true);
    expect(topologyAllowsNode(sc, node("n", { zone: "c" }))).toBe(false);
    expect(topologyAllowsNode(undefined, node("n", {}))).toBe(true);
  });
});
