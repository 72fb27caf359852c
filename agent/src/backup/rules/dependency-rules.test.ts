import { describe, expect, it } from "vitest";
import { dependenciesOf, isCustomResourceGroup, type DependencyRef } from "./dependency-rules.js";

const apps = { group: "apps", resource: "deployments" };

function sorted(deps: DependencyRef[]): string[] {
  return [...new Set(deps.map((d) => `${d.group}/${d.resource ?? d.kind}/${d.namespace}/${d.name}`))].sort();
}

const podSpec = {
  serviceAccountName: "web",
  imagePullSecrets: [{ name: "registry" }],
  initContainers: [{ name: "init", envFrom: [{ secretRef: { name: "init-env" } }] }],
  containers: [
    {
      name: "app",
      envFrom: [{ configMapRef: { name: "app-env" } }],
      env: [
        { name: "A", value: "plain" },
        { name: "B", valueFrom: { configMapKeyRef: { name: "app-config", key: "b" } } },
        { name: "C", valueFrom: { secretKeyRef: { name: "db-password", key: "c" } } },
        { name: "D", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      ],
    },
  ],
  volumes: [
    { name: "config", configMap: { name: "app-files" } },
    { name: "tls", secret: { secretName: "tls" } },
    { name: "data", persistentVolumeClaim: { claimName: "data" } },
    { name: "both", projected: { sources: [{ configMap: { name: "projected-cm" } }, { secret: { name: "projected-secret" } }, { serviceAccountToken: { path: "t" } }] } },
    { name: "scratch", emptyDir: {} },
  ],
};

describe("dependency rules", () => {
  it("a workload's pod template names its ServiceAccount, ConfigMaps, Secrets and PVCs", () => {
    const deployment = { metadata: { name: "web", namespace: "shop" }, spec: { template: { spec: podSpec } } };
    expect(sorted(dependenciesOf(apps, deployment))).toEqual([
      "/configmaps/shop/app-config",
      "/configmaps/shop/app-env",
      "/configmaps/shop/app-files",
      "/configmaps/shop/projected-cm",
      "/persistentvolumeclaims/shop/data",
      "/secrets/shop/db-password",
      "/secrets/shop/init-env",
      "/secrets/shop/projected-secret",
      "/secrets/shop/registry",
      "/secrets/shop/tls",
      "/serviceaccounts/shop/web",
    ]);
  });

  it("a pod and a CronJob's job template are read the same way", () => {
    const pod = { metadata: { name: "p", namespace: "shop" }, spec: { serviceAccount: "legacy", containers: [] } };
    expect(sorted(dependenciesOf({ group: "", resource: "pods" }, pod))).toEqual(["/serviceaccounts/shop/legacy"]);
    const cronjob = { metadata: { name: "c", namespace: "shop" }, spec: { jobTemplate: { spec: { template: { spec: { containers: [], volumes: [{ name: "v", secret: { secretName: "s" } }] } } } } } };
    expect(sorted(dependenciesOf({ group: "batch", resource: "cronjobs" }, cronjob))).toEqual(["/secrets/shop/s"]);
  });

  it("a PVC names its PV and StorageClass, a PV its StorageClass", () => {
    const pvc = { metadata: { name: "data", namespace: "shop" }, spec: { volumeName: "pv-1", storageClassName: "fast" } };
    expect(sorted(dependenciesOf({ group: "", resource: "persistentvolumeclaims" }, pvc))).toEqual(["/persistentvolumes//pv-1", "storage.k8s.io/storageclasses//fast"]);
    const pv = { metadata: { name: "pv-1" }, spec: { storageClassName: "fast" } };
    expect(sorted(dependenciesOf({ group: "", resource: "persistentvolumes" }, pv))).toEqual(["storage.k8s.io/storageclasses//fast"]);
    const unbound = { metadata: { name: "pending", namespace: "shop" }, spec: {} };
    expect(dependenciesOf({ group: "", resource: "persistentvolumeclaims" }, unbound)).toEqual([]);
  });

  it("a RoleBinding names its Role or ClusterRole, a ClusterRoleBinding its ClusterRole", () => {
    const rbac = "rbac.authorization.k8s.io";
    const toRole = { metadata: { name: "b", namespace: "shop" }, roleRef: { kind: "Role", name: "reader" } };
    expect(sorted(dependenciesOf({ group: rbac, resource: "rolebindings" }, toRole))).toEqual([`${rbac}/roles/shop/reader`]);
    const toClusterRole = { metadata: { name: "b", namespace: "shop" }, roleRef: { kind: "ClusterRole", name: "view" } };
    expect(sorted(dependenciesOf({ group: rbac, resource: "rolebindings" }, toClusterRole))).toEqual([`${rbac}/clusterroles//view`]);
    expect(sorted(dependenciesOf({ group: rbac, resource: "clusterrolebindings" }, { metadata: { name: "b" }, roleRef: { kind: "ClusterRole", name: "edit" } }))).toEqual([
      `${rbac}/clusterroles//edit`,
    ]);
  });

  it("an Ingress names its IngressClass in either group, and only when it sets one", () => {
    const ingress = { metadata: { name: "web", namespace: "shop" }, spec: { ingressClassName: "nginx" } };
    expect(sorted(dependenciesOf({ group: "networking.k8s.io", resource: "ingresses" }, ingress))).toEqual(["networking.k8s.io/ingressclasses//nginx"]);
    expect(dependenciesOf({ group: "extensions", resource: "ingresses" }, { metadata: { name: "old", namespace: "shop" }, spec: {} })).toEqual([]);
  });

  it("a ServiceAccount names its Secrets", () => {
    const sa = { metadata: { name: "web", namespace: "shop" }, secrets: [{ name: "web-token" }], imagePullSecrets: [{ name: "registry" }] };
    expect(sorted(dependenciesOf({ group: "", resource: "serviceaccounts" }, sa))).toEqual(["/secrets/shop/registry", "/secrets/shop/web-token"]);
  });

  it("a custom resource names its CRD; built-in groups name none", () => {
    const widget = { metadata: { name: "w", namespace: "shop" }, spec: {} };
    expect(sorted(dependenciesOf({ group: "shop.example.com", resource: "widgets" }, widget))).toEqual(["apiextensions.k8s.io/customresourcedefinitions//widgets.shop.example.com"]);
    expect(isCustomResourceGroup("apps")).toBe(false);
    expect(isCustomResourceGroup("networking.k8s.io")).toBe(false);
    expect(isCustomResourceGroup("")).toBe(false);
    expect(isCustomResourceGroup("cert-manager.io")).toBe(true);
  });

  it("owner references name their owners by kind, in the item's namespace", () => {
    const pod = { metadata: { name: "web-1", namespace: "shop", ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-abc" }] }, spec: { containers: [] } };
    expect(dependenciesOf({ group: "", resource: "pods" }, pod)).toEqual([{ group: "apps", kind: "ReplicaSet", namespace: "shop", name: "web-abc" }]);
  });

  it("an item that refers to nothing has no dependencies", () => {
    expect(dependenciesOf({ group: "", resource: "configmaps" }, { metadata: { name: "c", namespace: "shop" }, data: { secretName: "x" } })).toEqual([]);
    expect(dependenciesOf({ group: "", resource: "services" }, { metadata: { name: "s", namespace: "shop" }, spec: { selector: { app: "web" } } })).toEqual([]);
  });
});
