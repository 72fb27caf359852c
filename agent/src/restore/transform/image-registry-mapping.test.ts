import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { mapImage, mapImages } from "./image-registry-mapping.js";

const mappings = [
  { from: "quay.io/coreos/etcd-team", to: "registry.example/etcd" },
  { from: "registry.example:5000/apps", to: "mirror.example/apps" },
  { from: "quay.io/coreos", to: "registry.example/mirror" },
  { from: "quay.io", to: "registry.example/quay" },
  { from: "docker.io", to: "mirror.example/hub" },
];

describe("mapImage", () => {
  it.each([
    ["quay.io/coreos/etcd:v3", "registry.example/mirror/etcd:v3"],
    ["quay.io/coreos/etcd@sha256:0123abcd", "registry.example/mirror/etcd@sha256:0123abcd"],
    ["quay.io/coreos/etcd:v3@sha256:0123abcd", "registry.example/mirror/etcd:v3@sha256:0123abcd"],
    ["quay.io/coreos/etcd-team/etcd:v3", "registry.example/etcd/etcd:v3"],
    ["quay.io/coreosx/etcd", "registry.example/quay/coreosx/etcd"],
    ["quay.io/prometheus/node-exporter", "registry.example/quay/prometheus/node-exporter"],
    ["quay.iox/coreos/etcd", "quay.iox/coreos/etcd"],
    ["registry.example:5000/apps/web:1", "mirror.example/apps/web:1"],
    ["registry.example:5001/apps/web:1", "registry.example:5001/apps/web:1"],
    ["registry.example/apps/web:1", "registry.example/apps/web:1"],
    ["nginx:1.25", "mirror.example/hub/library/nginx:1.25"],
    ["bitnami/redis:7", "mirror.example/hub/bitnami/redis:7"],
    ["docker.io/library/nginx", "mirror.example/hub/library/nginx"],
    ["localhost/app:1", "localhost/app:1"],
    ["gcr.io/distroless/static", "gcr.io/distroless/static"],
  ])("maps %s to %s", (image, expected) => expect(mapImage(image, mappings)).toBe(expected));

  it("never maps a whole repository, only a prefix ending at '/'", () => {
    expect(mapImage("quay.io/coreos:v1", [{ from: "quay.io/coreos", to: "x.example/y" }])).toBe("quay.io/coreos:v1");
  });

  it("changes nothing without mappings", () => expect(mapImage("quay.io/coreos/etcd:v3", [])).toBe("quay.io/coreos/etcd:v3"));
});

const podSpec = () => ({
  initContainers: [{ name: "init", image: "quay.io/coreos/init:1" }],
  containers: [{ name: "app", image: "quay.io/coreos/etcd:v3" }, { name: "side", image: "gcr.io/x/y:1" }],
  ephemeralContainers: [{ name: "debug", image: "quay.io/coreos/toolbox" }],
});
const expectedSpec = {
  initContainers: [{ name: "init", image: "registry.example/mirror/init:1" }],
  containers: [{ name: "app", image: "registry.example/mirror/etcd:v3" }, { name: "side", image: "gcr.io/x/y:1" }],
  ephemeralContainers: [{ name: "debug", image: "registry.example/mirror/toolbox" }],
};
const workload = (apiVersion: string, kind: string): KubeObject => ({ apiVersion, kind, metadata: { name: "w", namespace: "a" }, spec: { template: { metadata: {}, spec: podSpec() } } });

describe("mapImages", () => {
  it.each<[string, KubeObject, (o: KubeObject) => unknown]>([
    ["a Pod", { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "a" }, spec: podSpec() }, (o) => o.spec],
    ["a Deployment", workload("apps/v1", "Deployment"), (o) => (o.spec as any).template.spec],
    ["an extensions/v1beta1 Deployment", workload("extensions/v1beta1", "Deployment"), (o) => (o.spec as any).template.spec],
    ["a StatefulSet", workload("apps/v1", "StatefulSet"), (o) => (o.spec as any).template.spec],
    ["a DaemonSet", workload("apps/v1", "DaemonSet"), (o) => (o.spec as any).template.spec],
    ["a ReplicaSet", workload("apps/v1", "ReplicaSet"), (o) => (o.spec as any).template.spec],
    ["a ReplicationController", workload("v1", "ReplicationController"), (o) => (o.spec as any).template.spec],
    ["a Job", workload("batch/v1", "Job"), (o) => (o.spec as any).template.spec],
    ["a CronJob", { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c", namespace: "a" }, spec: { jobTemplate: { spec: { template: { spec: podSpec() } } } } }, (o) => (o.spec as any).jobTemplate.spec.template.spec],
    ["a PodTemplate", { apiVersion: "v1", kind: "PodTemplate", metadata: { name: "t", namespace: "a" }, template: { spec: podSpec() } }, (o) => (o.template as any).spec],
  ])("maps every container image of %s", (_, object, pick) => {
    const draft = structuredClone(object);
    mapImages(draft, mappings);
    expect(pick(draft)).toEqual(expectedSpec);
  });

  it.each<[string, KubeObject]>([
    ["a ConfigMap that names an image", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "a" }, data: { image: "quay.io/coreos/etcd:v3" } }],
    ["a custom resource with a template", { apiVersion: "example.io/v1", kind: "Widget", metadata: { name: "c", namespace: "a" }, spec: { template: { spec: podSpec() } } }],
    ["a Deployment without a template", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "a" }, spec: {} }],
  ])("leaves %s alone", (_, object) => {
    const draft = structuredClone(object);
    mapImages(draft, mappings);
    expect(draft).toEqual(object);
  });
});
