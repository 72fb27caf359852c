import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api-types.js";
import { BEHAVIOR_ANNOTATION, CONDITIONS_ANNOTATION, convertObject, CURRENT_METRICS_ANNOTATION, METRICS_ANNOTATION } from "./index.js";

const to = (version: string) => ({ group: "autoscaling", version, kind: "HorizontalPodAutoscaler" });
const scaleTargetRef = { kind: "Deployment", name: "web", apiVersion: "apps/v1" };
const conditions = [{ type: "AbleToScale", status: "True", lastTransitionTime: "2024-05-01T10:00:00Z", reason: "ReadyForNewScale", message: "ok" }];

const v2: KubeObject = {
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "web", namespace: "shop" },
  spec: {
    scaleTargetRef,
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
      { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } } },
      { type: "Pods", pods: { metric: { name: "requests_per_second" }, target: { type: "AverageValue", averageValue: "100" } } },
      {
        type: "Object",
        object: {
          describedObject: { kind: "Ingress", name: "web", apiVersion: "networking.k8s.io/v1" },
          target: { type: "Value", value: "2k" },
          metric: { name: "hits", selector: { matchLabels: { path: "/" } } },
        },
      },
      { type: "External", external: { metric: { name: "queue_depth", selector: { matchLabels: { queue: "jobs" } } }, target: { type: "AverageValue", averageValue: "30" } } },
    ],
    behavior: { scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: "Min", policies: [{ type: "Percent", value: 10, periodSeconds: 60 }] } },
  },
  status: {
    observedGeneration: 3,
    currentReplicas: 4,
    desiredReplicas: 5,
    currentMetrics: [
      { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 85, averageValue: "425m" } } },
      { type: "Pods", pods: { metric: { name: "requests_per_second" }, current: { averageValue: "120" } } },
    ],
    conditions,
  },
};

describe("HPA autoscaling/v2 <-> v1", () => {
  const v1 = convertObject(v2, to("v1"));

  it("keeps only the CPU target as fields and the rest in annotations", () => {
    expect(v1.spec).toEqual({ scaleTargetRef, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70 });
    expect(v1.status).toEqual({ observedGeneration: 3, currentReplicas: 4, desiredReplicas: 5, currentCPUUtilizationPercentage: 85 });
    const ann = v1.metadata.annotations ?? {};
    expect(JSON.parse(ann[METRICS_ANNOTATION] ?? "null")).toEqual([
      { type: "Resource", resource: { name: "memory", targetAverageValue: "500Mi" } },
      { type: "Pods", pods: { metricName: "requests_per_second", targetAverageValue: "100" } },
      {
        type: "Object",
        object: { target: { kind: "Ingress", name: "web", apiVersion: "networking.k8s.io/v1" }, metricName: "hits", targetValue: "2k", selector: { matchLabels: { path: "/" } } },
      },
      { type: "External", external: { metricName: "queue_depth", metricSelector: { matchLabels: { queue: "jobs" } }, targetAverageValue: "30" } },
    ]);
    expect(JSON.parse(ann[CURRENT_METRICS_ANNOTATION] ?? "null")).toEqual([
      { type: "Resource", resource: { name: "cpu", currentAverageUtilization: 85, currentAverageValue: "425m" } },
      { type: "Pods", pods: { metricName: "requests_per_second", currentAverageValue: "120" } },
    ]);
    expect(JSON.parse(ann[CONDITIONS_ANNOTATION] ?? "null")).toEqual(conditions);
    // Upstream marshals the internal Go type: keys are Go field names.
    expect(JSON.parse(ann[BEHAVIOR_ANNOTATION] ?? "null")).toEqual({
      ScaleDown: { StabilizationWindowSeconds: 300, SelectPolicy: "Min", Policies: [{ Type: "Percent", Value: 10, PeriodSeconds: 60 }] },
    });
  });

  it("round-trips through v1", () => {
    const back = convertObject(v1, to("v2"));
    // v1 puts the CPU target last, as upstream does.
    const metrics = (v2.spec as any).metrics;
    expect(back).toEqual({ ...v2, spec: { ...(v2.spec as object), metrics: [...metrics.slice(1), metrics[0]] } });
    expect(back.metadata.annotations).toBeUndefined();
  });

  it("gives a bare v1 HPA the implicit 80% CPU target", () => {
    const bare: KubeObject = { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "web" }, spec: { scaleTargetRef, maxReplicas: 3 } };
    expect(convertObject(bare, to("v2")).spec).toEqual({
      scaleTargetRef,
      maxReplicas: 3,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
    });
  });

  it("turns currentCPUUtilizationPercentage into a current metric", () => {
    const obj: KubeObject = {
      apiVersion: "autoscaling/v1",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web", annotations: { team: "a" } },
      spec: { scaleTargetRef, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 },
      status: { currentReplicas: 1, desiredReplicas: 1, currentCPUUtilizationPercentage: 12 },
    };
    const out = convertObject(obj, to("v2"));
    expect(out.status).toEqual({ currentReplicas: 1, desiredReplicas: 1, currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 12 } } }] });
    expect(out.metadata.annotations).toEqual({ team: "a" });
    expect(convertObject(out, to("v1")).metadata.annotations).toEqual({
      team: "a",
      [CURRENT_METRICS_ANNOTATION]: JSON.stringify([{ type: "Resource", resource: { name: "cpu", currentAverageUtilization: 12, currentAverageValue: "0" } }]),
    });
  });

  it("ignores a malformed annotation", () => {
    const obj: KubeObject = {
      apiVersion: "autoscaling/v1",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web", annotations: { [METRICS_ANNOTATION]: "{not json" } },
      spec: { scaleTargetRef, maxReplicas: 3, targetCPUUtilizationPercentage: 60 },
    };
    const out = convertObject(obj, to("v2"));
    expect((out.spec as any).metrics).toHaveLength(1);
    expect(out.metadata.annotations).toBeUndefined();
  });
});

describe("HPA autoscaling/v2 <-> v2beta1 and v2beta2", () => {
  it("round-trips through v2beta1", () => {
    const beta1 = convertObject(v2, to("v2beta1"));
    expect((beta1.spec as any).metrics[0]).toEqual({ type: "Resource", resource: { name: "cpu", targetAverageUtilization: 70 } });
    expect((beta1.spec as any).behavior).toBeUndefined();
    expect(beta1.metadata.annotations?.[BEHAVIOR_ANNOTATION]).toBeDefined();
    expect((beta1.status as any).conditions).toEqual(conditions);
    expect((beta1.status as any).currentMetrics[0]).toEqual({ type: "Resource", resource: { name: "cpu", currentAverageUtilization: 85, currentAverageValue: "425m" } });
    const back = convertObject(beta1, to("v2"));
    expect(back).toEqual(v2);
  });

  it("maps v2beta1 external and object targets onto v2 target types", () => {
    const beta1: KubeObject = {
      apiVersion: "autoscaling/v2beta1",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "q" },
      spec: {
        scaleTargetRef,
        maxReplicas: 5,
        metrics: [
          { type: "External", external: { metricName: "lag", targetValue: "10" } },
          { type: "Object", object: { target: { kind: "Service", name: "s" }, metricName: "m", targetValue: "1", averageValue: "2" } },
        ],
      },
    };
    expect((convertObject(beta1, to("v2")).spec as any).metrics).toEqual([
      { type: "External", external: { metric: { name: "lag" }, target: { type: "Value", value: "10" } } },
      { type: "Object", object: { describedObject: { kind: "Service", name: "s" }, target: { type: "AverageValue", value: "1", averageValue: "2" }, metric: { name: "m" } } },
    ]);
  });

  it("v2beta2 shares v2's schema", () => {
    expect(convertObject(v2, to("v2beta2"))).toEqual({ ...v2, apiVersion: "autoscaling/v2beta2" });
  });

  it("v1 -> v2beta1 goes through v2", () => {
    const v1 = convertObject(v2, to("v1"));
    const beta1 = convertObject(v1, to("v2beta1"));
    expect(beta1).toEqual(convertObject({ ...v2, spec: { ...(v2.spec as object), metrics: [...(v2.spec as any).metrics.slice(1), (v2.spec as any).metrics[0]] } }, to("v2beta1")));
  });
});
