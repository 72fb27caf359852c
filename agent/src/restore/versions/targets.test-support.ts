// What a 1.16 and a 1.30 cluster serve, for the version-choice tests: the resources whose versions
// moved between them (after the Kubernetes deprecation guide) and a few that did not.
import { resourceKey } from "../../backup/resources.js";
import type { TargetResource } from "../types.js";

function served(group: string, resource: string, kind: string, namespaced: boolean, versions: string[]): TargetResource {
  return { group, resource, kind, namespaced, versions, preferredVersion: versions[0]! };
}

function byKey(resources: TargetResource[]): ReadonlyMap<string, TargetResource> {
  return new Map(resources.map((r) => [resourceKey(r), r]));
}

const unchanged = [
  served("", "configmaps", "ConfigMap", true, ["v1"]),
  served("", "services", "Service", true, ["v1"]),
  served("apps", "deployments", "Deployment", true, ["v1"]),
  served("apps", "statefulsets", "StatefulSet", true, ["v1"]),
  served("networking.k8s.io", "networkpolicies", "NetworkPolicy", true, ["v1"]),
];

/** 1.16: Ingress under extensions (preferred, as discovery lists it) and networking.k8s.io, v1beta1 only. */
export const TARGET_1_16 = byKey([
  ...unchanged,
  served("extensions", "ingresses", "Ingress", true, ["v1beta1"]),
  served("networking.k8s.io", "ingresses", "Ingress", true, ["v1beta1"]),
  served("batch", "cronjobs", "CronJob", true, ["v1beta1"]),
  served("policy", "poddisruptionbudgets", "PodDisruptionBudget", true, ["v1beta1"]),
]);

/** 1.30: Ingress in networking.k8s.io/v1 only; CronJob batch/v1; PDB policy/v1. */
export const TARGET_1_30 = byKey([
  ...unchanged,
  served("networking.k8s.io", "ingresses", "Ingress", true, ["v1"]),
  served("batch", "cronjobs", "CronJob", true, ["v1"]),
  served("policy", "poddisruptionbudgets", "PodDisruptionBudget", true, ["v1"]),
]);

/** 1.19: Ingress served as networking.k8s.io v1 (preferred) and v1beta1, and still under extensions. */
export const TARGET_1_19 = byKey([
  ...unchanged,
  served("networking.k8s.io", "ingresses", "Ingress", true, ["v1", "v1beta1"]),
  served("extensions", "ingresses", "Ingress", true, ["v1beta1"]),
  served("batch", "cronjobs", "CronJob", true, ["v1beta1"]),
  served("policy", "poddisruptionbudgets", "PodDisruptionBudget", true, ["v1beta1"]),
]);
