// Small builders of the resources a cluster serves, for the backup's unit tests.
import type { BackupResource } from "../resources.js";

export function resource(group: string, name: string, kind: string, options: Partial<BackupResource> = {}): BackupResource {
  return { group, resource: name, kind, namespaced: true, versions: ["v1"], preferredVersion: "v1", shortNames: [], ...options };
}

/** A cluster's worth of resources, as a 1.16 cluster serves them (two Ingress groups). */
export const servedResources: BackupResource[] = [
  resource("", "namespaces", "Namespace", { namespaced: false, shortNames: ["ns"] }),
  resource("", "pods", "Pod", { shortNames: ["po"] }),
  resource("", "configmaps", "ConfigMap", { shortNames: ["cm"] }),
  resource("", "secrets", "Secret"),
  resource("", "serviceaccounts", "ServiceAccount", { shortNames: ["sa"] }),
  resource("", "persistentvolumeclaims", "PersistentVolumeClaim", { shortNames: ["pvc"] }),
  resource("", "persistentvolumes", "PersistentVolume", { namespaced: false, shortNames: ["pv"] }),
  resource("", "services", "Service", { shortNames: ["svc"] }),
  resource("apps", "deployments", "Deployment", { shortNames: ["deploy"] }),
  resource("apps", "replicasets", "ReplicaSet", { shortNames: ["rs"] }),
  resource("storage.k8s.io", "storageclasses", "StorageClass", { namespaced: false, shortNames: ["sc"] }),
  resource("rbac.authorization.k8s.io", "roles", "Role"),
  resource("rbac.authorization.k8s.io", "rolebindings", "RoleBinding"),
  resource("rbac.authorization.k8s.io", "clusterroles", "ClusterRole", { namespaced: false }),
  resource("apiextensions.k8s.io", "customresourcedefinitions", "CustomResourceDefinition", { namespaced: false, shortNames: ["crd"] }),
  resource("extensions", "ingresses", "Ingress", { versions: ["v1beta1"], preferredVersion: "v1beta1", shortNames: ["ing"] }),
  resource("networking.k8s.io", "ingresses", "Ingress", { versions: ["v1beta1"], preferredVersion: "v1beta1", shortNames: ["ing"] }),
  resource("networking.k8s.io", "ingressclasses", "IngressClass", { namespaced: false }),
  resource("shop.example.com", "widgets", "Widget", { versions: ["v1", "v1beta1"] }),
];
