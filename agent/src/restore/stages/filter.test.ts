import { ClusterResourcePolicy, RestoreSpecSchema, type RestoreSpec } from "@lifeboat/proto";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { BackupItem } from "@lifeboat/shared/repo";
import { describe, expect, it } from "vitest";
import { itemName } from "../../backup/resources.js";
import type { KubeObject } from "../types.js";
import { filterItems } from "./filter.js";

const id = (n: number) => String(n).padStart(64, "0") as BackupItem["content"];
let next = 1;
function item(group: string, resource: string, kind: string, namespace: string, name: string, json: Partial<KubeObject> = {}): BackupItem & { json: Partial<KubeObject> } {
  return { group, version: "v1", resource, kind, namespace, name, content: id(next++), json };
}

const items = [
  item("", "namespaces", "Namespace", "", "shop"),
  item("", "namespaces", "Namespace", "", "blog"),
  item("", "configmaps", "ConfigMap", "shop", "settings", { metadata: { labels: { app: "shop" } } }),
  item("", "configmaps", "ConfigMap", "blog", "settings", { metadata: { labels: { app: "blog" } } }),
  item("apps", "deployments", "Deployment", "shop", "web", { metadata: { labels: { app: "shop", tier: "web" } } }),
  item("shop.example.com", "promotions", "Promotion", "shop", "spring"),
  item("apiextensions.k8s.io", "customresourcedefinitions", "CustomResourceDefinition", "", "promotions.shop.example.com"),
  item("apiextensions.k8s.io", "customresourcedefinitions", "CustomResourceDefinition", "", "posts.blog.example.com"),
  item("storage.k8s.io", "storageclasses", "StorageClass", "", "fast"),
  item("", "persistentvolumes", "PersistentVolume", "", "pv-shop", { spec: { claimRef: { namespace: "shop", name: "data" } } }),
  item("", "persistentvolumes", "PersistentVolume", "", "pv-blog", { spec: { claimRef: { namespace: "blog", name: "data" } } }),
  item("rbac.authorization.k8s.io", "clusterroles", "ClusterRole", "", "viewer"),
];

async function filtered(spec: MessageInitShape<typeof RestoreSpecSchema>): Promise<string[]> {
  const reads: string[] = [];
  const result = await filterItems(items, create(RestoreSpecSchema, spec) as RestoreSpec, {
    target: [{ group: "apps", resource: "deployments", kind: "Deployment", namespaced: true, versions: ["v1"], preferredVersion: "v1", shortNames: ["deploy"] }],
    readJson: async (i) => {
      reads.push(i.name);
      return { apiVersion: "v1", kind: i.kind ?? "", metadata: {}, ...(i as (typeof items)[number]).json } as KubeObject;
    },
  });
  return result.map(itemName).sort();
}

describe("the restore filter", () => {
  it("takes everything without filters", async () => {
    expect(await filtered({})).toHaveLength(items.length);
  });

  it.each<[string, MessageInitShape<typeof RestoreSpecSchema>, string[]]>([
    [
      "a namespace filter, with AUTO cluster resources: the namespace, its CRDs, storage classes and its volumes",
      { includedNamespaces: ["shop"] },
      ["configmaps/shop/settings", "customresourcedefinitions.apiextensions.k8s.io//promotions.shop.example.com", "deployments.apps/shop/web", "namespaces//shop", "persistentvolumes//pv-shop", "promotions.shop.example.com/shop/spring", "storageclasses.storage.k8s.io//fast"],
    ],
    ["a namespace filter with cluster resources excluded", { includedNamespaces: ["shop"], includeClusterResources: ClusterResourcePolicy.EXCLUDE }, ["configmaps/shop/settings", "deployments.apps/shop/web", "promotions.shop.example.com/shop/spring"]],
    ["an excluded namespace by glob", { excludedNamespaces: ["s*"], includedResources: ["configmaps"] }, ["configmaps/blog/settings"]],
    ["a resource by short name", { includedResources: ["deploy"] }, ["deployments.apps/shop/web"]],
    ["a resource by kind, with an exclude by qualified name", { includedResources: ["ConfigMap", "Deployment"], excludedResources: ["deployments.apps"] }, ["configmaps/blog/settings", "configmaps/shop/settings"]],
    ["a label selector", { labelSelector: "app=shop" }, ["configmaps/shop/settings", "deployments.apps/shop/web"]],
    ["a set-based label selector and a namespace", { labelSelector: "tier in (web)", includedNamespaces: ["shop"] }, ["deployments.apps/shop/web"]],
  ])("takes %s", async (_, spec, expected) => {
    expect(await filtered(spec)).toEqual(expected);
  });

  it.each<[string, MessageInitShape<typeof RestoreSpecSchema>, string]>([
    ["a namespace both included and excluded", { includedNamespaces: ["shop"], excludedNamespaces: ["shop"] }, "spec.excluded_namespaces"],
    ["a resource both included and excluded", { includedResources: ["configmaps"], excludedResources: ["configmaps"] }, "spec.excluded_resources"],
    ["a bad label selector", { labelSelector: "app in shop" }, "spec.label_selector"],
  ])("refuses %s, naming the field", async (_, spec, field) => {
    await expect(filtered(spec)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field });
  });
});
