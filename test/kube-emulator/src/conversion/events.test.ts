import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api-types.js";
import { convertObject } from "./index.js";

const coreEvent: KubeObject = {
  apiVersion: "v1",
  kind: "Event",
  metadata: { name: "web-7d4b9c.17c3a1f0e2d4b5a6", namespace: "shop" },
  involvedObject: { kind: "Pod", namespace: "shop", name: "web-7d4b9c", uid: "3f1c2b7a-0000-4000-8000-000000000001", apiVersion: "v1", fieldPath: "spec.containers{web}" },
  reason: "Pulled",
  message: 'Successfully pulled image "nginx:1.25"',
  source: { component: "kubelet", host: "node-1" },
  firstTimestamp: "2024-05-01T10:00:00Z",
  lastTimestamp: "2024-05-01T10:05:00Z",
  count: 3,
  type: "Normal",
  reportingComponent: "kubelet",
  reportingInstance: "node-1",
};

const eventsEvent = (apiVersion: string): KubeObject => ({
  apiVersion,
  kind: "Event",
  metadata: { name: "web-7d4b9c.17c3a1f0e2d4b5a6", namespace: "shop" },
  reportingController: "kubelet",
  reportingInstance: "node-1",
  reason: "Pulled",
  regarding: { kind: "Pod", namespace: "shop", name: "web-7d4b9c", uid: "3f1c2b7a-0000-4000-8000-000000000001", apiVersion: "v1", fieldPath: "spec.containers{web}" },
  note: 'Successfully pulled image "nginx:1.25"',
  type: "Normal",
  deprecatedSource: { component: "kubelet", host: "node-1" },
  deprecatedFirstTimestamp: "2024-05-01T10:00:00Z",
  deprecatedLastTimestamp: "2024-05-01T10:05:00Z",
  deprecatedCount: 3,
});

describe("Event core/v1 <-> events.k8s.io", () => {
  it.each(["v1", "v1beta1"])("converts core v1 to events.k8s.io/%s and back", (version) => {
    const out = convertObject(coreEvent, { group: "events.k8s.io", version, kind: "Event" });
    expect(out).toEqual(eventsEvent(`events.k8s.io/${version}`));
    expect(Object.keys(out).slice(0, 4)).toEqual(["apiVersion", "kind", "metadata", "reportingController"]);
    const back = convertObject(out, { group: "", version: "v1", kind: "Event" });
    expect(back).toEqual(coreEvent);
    expect(Object.keys(back)).toEqual(Object.keys(coreEvent));
  });

  it("keeps eventTime, series, action and related", () => {
    const ev: KubeObject = {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: "e", namespace: "default" },
      eventTime: "2024-05-01T10:00:00.123456Z",
      series: { count: 2, lastObservedTime: "2024-05-01T10:01:00.000000Z" },
      reportingController: "example.com/controller",
      reportingInstance: "controller-0",
      action: "Scaling",
      reason: "ScaledUp",
      regarding: { kind: "Deployment", name: "web", namespace: "default" },
      related: { kind: "ReplicaSet", name: "web-1", namespace: "default" },
      note: "scaled up",
      type: "Normal",
    };
    const core = convertObject(ev, { group: "", version: "v1", kind: "Event" });
    expect(core).toMatchObject({
      involvedObject: ev.regarding,
      message: "scaled up",
      eventTime: ev.eventTime,
      series: ev.series,
      action: "Scaling",
      related: ev.related,
      reportingComponent: "example.com/controller",
      reportingInstance: "controller-0",
    });
    expect(convertObject(core, { group: "events.k8s.io", version: "v1beta1", kind: "Event" })).toEqual({ ...ev, apiVersion: "events.k8s.io/v1beta1" });
  });
});
