import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { isMappedStorageClass, mapStorageClasses } from "./storage-class-mapping.js";

const mapping = new Map([["gp2", "gp3"], ["standard", "premium-rwo"]]);
const BETA = "volume.beta.kubernetes.io/storage-class";

function mapped(object: KubeObject): KubeObject {
  const draft = structuredClone(object);
  mapStorageClasses(draft, mapping);
  return draft;
}

describe("mapStorageClasses", () => {
  it.each<[string, KubeObject, (o: KubeObject) => unknown, unknown]>([
    ["a PV's storageClassName", { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pv" }, spec: { storageClassName: "gp2" } }, (o) => (o.spec as any).storageClassName, "gp3"],
    ["a PVC's storageClassName", { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "c", namespace: "a" }, spec: { storageClassName: "standard" } }, (o) => (o.spec as any).storageClassName, "premium-rwo"],
    ["a PVC's beta annotation", { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "c", namespace: "a", annotations: { [BETA]: "gp2" } }, spec: {} }, (o) => [o.metadata.annotations, o.spec], [{ [BETA]: "gp3" }, {}]],
    ["a PV's beta annotation", { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pv", annotations: { [BETA]: "standard", other: "gp2" } }, spec: {} }, (o) => o.metadata.annotations, { [BETA]: "premium-rwo", other: "gp2" }],
    [
      "a StatefulSet's volume claim templates",
      { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db", namespace: "a" }, spec: { volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { storageClassName: "gp2" } }, { metadata: { name: "logs", annotations: { [BETA]: "standard" } }, spec: {} }] } },
      (o) => (o.spec as any).volumeClaimTemplates,
      [{ metadata: { name: "data" }, spec: { storageClassName: "gp3" } }, { metadata: { name: "logs", annotations: { [BETA]: "premium-rwo" } }, spec: {} }],
    ],
    ["an unmapped class", { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "c", namespace: "a" }, spec: { storageClassName: "io2" } }, (o) => (o.spec as any).storageClassName, "io2"],
    ["an empty class (static binding)", { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "c", namespace: "a" }, spec: { storageClassName: "" } }, (o) => (o.spec as any).storageClassName, ""],
    ["a PVC without a class", { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "c", namespace: "a" }, spec: {} }, (o) => o.spec, {}],
    ["another kind naming a class in its spec", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "a" }, spec: { storageClassName: "gp2" } }, (o) => (o.spec as any).storageClassName, "gp2"],
  ])("maps %s", (_, object, pick, expected) => {
    expect(pick(mapped(object))).toEqual(expected);
  });
});

describe("isMappedStorageClass", () => {
  it.each([
    ["gp2", true],
    ["gp3", false],
    ["io2", false],
  ])("%s is mapped: %s", (name, expected) => expect(isMappedStorageClass(name, mapping)).toBe(expected));
});
