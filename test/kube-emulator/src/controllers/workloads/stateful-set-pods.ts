import type { JsonObject, KubeObject, OwnerReference } from "../../api-types.js";
import { controllerRevisionHashLabel } from "./controller-revision.js";
import { podFromTemplate } from "./owner-refs.js";

/**
 * What a StatefulSet's pods and claims look like (pkg/controller/statefulset/stateful_set_utils.go):
 * stable names `<set>-<ordinal>`, identity labels and hostname, and one claim per
 * volumeClaimTemplate named `<template>-<set>-<ordinal>`.
 */

export const podNameLabel = "statefulset.kubernetes.io/pod-name";
/** PodIndexLabel, beta and on by default from 1.28. */
export const podIndexLabel = "apps.kubernetes.io/pod-index";

const ordinalPattern = /^(.*)-(\d+)$/;

/** The set a pod's name says it belongs to and its ordinal (getParentNameAndOrdinal); ordinal -1 when the name has none. */
export function parentAndOrdinal(podName: string): { parent: string; ordinal: number } {
  const m = ordinalPattern.exec(podName);
  if (!m) return { parent: "", ordinal: -1 };
  const ordinal = Number(m[2]);
  return Number.isSafeInteger(ordinal) ? { parent: m[1]!, ordinal } : { parent: "", ordinal: -1 };
}

export function podName(set: KubeObject, ordinal: number): string {
  return `${set.metadata.name ?? ""}-${ordinal}`;
}

/** isMemberOf: a pod is the set's when its name is `<set>-<ordinal>`. */
export function isMemberOf(set: KubeObject, pod: KubeObject): boolean {
  return parentAndOrdinal(pod.metadata.name ?? "").parent === set.metadata.name;
}

function setSpec(set: KubeObject): JsonObject {
  return (set.spec as JsonObject | undefined) ?? {};
}

export function claimTemplates(set: KubeObject): JsonObject[] {
  const templates = setSpec(set).volumeClaimTemplates;
  return Array.isArray(templates) ? (templates.filter((t) => t !== null && typeof t === "object" && !Array.isArray(t)) as JsonObject[]) : [];
}

function templateName(template: JsonObject): string {
  return String(((template.metadata as JsonObject | undefined) ?? {}).name ?? "");
}

export function claimName(set: KubeObject, template: JsonObject, ordinal: number): string {
  return `${templateName(template)}-${set.metadata.name ?? ""}-${ordinal}`;
}

/**
 * getPersistentVolumeClaims: a template's claim for one ordinal, in the set's namespace,
 * labelled with the template's labels plus the selector's matchLabels.
 */
export function newClaim(set: KubeObject, template: JsonObject, ordinal: number): KubeObject {
  const meta = (template.metadata as JsonObject | undefined) ?? {};
  const selector = ((setSpec(set).selector as JsonObject | undefined)?.matchLabels as Record<string, string> | undefined) ?? {};
  const { name: _n, namespace: _ns, ...rest } = meta;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      ...(structuredClone(rest) as JsonObject),
      name: claimName(set, template, ordinal),
      namespace: set.metadata.namespace ?? "",
      labels: { ...((meta.labels as Record<string, string> | undefined) ?? {}), ...selector },
    },
    spec: structuredClone((template.spec as JsonObject | undefined) ?? {}),
  };
}

/**
 * A new pod for an ordinal at a revision (newVersionedStatefulSetPod): the revision's
 * template, the set's controller reference, generateName `<set>-` as GetPodFromTemplate
 * leaves it, its identity and its claims' volumes.
 */
export function newStatefulSetPod(set: KubeObject, template: JsonObject, revisionName: string, ordinal: number, minor: number): KubeObject {
  const pod = podFromTemplate(template, set, { generateName: `${set.metadata.name ?? ""}-` });
  pod.metadata.name = podName(set, ordinal);
  const withIdentity = updateIdentity(set, pod, minor);
  const withStorage = updateStorage(set, withIdentity);
  withStorage.metadata.labels = { ...withStorage.metadata.labels, [controllerRevisionHashLabel]: revisionName };
  return withStorage;
}

/** identityMatches: name, pod-name label (and pod-index from 1.28), hostname and subdomain as the set wants them. */
export function identityMatches(set: KubeObject, pod: KubeObject, minor: number): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata.name ?? "");
  const spec = (pod.spec as JsonObject | undefined) ?? {};
  const labels = pod.metadata.labels ?? {};
  return (
    parent === set.metadata.name &&
    ordinal >= 0 &&
    pod.metadata.namespace === set.metadata.namespace &&
    labels[podNameLabel] === pod.metadata.name &&
    (minor < 28 || labels[podIndexLabel] === String(ordinal)) &&
    spec.hostname === pod.metadata.name &&
    (spec.subdomain ?? "") === (setSpec(set).serviceName ?? "")
  );
}

/** updateIdentity: the stable network identity of the pod. */
export function updateIdentity(set: KubeObject, pod: KubeObject, minor: number): KubeObject {
  const name = pod.metadata.name ?? "";
  const { ordinal } = parentAndOrdinal(name);
  const labels: Record<string, string> = { ...pod.metadata.labels, [podNameLabel]: name };
  if (minor >= 28) labels[podIndexLabel] = String(ordinal);
  const spec: JsonObject = { ...((pod.spec as JsonObject | undefined) ?? {}), hostname: name };
  const serviceName = setSpec(set).serviceName;
  if (typeof serviceName === "string" && serviceName !== "") spec.subdomain = serviceName;
  else delete spec.subdomain;
  return { ...pod, metadata: { ...pod.metadata, labels }, spec };
}

/** storageMatches: each template's volume in the pod names the ordinal's claim. */
export function storageMatches(set: KubeObject, pod: KubeObject): boolean {
  const { ordinal } = parentAndOrdinal(pod.metadata.name ?? "");
  const volumes = podVolumes(pod);
  return claimTemplates(set).every((t) => {
    const v = volumes.find((vol) => vol.name === templateName(t));
    return (v?.persistentVolumeClaim as JsonObject | undefined)?.claimName === claimName(set, t, ordinal);
  });
}

/** updateStorage: the pod's volumes with each template's volume pointing at the ordinal's claim (replacing a same-named one). */
export function updateStorage(set: KubeObject, pod: KubeObject): KubeObject {
  const templates = claimTemplates(set);
  if (templates.length === 0) return pod;
  const { ordinal } = parentAndOrdinal(pod.metadata.name ?? "");
  const names = new Set(templates.map(templateName));
  const volumes: JsonObject[] = [
    ...templates.map((t) => ({ name: templateName(t), persistentVolumeClaim: { claimName: claimName(set, t, ordinal) } })),
    ...podVolumes(pod).filter((v) => !names.has(String(v.name))),
  ];
  return { ...pod, spec: { ...((pod.spec as JsonObject | undefined) ?? {}), volumes } };
}

function podVolumes(pod: KubeObject): JsonObject[] {
  const volumes = ((pod.spec as JsonObject | undefined) ?? {}).volumes;
  return Array.isArray(volumes) ? (volumes as JsonObject[]) : [];
}

export type RetentionRule = "Retain" | "Delete";

/** spec.persistentVolumeClaimRetentionPolicy (1.27+ by default); absent means Retain for both. */
export function retentionPolicy(set: KubeObject): { whenDeleted: RetentionRule; whenScaled: RetentionRule } {
  const policy = (setSpec(set).persistentVolumeClaimRetentionPolicy as JsonObject | undefined) ?? {};
  return {
    whenDeleted: policy.whenDeleted === "Delete" ? "Delete" : "Retain",
    whenScaled: policy.whenScaled === "Delete" ? "Delete" : "Retain",
  };
}

/** A plain (non-controller) reference, as the retention policy's setOwnerRef writes. */
function plainRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name ?? "", uid: owner.metadata.uid ?? "" };
}

/**
 * updateClaimOwnerRefForSetAndPod: the owner references a claim carries under the retention
 * policy: the set's when claims go with the set, the pod's when a scaled-down pod takes its
 * claims along. `condemned` says the pod's ordinal is at or beyond spec.replicas.
 */
export function claimOwnerRefs(claim: KubeObject, set: KubeObject, pod: KubeObject | undefined, condemned: boolean): OwnerReference[] {
  const { whenDeleted, whenScaled } = retentionPolicy(set);
  const others = (claim.metadata.ownerReferences ?? []).filter((r) => r.uid !== set.metadata.uid && (!pod || r.uid !== pod.metadata.uid));
  const wantPod = !!pod?.metadata.uid && whenScaled === "Delete" && condemned;
  const wantSet = whenDeleted === "Delete" && !wantPod;
  const current = claim.metadata.ownerReferences ?? [];
  const keep = (owner: KubeObject): OwnerReference[] => {
    const existing = current.find((r) => r.uid === owner.metadata.uid);
    return [existing ?? plainRef(owner)];
  };
  return [...others, ...(wantSet ? keep(set) : []), ...(wantPod && pod ? keep(pod) : [])];
}
