import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api-types.js";
import { convertObject } from "./index.js";

const v1Target = { group: "networking.k8s.io", version: "v1", kind: "Ingress" };

function v1beta1Ingress(apiVersion: string): KubeObject {
  return {
    apiVersion,
    kind: "Ingress",
    metadata: { name: "web", namespace: "shop", annotations: { "kubernetes.io/ingress.class": "nginx" } },
    spec: {
      backend: { serviceName: "fallback", servicePort: 80 },
      tls: [{ hosts: ["shop.example.com"], secretName: "shop-tls" }],
      rules: [
        {
          host: "shop.example.com",
          http: {
            paths: [
              { path: "/api", backend: { serviceName: "api", servicePort: "http" } },
              { path: "/", pathType: "Prefix", backend: { serviceName: "frontend", servicePort: 8080 } },
              { path: "/static", pathType: "Exact", backend: { resource: { apiGroup: "k8s.example.com", kind: "StorageBucket", name: "assets" } } },
            ],
          },
        },
      ],
    },
    status: { loadBalancer: { ingress: [{ ip: "203.0.113.10" }, { hostname: "lb.example.com", ports: [{ port: 443, protocol: "TCP" }] }] } },
  };
}

const expectedV1: KubeObject = {
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: "web", namespace: "shop", annotations: { "kubernetes.io/ingress.class": "nginx" } },
  spec: {
    defaultBackend: { service: { name: "fallback", port: { number: 80 } } },
    tls: [{ hosts: ["shop.example.com"], secretName: "shop-tls" }],
    rules: [
      {
        host: "shop.example.com",
        http: {
          paths: [
            { path: "/api", pathType: "ImplementationSpecific", backend: { service: { name: "api", port: { name: "http" } } } },
            { path: "/", pathType: "Prefix", backend: { service: { name: "frontend", port: { number: 8080 } } } },
            { path: "/static", pathType: "Exact", backend: { resource: { apiGroup: "k8s.example.com", kind: "StorageBucket", name: "assets" } } },
          ],
        },
      },
    ],
  },
  status: { loadBalancer: { ingress: [{ ip: "203.0.113.10" }, { hostname: "lb.example.com", ports: [{ port: 443, protocol: "TCP" }] }] } },
};

describe("Ingress conversion", () => {
  it.each(["extensions/v1beta1", "networking.k8s.io/v1beta1"])("converts %s to networking.k8s.io/v1", (apiVersion) => {
    expect(convertObject(v1beta1Ingress(apiVersion), v1Target)).toEqual(expectedV1);
  });

  it("lays out v1 fields in the real order", () => {
    const out = convertObject(v1beta1Ingress("extensions/v1beta1"), v1Target);
    expect(Object.keys(out)).toEqual(["apiVersion", "kind", "metadata", "spec", "status"]);
    expect(Object.keys(out.spec as object)).toEqual(["defaultBackend", "tls", "rules"]);
  });

  it.each(["extensions/v1beta1", "networking.k8s.io/v1beta1"])("converts networking.k8s.io/v1 back to %s", (apiVersion) => {
    const [group = "", version = ""] = apiVersion.split("/");
    const back = convertObject(expectedV1, { group, version, kind: "Ingress" });
    // Round trip equals the input modulo the pathType default of v1beta1.
    const expected = v1beta1Ingress(apiVersion);
    (expected.spec as any).rules[0].http.paths[0].pathType = "ImplementationSpecific";
    expect(back).toEqual(expected);
  });

  it("converts between the two v1beta1 groups through v1", () => {
    const out = convertObject(v1beta1Ingress("extensions/v1beta1"), { group: "networking.k8s.io", version: "v1beta1", kind: "Ingress" });
    expect(out.apiVersion).toBe("networking.k8s.io/v1beta1");
    expect((out.spec as any).backend).toEqual({ serviceName: "fallback", servicePort: 80 });
  });

  it("keeps ingressClassName and a resource default backend", () => {
    const obj: KubeObject = {
      apiVersion: "networking.k8s.io/v1beta1",
      kind: "Ingress",
      metadata: { name: "r" },
      spec: { ingressClassName: "nginx", backend: { resource: { kind: "Bucket", name: "b" } } },
    };
    const v1 = convertObject(obj, v1Target);
    expect(v1.spec).toEqual({ ingressClassName: "nginx", defaultBackend: { resource: { kind: "Bucket", name: "b" } } });
    expect(convertObject(v1, { group: "networking.k8s.io", version: "v1beta1", kind: "Ingress" })).toEqual(obj);
  });

  it("does not modify its input", () => {
    const input = v1beta1Ingress("extensions/v1beta1");
    const snapshot = structuredClone(input);
    convertObject(input, v1Target);
    expect(input).toEqual(snapshot);
  });

  it("IngressClass v1beta1 <-> v1 only renames", () => {
    const ic: KubeObject = { apiVersion: "networking.k8s.io/v1beta1", kind: "IngressClass", metadata: { name: "nginx" }, spec: { controller: "k8s.io/ingress-nginx" } };
    expect(convertObject(ic, { group: "networking.k8s.io", version: "v1", kind: "IngressClass" })).toEqual({ ...ic, apiVersion: "networking.k8s.io/v1" });
  });

  it("extensions NetworkPolicy converts to networking.k8s.io/v1 unchanged", () => {
    const np: KubeObject = { apiVersion: "extensions/v1beta1", kind: "NetworkPolicy", metadata: { name: "deny" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } };
    expect(convertObject(np, { group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy" })).toEqual({ ...np, apiVersion: "networking.k8s.io/v1" });
  });
});
