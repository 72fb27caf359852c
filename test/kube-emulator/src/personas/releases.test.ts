import { describe, expect, it } from "vitest";
import { groupNames, served } from "../testing/persona-lookup.js";
import { getPersona, resourceCatalog, storageGroupOf, storageVersions, supportedVersions } from "./index.js";

describe("1.20, 1.22, 1.25 and 1.27 follow the deprecation guide", () => {
  it("1.20 adds networking v1 Ingress/IngressClass, discovery v1beta1, flowcontrol v1beta1, node v1", () => {
    const p = getPersona(20);
    expect(served(p, "networking.k8s.io", "v1", "ingresses")).toBeDefined();
    expect(served(p, "networking.k8s.io", "v1beta1", "ingressclasses")).toBeDefined();
    expect(served(p, "extensions", "v1beta1", "ingresses")).toBeDefined();
    expect(served(p, "discovery.k8s.io", "v1beta1", "endpointslices")).toBeDefined();
    expect(served(p, "flowcontrol.apiserver.k8s.io", "v1beta1", "flowschemas")).toBeDefined();
    expect(served(p, "node.k8s.io", "v1", "runtimeclasses")).toBeDefined();
    expect(served(p, "batch", "v1", "cronjobs")).toBeUndefined();
  });

  it("1.22 drops the v1beta1 Ingress, CRD, RBAC, webhook and storage versions and the extensions group", () => {
    const p = getPersona(22);
    expect(groupNames(p)).not.toContain("extensions");
    expect(served(p, "networking.k8s.io", "v1beta1", "ingresses")).toBeUndefined();
    for (const g of ["apiextensions.k8s.io", "rbac.authorization.k8s.io", "admissionregistration.k8s.io", "apiregistration.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "certificates.k8s.io"]) {
      expect(p.groups.find((x) => x.group === g)?.versions).toEqual(["v1"]);
    }
    expect(p.groups.find((g) => g.group === "storage.k8s.io")?.resources.filter((r) => r.version === "v1beta1").map((r) => r.resource)).toEqual([
      "csistoragecapacities",
    ]);
    expect(served(p, "batch", "v1", "cronjobs")).toBeDefined();
    expect(served(p, "batch", "v1beta1", "cronjobs")).toBeDefined();
    expect(served(p, "policy", "v1", "poddisruptionbudgets")).toBeDefined();
  });

  it("1.25 drops batch/v1beta1, policy/v1beta1 (PSP entirely), discovery/events/node v1beta1 and autoscaling/v2beta1", () => {
    const p = getPersona(25);
    expect(served(p, "batch", "v1beta1", "cronjobs")).toBeUndefined();
    expect(p.groups.find((g) => g.group === "policy")?.versions).toEqual(["v1"]);
    expect(p.groups.flatMap((g) => g.resources).some((r) => r.resource === "podsecuritypolicies")).toBe(false);
    expect(p.groups.find((g) => g.group === "autoscaling")).toMatchObject({ versions: ["v2", "v1", "v2beta2"], preferredVersion: "v2" });
    for (const g of ["discovery.k8s.io", "events.k8s.io", "node.k8s.io"]) expect(p.groups.find((x) => x.group === g)?.versions).toEqual(["v1"]);
    expect(p.groups.find((g) => g.group === "flowcontrol.apiserver.k8s.io")?.versions).toEqual(["v1beta2", "v1beta1"]);
  });

  it("1.27 has no autoscaling/v2beta2, no flowcontrol v1beta1 and no storage v1beta1", () => {
    const p = getPersona(27);
    expect(p.groups.find((g) => g.group === "autoscaling")?.versions).toEqual(["v2", "v1"]);
    expect(p.groups.find((g) => g.group === "flowcontrol.apiserver.k8s.io")?.versions).toEqual(["v1beta3", "v1beta2"]);
    expect(p.groups.find((g) => g.group === "storage.k8s.io")?.versions).toEqual(["v1"]);
  });
});

describe("1.30", () => {
  const p = getPersona(30);

  it("serves the current set", () => {
    expect(groupNames(p)).not.toContain("extensions");
    expect(p.groups.flatMap((g) => g.resources).some((r) => r.resource === "podsecuritypolicies")).toBe(false);
    expect(served(p, "networking.k8s.io", "v1", "ingresses")).toBeDefined();
    expect(served(p, "networking.k8s.io", "v1", "ingressclasses")).toMatchObject({ namespaced: false });
    expect(served(p, "batch", "v1", "cronjobs")).toBeDefined();
    expect(served(p, "policy", "v1", "poddisruptionbudgets")).toBeDefined();
    expect(p.groups.find((g) => g.group === "autoscaling")?.versions).toEqual(["v2", "v1"]);
    expect(p.groups.find((g) => g.group === "discovery.k8s.io")?.versions).toEqual(["v1"]);
    expect(p.groups.find((g) => g.group === "flowcontrol.apiserver.k8s.io")).toMatchObject({ versions: ["v1", "v1beta3"], preferredVersion: "v1" });
    for (const r of ["csidrivers", "csinodes", "csistoragecapacities"]) expect(served(p, "storage.k8s.io", "v1", r)).toBeDefined();
    expect(served(p, "admissionregistration.k8s.io", "v1", "validatingadmissionpolicies")).toBeDefined();
  });

  it("lists groups in the order of a real /apis", () => {
    expect(groupNames(p)).toEqual([
      "",
      "apiregistration.k8s.io",
      "apps",
      "events.k8s.io",
      "authentication.k8s.io",
      "authorization.k8s.io",
      "autoscaling",
      "batch",
      "certificates.k8s.io",
      "networking.k8s.io",
      "policy",
      "rbac.authorization.k8s.io",
      "storage.k8s.io",
      "admissionregistration.k8s.io",
      "apiextensions.k8s.io",
      "scheduling.k8s.io",
      "coordination.k8s.io",
      "node.k8s.io",
      "discovery.k8s.io",
      "flowcontrol.apiserver.k8s.io",
    ]);
  });

  it("describes core resources as discovery does", () => {
    expect(served(p, "", "v1", "pods")).toEqual({
      group: "",
      version: "v1",
      resource: "pods",
      kind: "Pod",
      singularName: "pod",
      namespaced: true,
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      shortNames: ["po"],
      categories: ["all"],
      subresources: ["status", "attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy"],
      storageKey: "/pods",
      storageVersion: "v1",
    });
    expect(served(p, "", "v1", "namespaces")?.verbs).not.toContain("deletecollection");
    expect(served(p, "", "v1", "componentstatuses")?.verbs).toEqual(["get", "list"]);
    expect(served(p, "", "v1", "replicationcontrollers")?.subresources).toEqual(["status", "scale"]);
    expect(served(p, "apps", "v1", "statefulsets")?.subresources).toEqual(["status", "scale"]);
    expect(served(p, "apps", "v1", "daemonsets")?.subresources).toEqual(["status"]);
    expect(served(p, "authorization.k8s.io", "v1", "subjectaccessreviews")?.verbs).toEqual(["create"]);
  });
});

describe("every persona", () => {
  const personas = supportedVersions.flatMap((v) => [getPersona(v), getPersona(v, { legacyApis: true })]);

  it("aggregated discovery from 1.27, OpenAPI v3 from 1.24", () => {
    expect(supportedVersions.map((v) => getPersona(v).supportsAggregatedDiscovery)).toEqual([false, false, false, false, true, true]);
    expect(supportedVersions.map((v) => getPersona(v).supportsOpenApiV3)).toEqual([false, false, false, true, true, true]);
  });

  it.each(personas.map((p, i) => [`1.${p.minor}${i % 2 ? " legacy" : ""}`, p] as const))("%s is internally consistent", (_name, p) => {
    expect(p.groups[0]).toMatchObject({ group: "", versions: ["v1"], preferredVersion: "v1" });
    const storage = new Map<string, string>();
    const seen = new Set<string>();
    for (const g of p.groups) {
      expect(g.versions[0]).toBe(g.preferredVersion);
      expect(new Set(g.versions).size).toBe(g.versions.length);
      expect(new Set(g.resources.map((r) => r.version))).toEqual(new Set(g.versions));
      for (const r of g.resources) {
        expect(r.group).toBe(g.group);
        const id = `${r.group}/${r.version}/${r.resource}`;
        expect(seen.has(id)).toBe(false);
        seen.add(id);
        expect(r.singularName).toBe(r.kind.toLowerCase());
        expect(r.verbs.length).toBeGreaterThan(0);
        // one storage version per storage key, whose group is the key's
        const prior = storage.get(r.storageKey);
        if (prior !== undefined) expect(r.storageVersion).toBe(prior);
        storage.set(r.storageKey, r.storageVersion);
        expect(r.storageKey.endsWith(`/${r.resource}`)).toBe(true);
      }
    }
  });

  it("stores each key in the newest version any release serves", () => {
    expect(Object.fromEntries(storageVersions)).toMatchObject({
      "networking.k8s.io/ingresses": "v1",
      "apps/deployments": "v1",
      "apps/daemonsets": "v1",
      "batch/cronjobs": "v1",
      "autoscaling/horizontalpodautoscalers": "v2",
      "policy/poddisruptionbudgets": "v1",
      "policy/podsecuritypolicies": "v1beta1",
      "/events": "v1",
      "apiextensions.k8s.io/customresourcedefinitions": "v1",
      "flowcontrol.apiserver.k8s.io/flowschemas": "v1",
      "discovery.k8s.io/endpointslices": "v1",
    });
    for (const [key] of storageVersions) {
      expect(resourceCatalog.some((d) => d.group === storageGroupOf(key) && `${d.group}/${d.resource}` === key)).toBe(true);
    }
  });
});
