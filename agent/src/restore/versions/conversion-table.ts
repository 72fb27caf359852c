// The conversions Lifeboat knows: resources whose removed versions (or removed groups) can be
// rewritten into the version that replaced them. Each family is one kind of object that the API
// server has served under one or more group/resource names; converting is always towards the
// family's current version (`to`), never back.

/** A group/resource the family's objects were served under. */
export interface GroupResource {
  group: string;
  resource: string;
}

export interface ConversionFamily {
  kind: string;
  /** The resource and version objects are converted to. */
  to: { group: string; resource: string; version: string };
  /** Other resources serving the same objects, e.g. extensions/ingresses for networking.k8s.io/ingresses. */
  aliases: GroupResource[];
  /** The apiVersions converted to `to`, most similar to it first: the order a choice prefers. */
  from: string[];
}

// Which removed version each kind was served in follows the Kubernetes deprecation guide
// (https://kubernetes.io/docs/reference/using-api/deprecation-guide/): Ingress left extensions in
// 1.22, CronJob batch/v1beta1 and PDB policy/v1beta1 went in 1.25, and the apps/v1beta1-2 and
// extensions workloads in 1.16.
export const CONVERSION_FAMILIES: readonly ConversionFamily[] = [
  {
    kind: "Ingress",
    to: { group: "networking.k8s.io", resource: "ingresses", version: "v1" },
    aliases: [{ group: "extensions", resource: "ingresses" }],
    from: ["networking.k8s.io/v1beta1", "extensions/v1beta1"],
  },
  {
    // extensions/v1beta1 NetworkPolicy has the networking.k8s.io/v1 schema.
    kind: "NetworkPolicy",
    to: { group: "networking.k8s.io", resource: "networkpolicies", version: "v1" },
    aliases: [{ group: "extensions", resource: "networkpolicies" }],
    from: ["extensions/v1beta1"],
  },
  {
    kind: "CronJob",
    to: { group: "batch", resource: "cronjobs", version: "v1" },
    aliases: [],
    from: ["batch/v1beta1"],
  },
  {
    kind: "PodDisruptionBudget",
    to: { group: "policy", resource: "poddisruptionbudgets", version: "v1" },
    aliases: [],
    from: ["policy/v1beta1"],
  },
  {
    kind: "Deployment",
    to: { group: "apps", resource: "deployments", version: "v1" },
    aliases: [{ group: "extensions", resource: "deployments" }],
    from: ["apps/v1beta2", "apps/v1beta1", "extensions/v1beta1"],
  },
  {
    kind: "DaemonSet",
    to: { group: "apps", resource: "daemonsets", version: "v1" },
    aliases: [{ group: "extensions", resource: "daemonsets" }],
    from: ["apps/v1beta2", "extensions/v1beta1"],
  },
  {
    kind: "ReplicaSet",
    to: { group: "apps", resource: "replicasets", version: "v1" },
    aliases: [{ group: "extensions", resource: "replicasets" }],
    from: ["apps/v1beta2", "extensions/v1beta1"],
  },
  {
    kind: "StatefulSet",
    to: { group: "apps", resource: "statefulsets", version: "v1" },
    aliases: [],
    from: ["apps/v1beta2", "apps/v1beta1"],
  },
];

/** The family whose objects `resource` serves, if any. */
export function conversionFamilyOf(resource: GroupResource): ConversionFamily | undefined {
  return CONVERSION_FAMILIES.find((f) => isSame(f.to, resource) || f.aliases.some((a) => isSame(a, resource)));
}

/** The family that converts an object of `kind` in `apiVersion` into `to`, if any. */
export function conversionInto(kind: string, apiVersion: string, to: { group: string; resource: string; version: string }): ConversionFamily | undefined {
  return CONVERSION_FAMILIES.find((f) => f.kind === kind && isSame(f.to, to) && f.to.version === to.version && f.from.includes(apiVersion));
}

function isSame(a: GroupResource, b: GroupResource): boolean {
  return a.group === b.group && a.resource === b.resource;
}
