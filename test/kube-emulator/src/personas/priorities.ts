/**
 * The order kube-apiserver lists groups in /apis and versions within a group: the
 * aggregator sorts APIServices by group priority (highest first, ties by APIService name,
 * i.e. "<version>.<group>") and versions by version priority (highest first).
 * Values are those of apiVersionPriorities in cmd/kube-apiserver/app/aggregator.go
 * (pkg/controlplane/apiserver/aggregator.go in newer releases). The aggregator lists its
 * own group, apiregistration.k8s.io, first.
 */
export const groupPriorities: Record<string, number> = {
  "apiregistration.k8s.io": 18000,
  // extensions sat above the rest "for CLI compatibility".
  extensions: 17900,
  apps: 17800,
  "events.k8s.io": 17750,
  "authentication.k8s.io": 17700,
  "authorization.k8s.io": 17600,
  autoscaling: 17500,
  batch: 17400,
  "certificates.k8s.io": 17300,
  "networking.k8s.io": 17200,
  policy: 17100,
  "rbac.authorization.k8s.io": 17000,
  "storage.k8s.io": 16800,
  "admissionregistration.k8s.io": 16700,
  "apiextensions.k8s.io": 16700,
  "scheduling.k8s.io": 16600,
  "coordination.k8s.io": 16500,
  "node.k8s.io": 16300,
  "discovery.k8s.io": 16200,
  "flowcontrol.apiserver.k8s.io": 16100,
};

/** Version priority inside a group; absent entries default to 15 for v1 and 9 otherwise. */
export const versionPriorities: Record<string, Record<string, number>> = {
  apps: { v1: 15, v1beta2: 9, v1beta1: 1 },
  "events.k8s.io": { v1: 15, v1beta1: 5 },
  autoscaling: { v2: 30, v1: 15, v2beta1: 9, v2beta2: 1 },
  extensions: { v1beta1: 1 },
  "rbac.authorization.k8s.io": { v1: 15, v1beta1: 12 },
  "admissionregistration.k8s.io": { v1: 15, v1beta1: 12 },
  "scheduling.k8s.io": { v1: 15, v1beta1: 12 },
  "discovery.k8s.io": { v1: 15, v1beta1: 12 },
  "flowcontrol.apiserver.k8s.io": { v1: 21, v1beta3: 18, v1beta2: 15, v1beta1: 12 },
};

export function versionPriority(group: string, version: string): number {
  return versionPriorities[group]?.[version] ?? (version === "v1" ? 15 : 9);
}

/** Compares two groups the way /apis orders them. */
export function compareGroups(a: { group: string; versions: string[] }, b: { group: string; versions: string[] }): number {
  if (a.group === "apiregistration.k8s.io") return -1;
  if (b.group === "apiregistration.k8s.io") return 1;
  const pa = groupPriorities[a.group] ?? 0;
  const pb = groupPriorities[b.group] ?? 0;
  if (pa !== pb) return pb - pa;
  // Ties break on the name of the group's first-sorted APIService ("v1.admissionregistration.k8s.io").
  const name = (g: { group: string; versions: string[] }) => [...g.versions].map((v) => `${v}.${g.group}`).sort()[0] ?? g.group;
  const na = name(a);
  const nb = name(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
}
