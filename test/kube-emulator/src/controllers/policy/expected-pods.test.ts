import { describe, expect, it } from "vitest";
import type { JsonObject, KubeObject, ResourceInfo } from "../../api-types.js";
import { resourceInfo } from "../../testing/resource-info.js";
import { expectedPodCount, type ScaleLookup } from "./expected-pods.js";
import { goLabelSelectorString } from "./go-label-selector.js";

const objects = new Map<string, KubeObject>();
const catalog: ResourceInfo[] = [
  resourceInfo("apps", "v1", "daemonsets", "DaemonSet", true),
  resourceInfo("apps", "v1", "replicasets", "ReplicaSet", true, { subresources: ["status", "scale"] }),
  resourceInfo("example.com", "v1", "shards", "Shard", true, { subresources: ["scale"], scale: { specReplicasPath: ".spec.size", statusReplicasPath: ".status.size" } }),
];
const lookup: ScaleLookup = {
  get: (key, ns, name) => objects.get(`${key}|${ns}|${name}`),
  resourceFor: (group, version, kind) => catalog.find((r) => r.group === group && r.version === version && r.kind === kind),
};

function put(key: string, kind: string, apiVersion: string, name: string, replicas: number | undefined, owner?: KubeObject): KubeObject {
  const obj: KubeObject = {
    apiVersion,
    kind,
    metadata: { name, namespace: "ns", uid: `${kind}-${name}`, ...(owner ? { ownerReferences: [ref(owner)] } : {}) },
    spec: replicas === undefined ? {} : kind === "Shard" ? { size: replicas } : { replicas },
  };
  objects.set(`${key}|ns|${name}`, obj);
  return obj;
}
const ref = (o: KubeObject) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name!, uid: o.metadata.uid!, controller: true });
const pod = (name: string, owner?: KubeObject): KubeObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "ns", ...(owner ? { ownerReferences: [ref(owner)] } : {}) } });
const budget = (spec: JsonObject): KubeObject => ({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "b", namespace: "ns" }, spec });

const deployment = put("apps/deployments", "Deployment", "apps/v1", "web", 4);
const webRs = put("apps/replicasets", "ReplicaSet", "apps/v1", "web-abc", 4, deployment);
const bareRs = put("apps/replicasets", "ReplicaSet", "apps/v1", "bare", 2);
const sts = put("apps/statefulsets", "StatefulSet", "apps/v1", "db", 3);
const rc = put("/replicationcontrollers", "ReplicationController", "v1", "old", 1);
const ds = put("apps/daemonsets", "DaemonSet", "apps/v1", "agent", undefined);
const shard = put("example.com/shards", "Shard", "example.com/v1", "s", 5);

describe("expected pods of a PodDisruptionBudget", () => {
  it("counts an integer minAvailable against the pods it selects", () => {
    expect(expectedPodCount(lookup, budget({ minAvailable: 1 }), [pod("a"), pod("b", webRs)], 16)).toEqual({ expectedPods: 2, desiredHealthy: 1, unmanaged: [] });
  });

  it("sums each controller's scale once: a ReplicaSet counts through its Deployment", () => {
    const pods = [pod("w1", webRs), pod("w2", webRs), pod("b1", bareRs), pod("d1", sts), pod("o1", rc), pod("s1", shard)];
    expect(expectedPodCount(lookup, budget({ minAvailable: "50%" }), pods, 30)).toEqual({ expectedPods: 4 + 2 + 3 + 1 + 5, desiredHealthy: 8, unmanaged: [] });
    expect(expectedPodCount(lookup, budget({ maxUnavailable: "25%" }), pods, 30)).toEqual({ expectedPods: 15, desiredHealthy: 11, unmanaged: [] });
    expect(expectedPodCount(lookup, budget({ maxUnavailable: 20 }), pods, 30).desiredHealthy).toBe(0);
  });

  it("refuses pods without a controller before 1.23 and leaves them out since", () => {
    expect(() => expectedPodCount(lookup, budget({ maxUnavailable: 1 }), [pod("lonely")], 22)).toThrow('found no controller ref for pod "lonely"');
    expect(expectedPodCount(lookup, budget({ maxUnavailable: 1 }), [pod("lonely"), pod("w", webRs)], 23)).toEqual({ expectedPods: 4, desiredHealthy: 3, unmanaged: ["lonely"] });
  });

  it("cannot count controllers without a scale subresource, or gone ones", () => {
    expect(() => expectedPodCount(lookup, budget({ minAvailable: "50%" }), [pod("a", ds)], 30)).toThrow("daemonsets.apps does not implement the scale subresource");
    const ghost = { ...webRs, metadata: { ...webRs.metadata, uid: "other" } };
    expect(() => expectedPodCount(lookup, budget({ minAvailable: "50%" }), [pod("g", ghost)], 30)).toThrow('found no controllers for pod "g"');
  });

  it("quotes a selector as Go prints a *metav1.LabelSelector", () => {
    expect(goLabelSelectorString({ matchLabels: { tier: "web", app: "shop" } })).toBe("&LabelSelector{MatchLabels:map[string]string{app: shop,tier: web,},MatchExpressions:[]LabelSelectorRequirement{},}");
    expect(goLabelSelectorString({ matchExpressions: [{ key: "app", operator: "In", values: ["a", "b"] }] })).toBe(
      "&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:app,Operator:In,Values:[a b],},},}",
    );
  });
});
