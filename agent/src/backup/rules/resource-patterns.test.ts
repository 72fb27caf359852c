import { describe, expect, it } from "vitest";
import { qualifiedName } from "../resources.js";
import { resource, servedResources } from "../testing/resources.js";
import { resourcePatternMatches, resourcesMatching } from "./resource-patterns.js";

const deployments = resource("apps", "deployments", "Deployment", { shortNames: ["deploy"] });
const configmaps = resource("", "configmaps", "ConfigMap", { shortNames: ["cm"] });

describe("resource patterns", () => {
  it("match a plural in any group, a qualified name, a kind or a short name", () => {
    for (const pattern of ["deployments", "deployments.apps", "Deployment", "deployment", "deploy"]) {
      expect(resourcePatternMatches(pattern, deployments), pattern).toBe(true);
    }
    expect(resourcePatternMatches("configmaps", configmaps)).toBe(true);
    expect(resourcePatternMatches("cm", configmaps)).toBe(true);
  });

  it("do not match another group, a partial name or another resource", () => {
    for (const pattern of ["deployments.extensions", "deploy*ments.batch", "deployment.apps", "apps", "Deploym", "configmaps"]) {
      expect(resourcePatternMatches(pattern, deployments), pattern).toBe(false);
    }
  });

  it("match globs over the qualified name, and over the plural when the glob has no dot", () => {
    expect(resourcesMatching(["*.example.com"], servedResources).map(qualifiedName)).toEqual(["widgets.shop.example.com"]);
    expect(resourcesMatching(["config*"], servedResources).map(qualifiedName)).toEqual(["configmaps"]);
    expect(resourcesMatching(["*.networking.k8s.io"], servedResources).map(qualifiedName)).toEqual(["ingresses.networking.k8s.io", "ingressclasses.networking.k8s.io"]);
    expect(resourcesMatching(["*.apps"], servedResources).map(qualifiedName)).toEqual(["deployments.apps", "replicasets.apps"]);
  });

  it("match a resource served by two groups in both when named by plural or kind", () => {
    expect(resourcesMatching(["ingresses"], servedResources).map(qualifiedName)).toEqual(["ingresses.extensions", "ingresses.networking.k8s.io"]);
    expect(resourcesMatching(["Ingress"], servedResources)).toHaveLength(2);
    expect(resourcesMatching(["ingresses.extensions"], servedResources).map(qualifiedName)).toEqual(["ingresses.extensions"]);
  });
});
