import type { ResourceDef } from "./types.js";

/**
 * apps, extensions, batch, autoscaling and policy. Windows follow the deprecation guide
 * (https://kubernetes.io/docs/reference/using-api/deprecation-guide/):
 *  - 1.16 turned off extensions/v1beta1 deployments, daemonsets, replicasets,
 *    networkpolicies and podsecuritypolicies, and all of apps/v1beta1 and apps/v1beta2;
 *    1.18 removed the code that could still serve them (`legacyUntil`).
 *  - 1.22 removed extensions/v1beta1 Ingress (and with it the extensions group).
 *  - 1.25 removed batch/v1beta1 CronJob, autoscaling/v2beta1 and policy/v1beta1 (PDB, PSP).
 *  - 1.26 removed autoscaling/v2beta2.
 */

const LEGACY_OFF = 16;
const LEGACY_GONE = 18;

interface Shape {
  resource: string;
  kind: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources?: Array<"status" | "scale">;
  storageKey?: string;
}

const deployments: Shape = { resource: "deployments", kind: "Deployment", shortNames: ["deploy"], categories: ["all"], subresources: ["status", "scale"] };
const daemonsets: Shape = { resource: "daemonsets", kind: "DaemonSet", shortNames: ["ds"], categories: ["all"], subresources: ["status"] };
const replicasets: Shape = { resource: "replicasets", kind: "ReplicaSet", shortNames: ["rs"], categories: ["all"], subresources: ["status", "scale"] };
const statefulsets: Shape = { resource: "statefulsets", kind: "StatefulSet", shortNames: ["sts"], categories: ["all"], subresources: ["status", "scale"] };
const controllerrevisions: Shape = { resource: "controllerrevisions", kind: "ControllerRevision" };
const ingresses: Shape = { resource: "ingresses", kind: "Ingress", shortNames: ["ing"], subresources: ["status"], storageKey: "networking.k8s.io/ingresses" };
const hpa: Shape = {
  resource: "horizontalpodautoscalers",
  kind: "HorizontalPodAutoscaler",
  shortNames: ["hpa"],
  categories: ["all"],
  subresources: ["status"],
};
const cronjobs: Shape = { resource: "cronjobs", kind: "CronJob", shortNames: ["cj"], categories: ["all"], subresources: ["status"] };
const pdb: Shape = { resource: "poddisruptionbudgets", kind: "PodDisruptionBudget", shortNames: ["pdb"], subresources: ["status"] };
const psp: Shape = {
  resource: "podsecuritypolicies",
  kind: "PodSecurityPolicy",
  namespaced: false,
  shortNames: ["psp"],
  storageKey: "policy/podsecuritypolicies",
};

function def(group: string, version: string, shape: Shape, window: { since: number; removedIn?: number; legacyUntil?: number }): ResourceDef {
  const { namespaced = true, storageKey, ...rest } = shape;
  return {
    group,
    version,
    ...rest,
    namespaced,
    storageKey: storageKey ?? `${group === "extensions" ? "apps" : group}/${shape.resource}`,
    ...window,
  };
}

const legacy = { since: 1, removedIn: LEGACY_OFF, legacyUntil: LEGACY_GONE };

export const workloadResources: ResourceDef[] = [
  // apps/v1 (GA in 1.9)
  ...[controllerrevisions, daemonsets, deployments, replicasets, statefulsets].map((s) => def("apps", "v1", s, { since: 9 })),
  // apps/v1beta1 and apps/v1beta2: off by default from 1.16
  ...[controllerrevisions, deployments, statefulsets].map((s) => def("apps", "v1beta1", s, legacy)),
  ...[controllerrevisions, daemonsets, deployments, replicasets, statefulsets].map((s) => def("apps", "v1beta2", s, legacy)),

  // extensions/v1beta1
  def("extensions", "v1beta1", ingresses, { since: 1, removedIn: 22 }),
  ...[daemonsets, deployments, replicasets].map((s) => def("extensions", "v1beta1", s, legacy)),
  def(
    "extensions",
    "v1beta1",
    { resource: "networkpolicies", kind: "NetworkPolicy", shortNames: ["netpol"], storageKey: "networking.k8s.io/networkpolicies" },
    legacy,
  ),
  def("extensions", "v1beta1", psp, legacy),

  // batch
  def("batch", "v1", { resource: "jobs", kind: "Job", categories: ["all"], subresources: ["status"] }, { since: 1 }),
  def("batch", "v1beta1", cronjobs, { since: 8, removedIn: 25 }),
  def("batch", "v1", cronjobs, { since: 21 }),

  // autoscaling: every version is one stored HorizontalPodAutoscaler
  def("autoscaling", "v1", hpa, { since: 2 }),
  def("autoscaling", "v2beta1", hpa, { since: 8, removedIn: 25 }),
  def("autoscaling", "v2beta2", hpa, { since: 12, removedIn: 26 }),
  def("autoscaling", "v2", hpa, { since: 23 }),

  // policy
  def("policy", "v1beta1", pdb, { since: 5, removedIn: 25 }),
  def("policy", "v1", pdb, { since: 21 }),
  def("policy", "v1beta1", psp, { since: 10, removedIn: 25 }),
];
