import type { JsonObject, JsonValue } from "../api-types.js";
import { asObject, pick } from "./util.js";

/**
 * HorizontalPodAutoscaler metric shapes of autoscaling/v2beta1 (which autoscaling/v1 also
 * uses inside its annotations) <-> autoscaling/v2 (= v2beta2), after
 * pkg/apis/autoscaling/v2beta1/conversion.go.
 *
 *   v2beta1 resource {name, targetAverageUtilization | targetAverageValue}
 *     <-> v2 resource {name, target: {type: Utilization|AverageValue, averageUtilization, averageValue}}
 *   v2beta1 pods {metricName, selector, targetAverageValue}
 *     <-> v2 pods {metric: {name, selector}, target: {type: AverageValue, averageValue}}
 *   v2beta1 object {target, metricName, selector, targetValue, averageValue}
 *     <-> v2 object {describedObject, metric: {name, selector}, target: {type: Value|AverageValue, value, averageValue}}
 *   v2beta1 external {metricName, metricSelector, targetValue | targetAverageValue}
 *     <-> v2 external {metric: {name, selector}, target: {type: Value|AverageValue, value, averageValue}}
 * and the same for status ("current..." fields <-> current: {...}).
 */

const sources = ["object", "pods", "resource", "containerResource", "external"] as const;

function metricId(name: JsonValue | undefined, selector: JsonValue | undefined): JsonObject {
  const id: JsonObject = { name: name ?? "" };
  if (selector !== undefined && selector !== null) id.selector = selector;
  return id;
}

function withoutUndefined(obj: Record<string, JsonValue | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

function sourceToV2(type: string, s: JsonObject): JsonObject {
  switch (type) {
    case "resource":
    case "containerResource": {
      const utilization = s.targetAverageUtilization;
      const target = withoutUndefined({
        type: utilization === undefined || utilization === null ? "AverageValue" : "Utilization",
        averageUtilization: utilization,
        averageValue: s.targetAverageValue,
      });
      return withoutUndefined({ name: s.name, target, container: s.container });
    }
    case "pods":
      return { metric: metricId(s.metricName, s.selector), target: withoutUndefined({ type: "AverageValue", averageValue: s.targetAverageValue }) };
    case "object": {
      const average = s.averageValue;
      const target = withoutUndefined({ type: average === undefined || average === null ? "Value" : "AverageValue", value: s.targetValue, averageValue: average });
      return { describedObject: s.target ?? {}, target, metric: metricId(s.metricName, s.selector) };
    }
    case "external": {
      const value = s.targetValue;
      const target = withoutUndefined({ type: value === undefined || value === null ? "AverageValue" : "Value", value, averageValue: s.targetAverageValue });
      return { metric: metricId(s.metricName, s.metricSelector), target };
    }
  }
  return s;
}

function sourceFromV2(type: string, s: JsonObject): JsonObject {
  const target = asObject(s.target) ?? {};
  const metric = asObject(s.metric) ?? {};
  switch (type) {
    case "resource":
    case "containerResource":
      return withoutUndefined({ name: s.name, targetAverageUtilization: target.averageUtilization, targetAverageValue: target.averageValue, container: s.container });
    case "pods":
      return withoutUndefined({ metricName: metric.name ?? "", targetAverageValue: target.averageValue ?? "0", selector: metric.selector });
    case "object":
      // targetValue is a required Quantity in v2beta1: an unset one serializes as "0".
      return withoutUndefined({ target: s.describedObject, metricName: metric.name ?? "", targetValue: target.value ?? "0", selector: metric.selector, averageValue: target.averageValue });
    case "external":
      return withoutUndefined({ metricName: metric.name ?? "", metricSelector: metric.selector, targetValue: target.value, targetAverageValue: target.averageValue });
  }
  return s;
}

function statusToV2(type: string, s: JsonObject): JsonObject {
  switch (type) {
    case "resource":
    case "containerResource":
      return withoutUndefined({
        name: s.name,
        current: withoutUndefined({ averageUtilization: s.currentAverageUtilization, averageValue: s.currentAverageValue }),
        container: s.container,
      });
    case "pods":
      return { metric: metricId(s.metricName, s.selector), current: withoutUndefined({ averageValue: s.currentAverageValue }) };
    case "object":
      return { metric: metricId(s.metricName, s.selector), current: withoutUndefined({ value: s.currentValue, averageValue: s.averageValue }), describedObject: s.target ?? {} };
    case "external":
      return { metric: metricId(s.metricName, s.metricSelector), current: withoutUndefined({ value: s.currentValue, averageValue: s.currentAverageValue }) };
  }
  return s;
}

function statusFromV2(type: string, s: JsonObject): JsonObject {
  const current = asObject(s.current) ?? {};
  const metric = asObject(s.metric) ?? {};
  switch (type) {
    case "resource":
    case "containerResource":
      return withoutUndefined({
        name: s.name,
        currentAverageUtilization: current.averageUtilization,
        currentAverageValue: current.averageValue ?? "0",
        container: s.container,
      });
    case "pods":
      return withoutUndefined({ metricName: metric.name ?? "", currentAverageValue: current.averageValue ?? "0", selector: metric.selector });
    case "object":
      return withoutUndefined({ target: s.describedObject, metricName: metric.name ?? "", currentValue: current.value ?? "0", selector: metric.selector, averageValue: current.averageValue });
    case "external":
      return withoutUndefined({ metricName: metric.name ?? "", metricSelector: metric.selector, currentValue: current.value ?? "0", currentAverageValue: current.averageValue });
  }
  return s;
}

/** Maps the one source a metric entry carries ({type, <source>}) with `f`. */
function mapMetric(entry: JsonValue, f: (type: string, s: JsonObject) => JsonObject): JsonValue {
  const m = asObject(entry);
  if (!m) return entry;
  const out: JsonObject = pick(m, ["type"]);
  for (const [k, v] of Object.entries(m)) {
    if (k === "type") continue;
    const s = asObject(v);
    out[k] = s && (sources as readonly string[]).includes(k) ? f(k, s) : v;
  }
  return out;
}

export const metricSpecToV2 = (m: JsonValue): JsonValue => mapMetric(m, sourceToV2);
export const metricSpecFromV2 = (m: JsonValue): JsonValue => mapMetric(m, sourceFromV2);
export const metricStatusToV2 = (m: JsonValue): JsonValue => mapMetric(m, statusToV2);
export const metricStatusFromV2 = (m: JsonValue): JsonValue => mapMetric(m, statusFromV2);
