import type { KubeObject } from "../types.js";

/** The part of a pod (or pod template) the transform rules touch. */
export interface PodSpecLike {
  containers?: Array<{ name?: string; image?: string; [field: string]: unknown }>;
  initContainers?: Array<{ name?: string; image?: string; [field: string]: unknown }>;
  ephemeralContainers?: Array<{ name?: string; image?: string; [field: string]: unknown }>;
  [field: string]: unknown;
}

/** A pod or a pod template: metadata (for labels) and a spec. */
export interface PodLike {
  metadata?: { labels?: Record<string, string>; [field: string]: unknown };
  spec?: PodSpecLike;
}

// Where each workload kind keeps its pod template, by kind whatever the API group or version
// (apps/v1, extensions/v1beta1 and apps/v1beta2 Deployments all keep it at spec.template).
const TEMPLATE_PATHS: Record<string, string[]> = {
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  ReplicationController: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
  PodTemplate: ["template"],
};

/**
 * The pod or pod template inside `object`, as a live reference into it (changing it changes the
 * object): the Pod itself, a workload's template, a CronJob's job template's template; undefined
 * for other kinds.
 */
export function podOf(object: KubeObject): PodLike | undefined {
  if (object.kind === "Pod") return object as PodLike;
  const path = TEMPLATE_PATHS[object.kind];
  if (!path) return undefined;
  let at: unknown = object;
  for (const key of path) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === "object" && at !== null ? (at as PodLike) : undefined;
}

/** Every container list of a pod spec: containers, init containers and ephemeral containers. */
export function containersOf(spec: PodSpecLike): Array<{ image?: string; [field: string]: unknown }> {
  return [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])];
}
