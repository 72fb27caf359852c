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

/** apps/v1 SetDefaults_StatefulSet: OrderedReady, RollingUpdate with partition 0. */
export function defaultStatefulSetSpec(spec: JsonObject): JsonObject {
  const strategy = isObject(spec.updateStrategy) ? { ...spec.updateStrategy } : {};
  strategy.type ??= "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const rolling = isObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
    strategy.rollingUpdate = { partition: 0, ...rolling };
  }
  return { replicas: 1, podManagementPolicy: "OrderedReady", revisionHistoryLimit: 10, ...spec, updateStrategy: strategy };
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
