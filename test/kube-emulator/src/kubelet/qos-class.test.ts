import { describe, expect, it } from "vitest";
import { podQosClass } from "./qos-class.js";

const withResources = (...resources: object[]) => ({ containers: resources.map((r, i) => ({ name: `c${i}`, image: "x", resources: r })) });

describe("podQosClass", () => {
  it.each<[string, object, string]>([
    ["no resources", withResources({}), "BestEffort"],
    ["only other resources", withResources({ limits: { "ephemeral-storage": "1Gi" } }), "BestEffort"],
    ["requests below limits", withResources({ requests: { cpu: "100m" }, limits: { cpu: "1", memory: "1Gi" } }), "Burstable"],
    ["requests equal limits written differently", withResources({ requests: { cpu: "1", memory: "1024Mi" }, limits: { cpu: "1000m", memory: "1Gi" } }), "Guaranteed"],
    ["limits only (requests default to them)", withResources({ limits: { cpu: "500m", memory: "256Mi" } }), "Guaranteed"],
    ["one container without limits", withResources({ limits: { cpu: "1", memory: "1Gi" } }, {}), "Burstable"],
    ["cpu limit without memory", withResources({ limits: { cpu: "1" } }), "Burstable"],
  ])("%s", (_, spec, expected) => {
    expect(podQosClass(spec as never)).toBe(expected);
  });
});
