import type { JsonObject, KubeObject } from "../../api-types.js";
import { defaultPodSpec, defaultTemplateAt } from "./pod-spec.js";
import { defaultServiceSpec } from "./service.js";
import {
  defaultDaemonSetSpec,
  defaultDeploymentSpec,
  defaultJobLabels,
  defaultJobSpec,
  defaultReplicationController,
  defaultStatefulSetSpec,
  defaultTemplateGeneration,
} from "./workloads.js";
import { foldStringData } from "../strategies.js";

/** `current` is the stored object on update, undefined on create. */
type Defaulter = (obj: KubeObject, minor: number, current: KubeObject | undefined) => KubeObject;

const spec = (obj: KubeObject): JsonObject => (typeof obj.spec === "object" && obj.spec !== null && !Array.isArray(obj.spec) ? obj.spec : {});
const withSpec = (obj: KubeObject, next: JsonObject): KubeObject => ({ ...obj, spec: next });
const template = (obj: KubeObject): KubeObject => defaultTemplateAt(obj, ["spec", "template"]) as KubeObject;

/**
 * Defaults a real server applies on every write, by storage key (pkg/apis/*\/v1/defaults.go).
 * Workload-level defaults that depend on the request version (extensions vs apps) are the
 * conversion layer's; these hold in every version.
 */
const defaulters: Record<string, Defaulter> = {
  "/pods": (obj) => withSpec(obj, defaultPodSpec(spec(obj))),
  "/podtemplates": (obj) => defaultTemplateAt(obj, ["template"]) as KubeObject,
  "/replicationcontrollers": (obj) => template(defaultReplicationController(obj)),
  "/services": (obj, minor) => withSpec(obj, defaultServiceSpec(spec(obj), minor)),
  "/secrets": (obj) => foldStringData(obj),
  "apps/deployments": (obj) => template(withSpec(obj, defaultDeploymentSpec(spec(obj)))),
  "apps/replicasets": (obj) => template(withSpec(obj, { replicas: 1, ...spec(obj) })),
  "apps/statefulsets": (obj, minor) => template(withSpec(obj, defaultStatefulSetSpec(spec(obj), minor))),
  "apps/daemonsets": (obj, minor, current) => defaultTemplateGeneration(template(withSpec(obj, defaultDaemonSetSpec(spec(obj), minor))), current),
  "batch/jobs": (obj, minor) => defaultJobLabels(template(withSpec(obj, defaultJobSpec(spec(obj), minor)))),
  "batch/cronjobs": (obj) =>
    defaultTemplateAt(
      withSpec(obj, { concurrencyPolicy: "Allow", suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, ...spec(obj) }),
      ["spec", "jobTemplate", "spec", "template"],
    ) as KubeObject,
  "autoscaling/horizontalpodautoscalers": (obj) => withSpec(obj, { minReplicas: 1, ...spec(obj) }),
};

export function applyDefaults(storageKey: string, obj: KubeObject, minor: number, current?: KubeObject): KubeObject {
  return defaulters[storageKey]?.(obj, minor, current) ?? obj;
}

/**
 * Kinds whose registry strategy tracks metadata.generation (set to 1 on create, bumped on
 * spec changes). ConfigMaps, Secrets, Services, Namespaces and Pods carry none.
 */
const generationTracked = new Set([
  "apps/deployments",
  "apps/replicasets",
  "apps/statefulsets",
  "apps/daemonsets",
  "/replicationcontrollers",
  "batch/jobs",
  "batch/cronjobs",
  "policy/poddisruptionbudgets",
  "networking.k8s.io/ingresses",
  "networking.k8s.io/networkpolicies",
  "autoscaling/horizontalpodautoscalers",
  "apiextensions.k8s.io/customresourcedefinitions",
]);

export function tracksGeneration(storageKey: string, isCustomResource: boolean): boolean {
  return isCustomResource || generationTracked.has(storageKey);
}
