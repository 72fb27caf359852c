import { isLifeboatError } from "@lifeboat/shared";
import { describe, expect, it } from "vitest";
import type { AppliedAs, KubeObject } from "../types.js";
import { convertObject } from "./convert.js";

const to = (group: string, version: string, resource: string, kind: string): AppliedAs => ({ group, version, resource, kind, namespaced: true });
const ingressV1 = to("networking.k8s.io", "v1", "ingresses", "Ingress");
const appsV1 = (resource: string, kind: string) => to("apps", "v1", resource, kind);

function object(apiVersion: string, kind: string, spec: Record<string, unknown>, metadata: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name: "web", namespace: "shop", ...metadata }, spec };
}

const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.17" }] } };
const emptySelectorMatchesNothing = { matchExpressions: [{ key: "pdb.kubernetes.io/deprecated-v1beta1-empty-selector-match", operator: "Exists" }] };

describe("convertObject", () => {
  it.each<[string, KubeObject, AppliedAs, KubeObject]>([
    [
      "Ingress networking.k8s.io/v1beta1 -> v1: backends, pathType and the class annotation",
      object(
        "networking.k8s.io/v1beta1",
        "Ingress",
        {
          backend: { serviceName: "default", servicePort: 80 },
          rules: [
            {
              host: "shop.example.com",
              http: {
                paths: [
                  { path: "/", backend: { serviceName: "web", servicePort: 8080 } },
                  { path: "/api", pathType: "Prefix", backend: { serviceName: "api", servicePort: "http" } },
                ],
              },
            },
          ],
          tls: [{ hosts: ["shop.example.com"], secretName: "tls" }],
        },
        { annotations: { "kubernetes.io/ingress.class": "nginx", team: "shop" } },
      ),
      ingressV1,
      object(
        "networking.k8s.io/v1",
        "Ingress",
        {
          rules: [
            {
              host: "shop.example.com",
              http: {
                paths: [
                  { path: "/", pathType: "ImplementationSpecific", backend: { service: { name: "web", port: { number: 8080 } } } },
                  { path: "/api", pathType: "Prefix", backend: { service: { name: "api", port: { name: "http" } } } },
                ],
              },
            },
          ],
          tls: [{ hosts: ["shop.example.com"], secretName: "tls" }],
          defaultBackend: { service: { name: "default", port: { number: 80 } } },
          ingressClassName: "nginx",
        },
        { annotations: { team: "shop" } },
      ),
    ],
    [
      "Ingress extensions/v1beta1 -> v1: an ingressClassName already set wins over the annotation; resource backends stay",
      object(
        "extensions/v1beta1",
        "Ingress",
        { ingressClassName: "public", rules: [{ http: { paths: [{ path: "/static", pathType: "Exact", backend: { servicePort: 0, resource: { apiGroup: "example.com", kind: "Bucket", name: "static" } } }] } }] },
        { annotations: { "kubernetes.io/ingress.class": "nginx" } },
      ),
      ingressV1,
      object(
        "networking.k8s.io/v1",
        "Ingress",
        { ingressClassName: "public", rules: [{ http: { paths: [{ path: "/static", pathType: "Exact", backend: { resource: { apiGroup: "example.com", kind: "Bucket", name: "static" } } }] } }] },
      ),
    ],
    ["CronJob batch/v1beta1 -> batch/v1: the apiVersion only", object("batch/v1beta1", "CronJob", { schedule: "*/5 * * * *", jobTemplate: { spec: { template } } }), to("batch", "v1", "cronjobs", "CronJob"), object("batch/v1", "CronJob", { schedule: "*/5 * * * *", jobTemplate: { spec: { template } } })],
    [
      "PodDisruptionBudget policy/v1beta1 -> v1: the spec as it is",
      object("policy/v1beta1", "PodDisruptionBudget", { minAvailable: 1, selector: { matchLabels: { app: "web" } } }),
      to("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget"),
      object("policy/v1", "PodDisruptionBudget", { minAvailable: 1, selector: { matchLabels: { app: "web" } } }),
    ],
    [
      "PodDisruptionBudget policy/v1beta1 -> v1: an empty selector (no pod in v1beta1) still selects no pod",
      object("policy/v1beta1", "PodDisruptionBudget", { maxUnavailable: 1, selector: {} }),
      to("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget"),
      object("policy/v1", "PodDisruptionBudget", { maxUnavailable: 1, selector: emptySelectorMatchesNothing }),
    ],
    [
      "PodDisruptionBudget policy/v1beta1 -> v1: the selector v1 writes for every pod becomes empty again",
      object("policy/v1beta1", "PodDisruptionBudget", { maxUnavailable: 1, selector: { matchExpressions: [{ key: "pdb.kubernetes.io/deprecated-v1beta1-empty-selector-match", operator: "DoesNotExist" }] } }),
      to("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget"),
      object("policy/v1", "PodDisruptionBudget", { maxUnavailable: 1, selector: {} }),
    ],
    [
      "Deployment extensions/v1beta1 -> apps/v1: selector and labels from the template, extensions' strategy defaults, rollbackTo dropped",
      object("extensions/v1beta1", "Deployment", { replicas: 2, template, rollbackTo: { revision: 3 } }),
      appsV1("deployments", "Deployment"),
      object(
        "apps/v1",
        "Deployment",
        { replicas: 2, template, selector: { matchLabels: { app: "web" } }, strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } }, revisionHistoryLimit: 2147483647, progressDeadlineSeconds: 2147483647 },
        { labels: { app: "web" } },
      ),
    ],
    [
      "Deployment apps/v1beta1 -> apps/v1: apps/v1beta1's strategy defaults; labels already set stay",
      object("apps/v1beta1", "Deployment", { template }, { labels: { tier: "front" } }),
      appsV1("deployments", "Deployment"),
      object(
        "apps/v1",
        "Deployment",
        { template, selector: { matchLabels: { app: "web" } }, strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } }, revisionHistoryLimit: 2, progressDeadlineSeconds: 600 },
        { labels: { tier: "front" } },
      ),
    ],
    [
      "Deployment apps/v1beta2 -> apps/v1: a stored object with its selector changes only its apiVersion",
      object("apps/v1beta2", "Deployment", { selector: { matchLabels: { app: "web", track: "stable" } }, template, strategy: { type: "Recreate" } }),
      appsV1("deployments", "Deployment"),
      object("apps/v1", "Deployment", { selector: { matchLabels: { app: "web", track: "stable" } }, template, strategy: { type: "Recreate" } }),
    ],
    [
      "DaemonSet extensions/v1beta1 -> apps/v1: templateGeneration dropped, OnDelete kept as the default",
      object("extensions/v1beta1", "DaemonSet", { template, templateGeneration: 4 }, { labels: { app: "agent" } }),
      appsV1("daemonsets", "DaemonSet"),
      object("apps/v1", "DaemonSet", { template, selector: { matchLabels: { app: "web" } }, updateStrategy: { type: "OnDelete" } }, { labels: { app: "agent" } }),
    ],
    [
      "StatefulSet apps/v1beta1 -> apps/v1: selector defaulted, an explicit updateStrategy kept",
      object("apps/v1beta1", "StatefulSet", { serviceName: "db", template, updateStrategy: { type: "RollingUpdate" } }),
      appsV1("statefulsets", "StatefulSet"),
      object("apps/v1", "StatefulSet", { serviceName: "db", template, selector: { matchLabels: { app: "web" } }, updateStrategy: { type: "RollingUpdate" } }, { labels: { app: "web" } }),
    ],
    [
      "NetworkPolicy extensions/v1beta1 -> networking.k8s.io/v1: the same schema",
      object("extensions/v1beta1", "NetworkPolicy", { podSelector: {}, policyTypes: ["Ingress"] }),
      to("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy"),
      object("networking.k8s.io/v1", "NetworkPolicy", { podSelector: {}, policyTypes: ["Ingress"] }),
    ],
    ["an object already in the target's apiVersion comes back as it is", object("apps/v1", "Deployment", { selector: { matchLabels: { app: "web" } }, template }), appsV1("deployments", "Deployment"), object("apps/v1", "Deployment", { selector: { matchLabels: { app: "web" } }, template })],
  ])("%s", (_, input, target, expected) => {
    const before = structuredClone(input);
    const converted = convertObject(input, target);
    expect(converted).toEqual(expected);
    expect(input).toEqual(before);
    expect(converted).not.toBe(input);
  });

  it.each<[string, KubeObject, AppliedAs, string]>([
    ["backwards: Ingress networking.k8s.io/v1 -> v1beta1", object("networking.k8s.io/v1", "Ingress", {}), to("networking.k8s.io", "v1beta1", "ingresses", "Ingress"), "networking.k8s.io/v1"],
    ["into a resource of another kind", object("batch/v1beta1", "CronJob", {}), appsV1("deployments", "Deployment"), "batch/v1beta1"],
    ["a kind without conversions", object("example.com/v1alpha1", "Widget", {}), to("example.com", "v1", "widgets", "Widget"), "example.com/v1alpha1"],
  ])("throws INVALID_ARGUMENT naming the apiVersion for %s", (_, input, target, apiVersion) => {
    let thrown: unknown;
    try {
      convertObject(input, target);
    } catch (err) {
      thrown = err;
    }
    expect(isLifeboatError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: "INVALID_ARGUMENT", field: "apiVersion", value: apiVersion });
    expect((thrown as Error).message).toContain(`"${apiVersion}"`);
  });
});
