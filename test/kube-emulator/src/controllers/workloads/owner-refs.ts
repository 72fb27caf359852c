import type { JsonObject, KubeObject, OwnerReference } from "../../api-types.js";

/** The ownerReference a controller puts on what it creates (controller and blockOwnerDeletion set, as upstream's NewControllerRef). */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? "",
    uid: owner.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The owner reference marked controller: true, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid;
}

/**
 * A new object made from a pod template (ReplicaSet, StatefulSet, DaemonSet, Job): the
 * template's labels, annotations and spec, a generated or given name, and the owner's
 * controller reference; as upstream's GetPodFromTemplate.
 */
export function podFromTemplate(template: JsonObject, owner: KubeObject, name: { generateName: string } | { name: string }): KubeObject {
  const meta = (template.metadata as JsonObject | undefined) ?? {};
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...name,
      namespace: owner.metadata.namespace ?? "",
      ...(meta.labels ? { labels: { ...(meta.labels as Record<string, string>) } } : {}),
      ...(meta.annotations ? { annotations: { ...(meta.annotations as Record<string, string>) } } : {}),
      ...(Array.isArray(meta.finalizers) ? { finalizers: [...(meta.finalizers as string[])] } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec: structuredClone((template.spec as JsonObject | undefined) ?? {}),
  };
}
