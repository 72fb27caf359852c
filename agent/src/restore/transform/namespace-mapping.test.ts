import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { mapNamespace, mapObjectNamespaces } from "./namespace-mapping.js";

const mapping = new Map([["shop", "shop-dr"], ["infra", "infra-dr"]]);

function mapped(object: KubeObject): KubeObject {
  const draft = structuredClone(object);
  mapObjectNamespaces(draft, mapping);
  return draft;
}

describe("mapNamespace", () => {
  it.each([
    ["shop", "shop-dr"],
    ["web", "web"],
    ["", ""],
  ])("maps %j to %j", (from, to) => expect(mapNamespace(from, mapping)).toBe(to));
});

describe("mapObjectNamespaces", () => {
  it.each<[string, KubeObject, (o: KubeObject) => unknown, unknown]>([
    ["a namespaced object", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "shop" } }, (o) => o.metadata.namespace, "shop-dr"],
    ["an object in an unmapped namespace", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "web" } }, (o) => o.metadata.namespace, "web"],
    ["a cluster-scoped object", { apiVersion: "v1", kind: "ClusterRole", metadata: { name: "shop" } }, (o) => [o.metadata.name, o.metadata.namespace], ["shop", undefined]],
    ["a Namespace's own name", { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { "kubernetes.io/metadata.name": "shop" } } }, (o) => [o.metadata.name, o.metadata.labels], ["shop-dr", { "kubernetes.io/metadata.name": "shop-dr" }]],
    ["an unmapped Namespace", { apiVersion: "v1", kind: "Namespace", metadata: { name: "web" } }, (o) => o.metadata.name, "web"],
    [
      "ServiceAccount subjects of a RoleBinding, not User or Group subjects",
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "r", namespace: "shop" }, subjects: [{ kind: "ServiceAccount", name: "app", namespace: "shop" }, { kind: "ServiceAccount", name: "mon", namespace: "infra" }, { kind: "User", name: "shop", namespace: "shop" }, { kind: "Group", name: "g" }], roleRef: { kind: "Role", name: "app" } },
      (o) => o.subjects,
      [{ kind: "ServiceAccount", name: "app", namespace: "shop-dr" }, { kind: "ServiceAccount", name: "mon", namespace: "infra-dr" }, { kind: "User", name: "shop", namespace: "shop" }, { kind: "Group", name: "g" }],
    ],
    ["ServiceAccount subjects of a ClusterRoleBinding", { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "r" }, subjects: [{ kind: "ServiceAccount", name: "app", namespace: "shop" }] }, (o) => o.subjects, [{ kind: "ServiceAccount", name: "app", namespace: "shop-dr" }]],
    ["webhook services", { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: "w" }, webhooks: [{ name: "a", clientConfig: { service: { name: "hook", namespace: "infra" } } }, { name: "b", clientConfig: { url: "https://x" } }] }, (o) => o.webhooks, [{ name: "a", clientConfig: { service: { name: "hook", namespace: "infra-dr" } } }, { name: "b", clientConfig: { url: "https://x" } }]],
    ["mutating webhook services", { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: "w" }, webhooks: [{ name: "a", clientConfig: { service: { name: "hook", namespace: "shop" } } }] }, (o) => (o.webhooks as any)[0].clientConfig.service.namespace, "shop-dr"],
    ["an APIService's service", { apiVersion: "apiregistration.k8s.io/v1", kind: "APIService", metadata: { name: "v1.metrics" }, spec: { service: { name: "metrics", namespace: "infra" } } }, (o) => (o.spec as any).service.namespace, "infra-dr"],
    ["a CRD's conversion webhook", { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "x" }, spec: { conversion: { strategy: "Webhook", webhook: { clientConfig: { service: { name: "conv", namespace: "infra" } } } } } }, (o) => (o.spec as any).conversion.webhook.clientConfig.service.namespace, "infra-dr"],
    ["a PV's claimRef", { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pv" }, spec: { claimRef: { name: "data", namespace: "shop" } } }, (o) => (o.spec as any).claimRef, { name: "data", namespace: "shop-dr" }],
    ["a PV without claimRef", { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pv" }, spec: {} }, (o) => o.spec, {}],
    ["an EndpointSlice's target refs", { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "e", namespace: "shop" }, endpoints: [{ targetRef: { kind: "Pod", name: "p", namespace: "shop" } }] }, (o) => (o.endpoints as any)[0].targetRef.namespace, "shop-dr"],
    [
      "a pod's PVC, ServiceAccount and ConfigMap references, which keep their names",
      { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "shop" }, spec: { serviceAccountName: "app", volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }, { name: "c", configMap: { name: "conf" } }] } },
      (o) => [o.metadata.namespace, o.spec],
      ["shop-dr", { serviceAccountName: "app", volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }, { name: "c", configMap: { name: "conf" } }] }],
    ],
  ])("maps %s", (_, object, pick, expected) => {
    expect(pick(mapped(object))).toEqual(expected);
  });

  it("changes nothing without a mapping", () => {
    const object: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } };
    const draft = structuredClone(object);
    mapObjectNamespaces(draft, new Map());
    expect(draft).toEqual(object);
  });
});
