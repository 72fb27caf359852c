import { describe, expect, it } from "vitest";
import { groupNames, served } from "../testing/persona-lookup.js";
import { getPersona, supportedVersions, type Persona } from "./index.js";

function gvs(p: Persona): string[] {
  return p.groups.flatMap((g) => g.versions.map((v) => (g.group === "" ? v : `${g.group}/${v}`))).sort();
}

describe("getPersona", () => {
  it("lists the supported versions", () => {
    expect(supportedVersions).toEqual(["1.16", "1.20", "1.22", "1.25", "1.27", "1.30"]);
  });

  it.each([16, "16", "1.16", "v1.16", "1.16.15"])("accepts %j", (v) => {
    expect(getPersona(v).minor).toBe(16);
  });

  it("rejects an unknown version, naming the supported ones", () => {
    expect(() => getPersona("1.17")).toThrow(/1\.17.*1\.16, 1\.20, 1\.22, 1\.25, 1\.27, 1\.30/);
    expect(() => getPersona("banana")).toThrow(/supported versions/);
  });

  it("reports realistic /version bodies", () => {
    expect(getPersona(16).version).toEqual({
      major: "1",
      minor: "16",
      gitVersion: "v1.16.15",
      gitCommit: "2adc8d7091e89b6e3ca8d048140618ec89b39369",
      gitTreeState: "clean",
      buildDate: "2020-09-02T11:31:21Z",
      goVersion: "go1.13.15",
      compiler: "gc",
      platform: "linux/amd64",
    });
    for (const v of supportedVersions) {
      const p = getPersona(v);
      expect(p.version.gitVersion.startsWith(`v${v}.`)).toBe(true);
      expect(p.version.minor).toBe(String(p.minor));
      expect(p.version.gitCommit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it("returns fresh objects", () => {
    const a = getPersona(30);
    a.groups[0]?.resources.pop();
    expect(getPersona(30).groups[0]?.resources.length).toBe(a.groups[0]!.resources.length + 1);
  });
});

describe("1.16", () => {
  const p = getPersona("1.16");

  it("serves exactly the default group-versions of a stock 1.16 apiserver", () => {
    expect(gvs(p)).toEqual(
      [
        "v1",
        "admissionregistration.k8s.io/v1",
        "admissionregistration.k8s.io/v1beta1",
        "apiextensions.k8s.io/v1",
        "apiextensions.k8s.io/v1beta1",
        "apiregistration.k8s.io/v1",
        "apiregistration.k8s.io/v1beta1",
        "apps/v1",
        "authentication.k8s.io/v1",
        "authentication.k8s.io/v1beta1",
        "authorization.k8s.io/v1",
        "authorization.k8s.io/v1beta1",
        "autoscaling/v1",
        "autoscaling/v2beta1",
        "autoscaling/v2beta2",
        "batch/v1",
        "batch/v1beta1",
        "certificates.k8s.io/v1beta1",
        "coordination.k8s.io/v1",
        "coordination.k8s.io/v1beta1",
        "events.k8s.io/v1beta1",
        "extensions/v1beta1",
        "networking.k8s.io/v1",
        "networking.k8s.io/v1beta1",
        "node.k8s.io/v1beta1",
        "policy/v1beta1",
        "rbac.authorization.k8s.io/v1",
        "rbac.authorization.k8s.io/v1beta1",
        "scheduling.k8s.io/v1",
        "scheduling.k8s.io/v1beta1",
        "storage.k8s.io/v1",
        "storage.k8s.io/v1beta1",
      ].sort(),
    );
  });

  it("lists groups in the order of a real /apis", () => {
    expect(groupNames(p)).toEqual([
      "",
      "apiregistration.k8s.io",
      "extensions",
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
    ]);
  });

  it("serves Ingress from extensions/v1beta1 and networking.k8s.io/v1beta1 only, stored as networking.k8s.io/v1", () => {
    const ext = served(p, "extensions", "v1beta1", "ingresses");
    const net = served(p, "networking.k8s.io", "v1beta1", "ingresses");
    expect(ext).toMatchObject({ kind: "Ingress", namespaced: true, shortNames: ["ing"], subresources: ["status"] });
    expect(net).toBeDefined();
    expect(served(p, "networking.k8s.io", "v1", "ingresses")).toBeUndefined();
    for (const r of [ext, net]) expect(r).toMatchObject({ storageKey: "networking.k8s.io/ingresses", storageVersion: "v1" });
    const extensions = p.groups.find((g) => g.group === "extensions");
    expect(extensions).toMatchObject({ versions: ["v1beta1"], preferredVersion: "v1beta1" });
    expect(extensions?.resources.map((r) => r.resource)).toEqual(["ingresses"]);
    const networking = p.groups.find((g) => g.group === "networking.k8s.io");
    expect(networking).toMatchObject({ versions: ["v1", "v1beta1"], preferredVersion: "v1" });
    expect(served(p, "networking.k8s.io", "v1", "networkpolicies")).toMatchObject({ shortNames: ["netpol"] });
  });

  it("serves CronJob from batch/v1beta1 only, Job from batch/v1", () => {
    expect(served(p, "batch", "v1beta1", "cronjobs")).toMatchObject({ shortNames: ["cj"], storageKey: "batch/cronjobs", storageVersion: "v1" });
    expect(served(p, "batch", "v1", "cronjobs")).toBeUndefined();
    expect(served(p, "batch", "v1", "jobs")).toMatchObject({ categories: ["all"], subresources: ["status"] });
  });

  it("serves PDB and PSP from policy/v1beta1, HPA from three autoscaling versions, CSIDriver from storage v1beta1", () => {
    expect(served(p, "policy", "v1beta1", "poddisruptionbudgets")).toMatchObject({ shortNames: ["pdb"], storageVersion: "v1" });
    expect(served(p, "policy", "v1beta1", "podsecuritypolicies")).toMatchObject({ namespaced: false, shortNames: ["psp"], storageVersion: "v1beta1" });
    expect(p.groups.find((g) => g.group === "autoscaling")?.versions).toEqual(["v1", "v2beta1", "v2beta2"]);
    expect(served(p, "storage.k8s.io", "v1beta1", "csidrivers")).toBeDefined();
    expect(served(p, "storage.k8s.io", "v1", "csidrivers")).toBeUndefined();
  });

  it("serves CRDs from apiextensions v1 and v1beta1", () => {
    for (const v of ["v1", "v1beta1"]) {
      expect(served(p, "apiextensions.k8s.io", v, "customresourcedefinitions")).toMatchObject({
        namespaced: false,
        shortNames: ["crd", "crds"],
        subresources: ["status"],
        storageVersion: "v1",
      });
    }
    // the api-extensions category only arrived in 1.20
    expect(served(p, "apiextensions.k8s.io", "v1", "customresourcedefinitions")?.categories).toBeUndefined();
    expect(served(getPersona(20), "apiextensions.k8s.io", "v1", "customresourcedefinitions")?.categories).toEqual(["api-extensions"]);
  });

  it("does not serve EndpointSlice (discovery.k8s.io/v1alpha1 was off by default in 1.16)", () => {
    expect(groupNames(p)).not.toContain("discovery.k8s.io");
  });

  it("no longer serves the workloads of extensions/v1beta1, apps/v1beta1 or apps/v1beta2", () => {
    for (const r of ["deployments", "daemonsets", "replicasets", "networkpolicies", "podsecuritypolicies"]) {
      expect(served(p, "extensions", "v1beta1", r)).toBeUndefined();
    }
    expect(p.groups.find((g) => g.group === "apps")?.versions).toEqual(["v1"]);
  });

  it("serves them again with legacyApis", () => {
    const legacy = getPersona(16, { legacyApis: true });
    expect(p.groups.find((g) => g.group === "extensions")?.resources.length).toBe(1);
    expect(legacy.groups.find((g) => g.group === "extensions")?.resources.map((r) => r.resource)).toEqual([
      "daemonsets",
      "deployments",
      "ingresses",
      "networkpolicies",
      "podsecuritypolicies",
      "replicasets",
    ]);
    expect(legacy.groups.find((g) => g.group === "apps")).toMatchObject({ versions: ["v1", "v1beta2", "v1beta1"], preferredVersion: "v1" });
    const appsResources = (v: string) =>
      legacy.groups
        .find((g) => g.group === "apps")
        ?.resources.filter((r) => r.version === v)
        .map((r) => r.resource);
    expect(appsResources("v1beta1")).toEqual(["controllerrevisions", "deployments", "statefulsets"]);
    expect(appsResources("v1beta2")).toEqual(["controllerrevisions", "daemonsets", "deployments", "replicasets", "statefulsets"]);
    expect(served(legacy, "extensions", "v1beta1", "deployments")).toMatchObject({
      storageKey: "apps/deployments",
      storageVersion: "v1",
      subresources: ["status", "scale"],
      shortNames: ["deploy"],
    });
    expect(served(legacy, "extensions", "v1beta1", "networkpolicies")).toMatchObject({ storageKey: "networking.k8s.io/networkpolicies", storageVersion: "v1" });
    expect(served(legacy, "extensions", "v1beta1", "podsecuritypolicies")).toMatchObject({ storageKey: "policy/podsecuritypolicies", storageVersion: "v1beta1" });
  });

  it("legacyApis cannot bring back code removed in 1.18", () => {
    const p20 = getPersona(20, { legacyApis: true });
    expect(gvs(p20)).toEqual(gvs(getPersona(20)));
  });

  it("keeps both Event schemas in one core storage", () => {
    expect(served(p, "", "v1", "events")).toMatchObject({ storageKey: "/events", storageVersion: "v1", shortNames: ["ev"] });
    expect(served(p, "events.k8s.io", "v1beta1", "events")).toMatchObject({ storageKey: "/events", storageVersion: "v1" });
  });
});
