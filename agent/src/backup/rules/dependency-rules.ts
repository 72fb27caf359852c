// What an item needs to be restored whole: the objects it names. Each rule reads one kind of
// item's JSON (in any served version: the fields used here have the same paths in all of them)
// and names the objects it refers to; the expand stage reads those and asks them in turn.
import { groupOf, type ItemRef } from "../resources.js";
import type { KubeObject } from "../kube/api-reader.js";

/** An object an item refers to: by resource, or by kind (owner references) for expand to resolve. */
export type DependencyRef = Omit<ItemRef, "resource"> & ({ resource: string; kind?: undefined } | { kind: string; resource?: undefined });

type Json = Record<string, any>;

// Groups that Kubernetes itself serves: anything else is a custom resource (or an aggregated API,
// whose "CRD" is not found and so adds nothing).
const BUILT_IN_GROUPS = new Set(["", "apps", "batch", "extensions", "policy", "autoscaling"]);

/** The objects `item` (of `resource`) refers to, in no particular order and possibly repeated. */
export function dependenciesOf(resource: { group: string; resource: string }, item: KubeObject): DependencyRef[] {
  const namespace = item.metadata?.namespace ?? "";
  const deps: DependencyRef[] = [...ownerDependencies(item, namespace)];
  const spec = (item as Json).spec as Json | undefined;
  const podSpec = podSpecOf(resource, item as Json);
  if (podSpec) deps.push(...podSpecDependencies(podSpec, namespace));
  switch (`${resource.group}/${resource.resource}`) {
    case "/persistentvolumeclaims":
      if (spec?.volumeName) deps.push(core("persistentvolumes", "", spec.volumeName));
      if (spec?.storageClassName) deps.push(storageClass(spec.storageClassName));
      break;
    case "/persistentvolumes":
      if (spec?.storageClassName) deps.push(storageClass(spec.storageClassName));
      break;
    case "/serviceaccounts":
      for (const ref of [...(((item as Json).secrets as Json[]) ?? []), ...(((item as Json).imagePullSecrets as Json[]) ?? [])]) {
        if (ref?.name) deps.push(core("secrets", namespace, ref.name));
      }
      break;
    case "rbac.authorization.k8s.io/rolebindings":
    case "rbac.authorization.k8s.io/clusterrolebindings": {
      const roleRef = (item as Json).roleRef as Json | undefined;
      if (roleRef?.name && roleRef.kind === "ClusterRole") deps.push({ group: "rbac.authorization.k8s.io", resource: "clusterroles", namespace: "", name: roleRef.name });
      if (roleRef?.name && roleRef.kind === "Role") deps.push({ group: "rbac.authorization.k8s.io", resource: "roles", namespace, name: roleRef.name });
      break;
    }
    case "networking.k8s.io/ingresses":
    case "extensions/ingresses":
      if (spec?.ingressClassName) deps.push({ group: "networking.k8s.io", resource: "ingressclasses", namespace: "", name: spec.ingressClassName });
      break;
  }
  if (isCustomResourceGroup(resource.group)) {
    deps.push({ group: "apiextensions.k8s.io", resource: "customresourcedefinitions", namespace: "", name: `${resource.resource}.${resource.group}` });
  }
  return deps;
}

/** Whether `group` may hold custom resources: not a group Kubernetes serves itself. */
export function isCustomResourceGroup(group: string): boolean {
  return !BUILT_IN_GROUPS.has(group) && !group.endsWith(".k8s.io");
}

/** The pod spec of a Pod, of a workload's pod template, or of a CronJob's job template. */
function podSpecOf(resource: { group: string; resource: string }, item: Json): Json | undefined {
  const spec = item.spec as Json | undefined;
  if (!spec) return undefined;
  if (resource.group === "" && resource.resource === "pods") return spec;
  if (resource.group === "" && resource.resource === "podtemplates") return item.template?.spec;
  if (resource.resource === "cronjobs") return spec.jobTemplate?.spec?.template?.spec;
  return spec.template?.spec;
}

/** A pod's ServiceAccount, the ConfigMaps and Secrets it mounts or reads, its image pull Secrets and its PVCs. */
export function podSpecDependencies(podSpec: Json, namespace: string): DependencyRef[] {
  const deps: DependencyRef[] = [];
  const serviceAccount = podSpec.serviceAccountName || podSpec.serviceAccount;
  if (serviceAccount) deps.push(core("serviceaccounts", namespace, serviceAccount));
  for (const secret of (podSpec.imagePullSecrets as Json[]) ?? []) if (secret?.name) deps.push(core("secrets", namespace, secret.name));
  for (const volume of (podSpec.volumes as Json[]) ?? []) {
    if (volume.configMap?.name) deps.push(core("configmaps", namespace, volume.configMap.name));
    if (volume.secret?.secretName) deps.push(core("secrets", namespace, volume.secret.secretName));
    if (volume.persistentVolumeClaim?.claimName) deps.push(core("persistentvolumeclaims", namespace, volume.persistentVolumeClaim.claimName));
    for (const source of (volume.projected?.sources as Json[]) ?? []) {
      if (source.configMap?.name) deps.push(core("configmaps", namespace, source.configMap.name));
      if (source.secret?.name) deps.push(core("secrets", namespace, source.secret.name));
    }
  }
  const containers = [...((podSpec.initContainers as Json[]) ?? []), ...((podSpec.containers as Json[]) ?? []), ...((podSpec.ephemeralContainers as Json[]) ?? [])];
  for (const container of containers) {
    for (const from of (container.envFrom as Json[]) ?? []) {
      if (from.configMapRef?.name) deps.push(core("configmaps", namespace, from.configMapRef.name));
      if (from.secretRef?.name) deps.push(core("secrets", namespace, from.secretRef.name));
    }
    for (const env of (container.env as Json[]) ?? []) {
      if (env.valueFrom?.configMapKeyRef?.name) deps.push(core("configmaps", namespace, env.valueFrom.configMapKeyRef.name));
      if (env.valueFrom?.secretKeyRef?.name) deps.push(core("secrets", namespace, env.valueFrom.secretKeyRef.name));
    }
  }
  return deps;
}

/** Owners live in the item's namespace, or are cluster-scoped; expand finds out which from the kind. */
function ownerDependencies(item: KubeObject, namespace: string): DependencyRef[] {
  return (item.metadata?.ownerReferences ?? [])
    .filter((owner) => owner?.apiVersion && owner.kind && owner.name)
    .map((owner) => ({ group: groupOf(owner.apiVersion), kind: owner.kind, namespace, name: owner.name }));
}

function core(resource: string, namespace: string, name: string): DependencyRef {
  return { group: "", resource, namespace, name };
}

function storageClass(name: string): DependencyRef {
  return { group: "storage.k8s.io", resource: "storageclasses", namespace: "", name };
}
