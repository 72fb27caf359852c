import { isDeepStrictEqual } from "node:util";
import type { JsonObject, KubeObject } from "../../api-types.js";

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * apps/v1 SetDefaults_Deployment, on every write as upstream: a `strategy: {}` (what
 * `kubectl create deployment` sends) becomes RollingUpdate 25%/25%, and a replace that
 * omits a field gets it back.
 */
export function defaultDeploymentSpec(spec: JsonObject): JsonObject {
  const strategy = isObject(spec.strategy) ? { ...spec.strategy } : {};
  strategy.type ??= "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const rolling = isObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
    strategy.rollingUpdate = { maxUnavailable: "25%", maxSurge: "25%", ...rolling };
  }
  return { replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, ...spec, strategy };
}

/**
 * apps/v1 SetDefaults_StatefulSet: OrderedReady, RollingUpdate (partition 0 when a
 * rollingUpdate is given or the type was), and from 1.27 (StatefulSetAutoDeletePVC beta) a
 * persistentVolumeClaimRetentionPolicy that retains claims.
 */
export function defaultStatefulSetSpec(spec: JsonObject, minor: number): JsonObject {
  const strategy = isObject(spec.updateStrategy) ? { ...spec.updateStrategy } : {};
  if (strategy.type === undefined || strategy.type === "") {
    strategy.type = "RollingUpdate";
    strategy.rollingUpdate = isObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
  }
  if (strategy.type === "RollingUpdate" && isObject(strategy.rollingUpdate)) strategy.rollingUpdate = { partition: 0, ...strategy.rollingUpdate };
  const out: JsonObject = { replicas: 1, podManagementPolicy: "OrderedReady", revisionHistoryLimit: 10, ...spec, updateStrategy: strategy };
  if (minor >= 27) {
    const policy = isObject(spec.persistentVolumeClaimRetentionPolicy) ? spec.persistentVolumeClaimRetentionPolicy : {};
    out.persistentVolumeClaimRetentionPolicy = { whenDeleted: policy.whenDeleted || "Retain", whenScaled: policy.whenScaled || "Retain" };
  }
  return out;
}

/**
 * apps/v1 SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 (and, from 1.22 where
 * DaemonSetUpdateSurge is on, maxSurge 0), ten revisions of history.
 */
export function defaultDaemonSetSpec(spec: JsonObject, minor: number): JsonObject {
  const strategy = isObject(spec.updateStrategy) ? { ...spec.updateStrategy } : {};
  if (strategy.type === undefined || strategy.type === "") strategy.type = "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const rolling = isObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
    strategy.rollingUpdate = { maxUnavailable: 1, ...(minor >= 22 ? { maxSurge: 0 } : {}), ...rolling };
  }
  return { revisionHistoryLimit: 10, ...spec, updateStrategy: strategy };
}

/**
 * batch/v1 SetDefaults_Job. Completions and parallelism become 1 only when both are unset;
 * a work-queue Job (parallelism alone) keeps completions unset. completionMode and suspend
 * from 1.22 (IndexedJob and SuspendJob beta), podReplacementPolicy from 1.29
 * (JobPodReplacementPolicy beta): Failed with a podFailurePolicy, else TerminatingOrFailed.
 */
export function defaultJobSpec(spec: JsonObject, minor: number): JsonObject {
  const out: JsonObject = { ...spec };
  if (out.completions == null && out.parallelism == null) out.completions = 1;
  out.parallelism ??= 1;
  // backoffLimitPerIndex (1.28+) makes the global limit effectively unbounded (math.MaxInt32).
  out.backoffLimit ??= out.backoffLimitPerIndex != null ? 2147483647 : 6;
  if (minor >= 22) {
    out.completionMode ??= "NonIndexed";
    out.suspend ??= false;
  }
  if (isObject(out.podFailurePolicy) && Array.isArray(out.podFailurePolicy.rules)) {
    const rules = out.podFailurePolicy.rules.map((rule) =>
      isObject(rule) && Array.isArray(rule.onPodConditions)
        ? { ...rule, onPodConditions: rule.onPodConditions.map((c) => (isObject(c) && !c.status ? { ...c, status: "True" } : c)) }
        : rule,
    );
    out.podFailurePolicy = { ...out.podFailurePolicy, rules };
  }
  if (minor >= 29) out.podReplacementPolicy ??= out.podFailurePolicy != null ? "Failed" : "TerminatingOrFailed";
  return out;
}

/** SetDefaults_Job: a Job without labels takes its pod template's. */
export function defaultJobLabels(job: KubeObject): KubeObject {
  const template = isObject(job.spec) && isObject(job.spec.template) ? job.spec.template : {};
  const labels = isObject(template.metadata) ? template.metadata.labels : undefined;
  if (!isObject(labels) || Object.keys(job.metadata.labels ?? {}).length > 0) return job;
  return { ...job, metadata: { ...job.metadata, labels: { ...(labels as Record<string, string>) } } };
}

/** The annotation apps/v1 DaemonSets carry their internal spec.templateGeneration in. */
export const templateGenerationAnnotation = "deprecated.daemonset.template.generation";

/**
 * The DaemonSet registry strategy's templateGeneration, shown in apps/v1 as an annotation:
 * 1 on create (or what a create carries, if more), kept on update and bumped by one when
 * the pod template changes; clients cannot set it on update.
 */
export function defaultTemplateGeneration(ds: KubeObject, current: KubeObject | undefined): KubeObject {
  const read = (obj: KubeObject): number => {
    const n = Number(obj.metadata.annotations?.[templateGenerationAnnotation]);
    return Number.isInteger(n) ? n : 0;
  };
  let generation: number;
  if (!current) generation = Math.max(read(ds), 1);
  else {
    const template = (obj: KubeObject) => (isObject(obj.spec) ? obj.spec.template ?? null : null);
    generation = Math.max(read(current), 1) + (isDeepStrictEqual(template(current), template(ds)) ? 0 : 1);
  }
  return { ...ds, metadata: { ...ds.metadata, annotations: { ...ds.metadata.annotations, [templateGenerationAnnotation]: String(generation) } } };
}

/**
 * core/v1 SetDefaults_ReplicationController: one replica, and an empty selector or empty
 * labels taken from the pod template's labels.
 */
export function defaultReplicationController(obj: KubeObject): KubeObject {
  const spec: JsonObject = { replicas: 1, ...(isObject(obj.spec) ? obj.spec : {}) };
  const templateLabels = isObject(spec.template) && isObject(spec.template.metadata) ? spec.template.metadata.labels : undefined;
  if (!isObject(templateLabels) || Object.keys(templateLabels).length === 0) return { ...obj, spec };
  if (!isObject(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...templateLabels };
  const labels = obj.metadata.labels && Object.keys(obj.metadata.labels).length > 0 ? obj.metadata.labels : { ...(templateLabels as Record<string, string>) };
  return { ...obj, metadata: { ...obj.metadata, labels }, spec };
}
