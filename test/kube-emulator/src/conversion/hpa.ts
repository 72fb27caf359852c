import type { JsonObject, JsonValue, KubeObject } from "../api-types.js";
import { metricSpecFromV2, metricSpecToV2, metricStatusFromV2, metricStatusToV2 } from "./hpa-metrics.js";
import type { ConversionFamily, Spoke } from "./types.js";
import { identity } from "./types.js";
import { asArray, asObject, deleteAnnotation, getAnnotation, lowerFirst, parseJsonAnnotation, pick, recaseKeys, setAnnotation, upperFirst } from "./util.js";

/**
 * HorizontalPodAutoscaler autoscaling/v1, v2beta1 and v2beta2 <-> autoscaling/v2
 * (pkg/apis/autoscaling/{v1,v2beta1,v2beta2}/conversion.go).
 *
 * autoscaling/v1 only has targetCPUUtilizationPercentage / currentCPUUtilizationPercentage;
 * like upstream it carries everything else in annotations of the v1 object:
 *   autoscaling.alpha.kubernetes.io/metrics          spec.metrics other than the CPU utilization one (v2beta1 shapes)
 *   autoscaling.alpha.kubernetes.io/current-metrics  all of status.currentMetrics (v2beta1 shapes)
 *   autoscaling.alpha.kubernetes.io/behavior         spec.behavior (v2beta1 too, which lacks the field)
 *   autoscaling.alpha.kubernetes.io/conditions       status.conditions
 * Upstream marshals the behavior from its internal Go type, so its keys are Go field names
 * ("ScaleUp", "StabilizationWindowSeconds"); reading accepts either case.
 * A v1 HPA with no CPU target and no other metrics gets the implicit 80% CPU target
 * explicitly, as upstream's conversion does. v2beta2 has v2's schema.
 */

export const METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics";
export const CURRENT_METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics";
export const BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior";
export const CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions";
const DEFAULT_CPU_UTILIZATION = 80;

function cpuUtilizationMetric(averageUtilization: JsonValue): JsonObject {
  return { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization } } };
}

function isCpuUtilizationTarget(metric: JsonValue): boolean {
  const m = asObject(metric);
  const resource = asObject(m?.resource);
  return m?.type === "Resource" && resource?.name === "cpu" && asObject(resource.target)?.averageUtilization != null;
}

function takeAnnotation(obj: KubeObject, key: string): JsonValue | undefined {
  const value = parseJsonAnnotation(getAnnotation(obj, key));
  deleteAnnotation(obj, key);
  return value;
}

function behaviorToAnnotation(obj: KubeObject, spec: JsonObject): void {
  const behavior = spec.behavior;
  delete spec.behavior;
  if (behavior !== undefined && behavior !== null) setAnnotation(obj, BEHAVIOR_ANNOTATION, JSON.stringify(recaseKeys(behavior, upperFirst)));
}

function behaviorFromAnnotation(obj: KubeObject, spec: JsonObject): void {
  const behavior = takeAnnotation(obj, BEHAVIOR_ANNOTATION);
  if (asObject(behavior)) spec.behavior = recaseKeys(behavior as JsonValue, lowerFirst);
}

const v2beta1: Spoke = {
  toHub(obj) {
    const spec = asObject(obj.spec);
    if (spec) {
      const metrics = asArray(spec.metrics);
      if (metrics) spec.metrics = metrics.map(metricSpecToV2);
      behaviorFromAnnotation(obj, spec);
    }
    const status = asObject(obj.status);
    const current = asArray(status?.currentMetrics);
    if (status && current) status.currentMetrics = current.map(metricStatusToV2);
    return obj;
  },
  fromHub(obj) {
    const spec = asObject(obj.spec);
    if (spec) {
      const metrics = asArray(spec.metrics);
      if (metrics) spec.metrics = metrics.map(metricSpecFromV2);
      behaviorToAnnotation(obj, spec);
    }
    const status = asObject(obj.status);
    const current = asArray(status?.currentMetrics);
    if (status && current) status.currentMetrics = current.map(metricStatusFromV2);
    return obj;
  },
};

const v1: Spoke = {
  toHub(obj) {
    const spec = asObject(obj.spec) ?? {};
    // metrics and behavior are not v1 fields; only the annotations carry them.
    const { targetCPUUtilizationPercentage: targetCpu, metrics: _metrics, behavior: _behavior, ...specRest } = spec;
    const metrics: JsonValue[] = (asArray(takeAnnotation(obj, METRICS_ANNOTATION)) ?? []).map(metricSpecToV2);
    if (typeof targetCpu === "number") metrics.push(cpuUtilizationMetric(targetCpu));
    if (metrics.length === 0) metrics.push(cpuUtilizationMetric(DEFAULT_CPU_UTILIZATION));
    const newSpec: JsonObject = { ...pick(specRest, ["scaleTargetRef", "minReplicas", "maxReplicas"]), metrics };
    Object.assign(newSpec, specRest);
    behaviorFromAnnotation(obj, newSpec);
    obj.spec = newSpec;

    const currentFromAnnotation = asArray(takeAnnotation(obj, CURRENT_METRICS_ANNOTATION));
    const conditions = asArray(takeAnnotation(obj, CONDITIONS_ANNOTATION));
    const status = asObject(obj.status);
    if (status) {
      const { currentCPUUtilizationPercentage: currentCpu, currentMetrics: _current, conditions: _conditions, ...statusRest } = status;
      const newStatus: JsonObject = pick(statusRest, ["observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas"]);
      // The annotation has more information than the v1 field, so it wins.
      if (currentFromAnnotation) newStatus.currentMetrics = currentFromAnnotation.map(metricStatusToV2);
      else if (typeof currentCpu === "number") newStatus.currentMetrics = [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: currentCpu } } }];
      if (conditions) newStatus.conditions = conditions;
      Object.assign(newStatus, statusRest);
      obj.status = newStatus;
    }
    return obj;
  },
  fromHub(obj) {
    const spec = asObject(obj.spec) ?? {};
    const { metrics, behavior, ...specRest } = spec;
    const newSpec = pick(specRest, ["scaleTargetRef", "minReplicas", "maxReplicas"]);
    const all = asArray(metrics) ?? [];
    const cpu = asObject(asObject(asObject(all.find((m) => asObject(m)?.type === "Resource" && asObject(asObject(m)?.resource)?.name === "cpu"))?.resource)?.target);
    if (cpu && typeof cpu.averageUtilization === "number") newSpec.targetCPUUtilizationPercentage = cpu.averageUtilization;
    Object.assign(newSpec, specRest);
    obj.spec = newSpec;

    const other = all.filter((m) => !isCpuUtilizationTarget(m)).map(metricSpecFromV2);
    if (other.length > 0) setAnnotation(obj, METRICS_ANNOTATION, JSON.stringify(other));
    else deleteAnnotation(obj, METRICS_ANNOTATION);
    if (behavior !== undefined && behavior !== null) setAnnotation(obj, BEHAVIOR_ANNOTATION, JSON.stringify(recaseKeys(behavior, upperFirst)));
    else deleteAnnotation(obj, BEHAVIOR_ANNOTATION);

    const status = asObject(obj.status);
    deleteAnnotation(obj, CURRENT_METRICS_ANNOTATION);
    deleteAnnotation(obj, CONDITIONS_ANNOTATION);
    if (status) {
      const { currentMetrics, conditions, ...statusRest } = status;
      const newStatus = pick(statusRest, ["observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas"]);
      const current = asArray(currentMetrics) ?? [];
      for (const m of current) {
        const resource = asObject(asObject(m)?.resource);
        const utilization = asObject(resource?.current)?.averageUtilization;
        if (asObject(m)?.type === "Resource" && resource?.name === "cpu" && typeof utilization === "number") newStatus.currentCPUUtilizationPercentage = utilization;
      }
      Object.assign(newStatus, statusRest);
      obj.status = newStatus;
      if (current.length > 0) setAnnotation(obj, CURRENT_METRICS_ANNOTATION, JSON.stringify(current.map(metricStatusFromV2)));
      const conds = asArray(conditions);
      if (conds && conds.length > 0) setAnnotation(obj, CONDITIONS_ANNOTATION, JSON.stringify(conds));
    }
    return obj;
  },
};

export const hpaFamilies: ConversionFamily[] = [
  {
    storageKey: "autoscaling/horizontalpodautoscalers",
    kind: "HorizontalPodAutoscaler",
    hub: { group: "autoscaling", version: "v2" },
    spokes: { "autoscaling/v1": v1, "autoscaling/v2beta1": v2beta1, "autoscaling/v2beta2": identity },
  },
];
