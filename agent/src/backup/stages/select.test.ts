import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { BackupSpecSchema, ClusterResourcePolicy, type BackupSpec } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { qualifiedName } from "../resources.js";
import { servedResources } from "../testing/resources.js";
import { selectResources } from "./select.js";

const namespaces = ["default", "kube-system", "kube-public", "shop", "shop-test", "blog"];

function spec(fields: MessageInitShape<typeof BackupSpecSchema> = {}): BackupSpec {
  return create(BackupSpecSchema, { repository: "main", ...fields });
}

function names(s: ReturnType<typeof selectResources>): string[] {
  return s.resources.map(qualifiedName);
}

function refusal(run: () => unknown): { code?: string; field?: string; message: string } {
  try {
    run();
  } catch (err) {
    return err as { code?: string; field?: string; message: string };
  }
  throw new Error("expected the spec to be refused");
}

describe("selecting what a spec backs up", () => {
  it("takes every namespace and every resource, cluster-scoped ones too, for an empty spec", () => {
    const s = selectResources(spec(), servedResources, namespaces);
    expect(s.namespaces).toEqual([...namespaces].sort());
    expect(s.hasNamespaceFilter).toBe(false);
    expect(names(s)).toContain("persistentvolumes");
    expect(names(s)).toContain("storageclasses.storage.k8s.io");
    // Namespace objects are taken for the selected namespaces, not listed as a resource.
    expect(names(s)).not.toContain("namespaces");
    expect(s.includesNamespaceObjects).toBe(true);
    expect(s.labelSelectors).toEqual([""]);
  });

  it("narrows namespaces by names and globs, excludes winning", () => {
    const s = selectResources(spec({ includedNamespaces: ["shop*", "blog"], excludedNamespaces: ["*-test"] }), servedResources, namespaces);
    expect(s.namespaces).toEqual(["blog", "shop"]);
    expect(s.hasNamespaceFilter).toBe(true);
  });

  it("reads included namespaces of just '*' as no namespace filter", () => {
    const s = selectResources(spec({ includedNamespaces: ["*"], excludedNamespaces: ["kube-*"] }), servedResources, namespaces);
    expect(s.hasNamespaceFilter).toBe(false);
    expect(s.namespaces).toEqual(["blog", "default", "shop", "shop-test"]);
  });

  it("AUTO takes no cluster-scoped resource by listing once namespaces are filtered, but lets them in as dependencies", () => {
    const s = selectResources(spec({ includedNamespaces: ["shop"] }), servedResources, namespaces);
    expect(names(s).filter((n) => ["persistentvolumes", "storageclasses.storage.k8s.io", "clusterroles.rbac.authorization.k8s.io"].includes(n))).toEqual([]);
    expect(s.allowsDependency({ group: "", resource: "persistentvolumes", namespace: "", name: "pv-1" })).toBe(true);
    expect(s.allowsDependency({ group: "", resource: "secrets", namespace: "shop", name: "db" })).toBe(true);
    expect(s.allowsDependency({ group: "", resource: "secrets", namespace: "blog", name: "db" })).toBe(false);
  });

  it("INCLUDE lists cluster-scoped resources even with a namespace filter; EXCLUDE keeps them out, dependencies too", () => {
    const included = selectResources(spec({ includedNamespaces: ["shop"], includeClusterResources: ClusterResourcePolicy.INCLUDE }), servedResources, namespaces);
    expect(names(included)).toContain("persistentvolumes");
    const excluded = selectResources(spec({ includeClusterResources: ClusterResourcePolicy.EXCLUDE }), servedResources, namespaces);
    expect(names(excluded)).not.toContain("persistentvolumes");
    expect(names(excluded)).toContain("configmaps");
    expect(excluded.allowsDependency({ group: "storage.k8s.io", resource: "storageclasses", namespace: "", name: "fast" })).toBe(false);
    // Namespace objects still come with their namespaces: a restore needs them.
    expect(excluded.includesNamespaceObjects).toBe(true);
  });

  it("narrows resources by plural, qualified name, kind and glob, excludes winning and keeping dependencies out", () => {
    const s = selectResources(
      spec({ includedResources: ["deployments", "ConfigMap", "Secret", "*.example.com"], excludedResources: ["secrets"] }),
      servedResources,
      namespaces,
    );
    expect(names(s)).toEqual(["configmaps", "deployments.apps", "widgets.shop.example.com"]);
    expect(s.allowsDependency({ group: "", resource: "secrets", namespace: "shop", name: "db" })).toBe(false);
    // Dependencies need not be included, only not excluded.
    expect(s.allowsDependency({ group: "", resource: "serviceaccounts", namespace: "shop", name: "web" })).toBe(true);
  });

  it("leaves the Namespace objects out when namespaces are excluded as a resource", () => {
    expect(selectResources(spec({ excludedResources: ["namespaces"] }), servedResources, namespaces).includesNamespaceObjects).toBe(false);
  });

  it("lists once per or-selector and once with the label selector", () => {
    expect(selectResources(spec({ orLabelSelectors: ["app=web", "tier in (db)"] }), servedResources, namespaces).labelSelectors).toEqual(["app=web", "tier in (db)"]);
    expect(selectResources(spec({ labelSelector: "app=web" }), servedResources, namespaces).labelSelectors).toEqual(["app=web"]);
  });

  it("refuses an included namespace that does not exist, naming the field; a glob that matches nothing is fine", () => {
    const err = refusal(() => selectResources(spec({ includedNamespaces: ["shop", "nope"] }), servedResources, namespaces));
    expect(err).toMatchObject({ code: "INVALID_ARGUMENT", field: "spec.included_namespaces" });
    expect(err.message).toContain('"nope"');
    expect(selectResources(spec({ includedNamespaces: ["nope-*"] }), servedResources, namespaces).namespaces).toEqual([]);
  });

  it("refuses an included resource the cluster does not serve; an unknown excluded one is fine", () => {
    const err = refusal(() => selectResources(spec({ includedResources: ["cronjobs.batch"] }), servedResources, namespaces));
    expect(err).toMatchObject({ code: "INVALID_ARGUMENT", field: "spec.included_resources" });
    expect(err.message).toContain('"cronjobs.batch"');
    expect(names(selectResources(spec({ excludedResources: ["cronjobs.batch"] }), servedResources, namespaces))).toContain("configmaps");
  });

  it("refuses an entry both included and excluded, and both kinds of label selector at once", () => {
    expect(refusal(() => selectResources(spec({ includedNamespaces: ["shop"], excludedNamespaces: ["shop"] }), servedResources, namespaces))).toMatchObject({
      code: "INVALID_ARGUMENT",
      field: "spec.excluded_namespaces",
    });
    expect(refusal(() => selectResources(spec({ includedResources: ["pods"], excludedResources: ["pods"] }), servedResources, namespaces))).toMatchObject({
      field: "spec.excluded_resources",
    });
    expect(refusal(() => selectResources(spec({ labelSelector: "a=b", orLabelSelectors: ["c=d"] }), servedResources, namespaces))).toMatchObject({
      field: "spec.or_label_selectors",
    });
    expect(refusal(() => selectResources(spec({ orLabelSelectors: ["c=d", " "] }), servedResources, namespaces))).toMatchObject({
      field: "spec.or_label_selectors[1]",
    });
  });
});
