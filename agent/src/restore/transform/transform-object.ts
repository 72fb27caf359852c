import { applyResourceModifiers, type RestoreOptions } from "@lifeboat/shared/restore";
import type { KubeObject, PlannedItem } from "../types.js";
import { mapImages } from "./image-registry-mapping.js";
import { addInitContainers, initContainerHookRulesOf, type InitContainerHookRule } from "./init-container-hooks.js";
import { mapObjectNamespaces } from "./namespace-mapping.js";
import { podOf } from "./pod-specs.js";
import { translatePvSource } from "./pv-source-translation.js";
import { replicaTargetsOf, setReplicas, type ReplicaTarget } from "./replicas.js";
import { addRestoreLabels } from "./restore-labels.js";
import { mapStorageClasses } from "./storage-class-mapping.js";

export type TransformOptions = RestoreOptions & { restoreId: string; backupId: string };

/**
 * The transform stage for one item: namespace mapping → storage class mapping → image registry
 * mapping → replicas → PV source translation → init-container hooks (Pods only: a controller's
 * template would run the hook in every pod it ever makes) → resource modifiers → restore labels
 * (last, so no modifier can strip what lets a retry recognise its work). Returns a new object;
 * `object` is not changed. Throws INVALID_ARGUMENT when a resource modifier's patch fails or a
 * hook's label selector does not parse.
 */
export function transformObject(object: KubeObject, item: PlannedItem, options: TransformOptions): KubeObject {
  return transformInPlace(structuredClone(object), item, options);
}

/** transformObject on an object the caller owns: changes `draft` (and returns it, or the modified copy resource modifiers make). */
export function transformInPlace(draft: KubeObject, item: PlannedItem, options: TransformOptions): KubeObject {
  mapObjectNamespaces(draft, options.namespaceMapping);
  mapStorageClasses(draft, options.storageClassMapping);
  mapImages(draft, options.imageRegistryMapping);
  if (options.replicas.size > 0) {
    setReplicas(draft, replicaSubjectOf(item), replicaTargets(options.replicas));
  }
  translatePvSource(draft, options.pvSourceMapping);
  if (draft.kind === "Pod" && options.hooks.length > 0) {
    addInitContainers(podOf(draft)!, hookRules(options.hooks), draft.metadata.namespace ?? item.namespace);
  }
  const modified = options.modifiers.length > 0 ? applyResourceModifiers(draft, options.modifiers, { groupResource: groupResourceOf(item.to), namespace: item.source.namespace }) : draft;
  addRestoreLabels(modified, options.restoreId, options.backupId);
  return modified;
}

function groupResourceOf(resource: { group?: string; resource: string }): string {
  return resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
}

function replicaSubjectOf(item: PlannedItem) {
  return {
    groupResource: groupResourceOf(item.to),
    otherGroupResources: [groupResourceOf(item.from), groupResourceOf(item.source)],
    sourceNamespace: item.source.namespace,
    targetNamespace: item.namespace,
    name: item.name,
  };
}

// Compiled once per restore (the options object lives for the whole restore), not per item.
const compiledTargets = new WeakMap<ReadonlyMap<string, number>, ReplicaTarget[]>();
const compiledHooks = new WeakMap<object, InitContainerHookRule[]>();

function replicaTargets(replicas: ReadonlyMap<string, number>): ReplicaTarget[] {
  let targets = compiledTargets.get(replicas);
  if (!targets) compiledTargets.set(replicas, (targets = replicaTargetsOf(replicas)));
  return targets;
}

function hookRules(hooks: TransformOptions["hooks"]): InitContainerHookRule[] {
  let rules = compiledHooks.get(hooks);
  if (!rules) compiledHooks.set(hooks, (rules = initContainerHookRulesOf(hooks)));
  return rules;
}
