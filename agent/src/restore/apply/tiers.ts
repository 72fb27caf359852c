import type { PlannedItem } from "../types.js";

/**
 * The order a restore creates resources in, as "resource.group" ("resource" for the core group).
 * Each tier needs only what earlier tiers made: CRDs before anything can be of their kinds;
 * namespaces before their content; storage and configuration before the pods that mount them;
 * pods before the controllers that would otherwise make fresh pods (a ReplicaSet created after
 * its pods adopts them, as Velero orders it); workloads before what points at them.
 * Everything else comes last, which puts custom resources after all built-in kinds.
 */
const TIERS: readonly (readonly string[])[] = [
  ["customresourcedefinitions.apiextensions.k8s.io"],
  ["namespaces"],
  ["storageclasses.storage.k8s.io", "persistentvolumes", "persistentvolumeclaims"],
  [
    "serviceaccounts",
    "secrets",
    "configmaps",
    "limitranges",
    "resourcequotas",
    "roles.rbac.authorization.k8s.io",
    "clusterroles.rbac.authorization.k8s.io",
    "rolebindings.rbac.authorization.k8s.io",
    "clusterrolebindings.rbac.authorization.k8s.io",
    "priorityclasses.scheduling.k8s.io",
    "ingressclasses.networking.k8s.io",
  ],
  ["pods"],
  ["replicasets.apps", "replicationcontrollers"],
  ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch", "cronjobs.batch"],
  [
    "services",
    "endpoints",
    "ingresses.networking.k8s.io",
    "networkpolicies.networking.k8s.io",
    "poddisruptionbudgets.policy",
    "horizontalpodautoscalers.autoscaling",
  ],
];

const tierOf = new Map(TIERS.flatMap((resources, tier) => resources.map((resource) => [resource, tier] as const)));

/** The tier of a resource as the target serves it (`item.to`); TIERS.length for everything else. */
export function tierIndex(item: PlannedItem): number {
  const key = item.to.group === "" ? item.to.resource : `${item.to.resource}.${item.to.group}`;
  return tierOf.get(key) ?? TIERS.length;
}

/**
 * The items in the tiers they are applied in, earliest first, each tier in the items' own order.
 * Placement goes by what an item is applied as (`to`), so an extensions/v1beta1 Ingress converted to
 * networking.k8s.io/v1 sits with the Ingresses. Empty tiers are left out.
 */
export function orderIntoTiers(items: readonly PlannedItem[]): PlannedItem[][] {
  const tiers: PlannedItem[][] = Array.from({ length: TIERS.length + 1 }, () => []);
  for (const item of items) tiers[tierIndex(item)]!.push(item);
  return tiers.filter((tier) => tier.length > 0);
}
