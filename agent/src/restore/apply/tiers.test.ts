import { describe, expect, it } from "vitest";
import { orderIntoTiers } from "./tiers.js";
import { plannedItem } from "./planned-item.test-support.js";

const names = (tiers: ReturnType<typeof orderIntoTiers>) => tiers.map((tier) => tier.map((item) => `${item.to.resource}/${item.name}`));

describe("orderIntoTiers", () => {
  it("puts CRDs first, then namespaces, storage, configuration, pods, their controllers, workloads, services, and custom resources last", () => {
    const items = [
      plannedItem("widgets", "w1", { group: "example.com", kind: "Widget", namespace: "shop" }),
      plannedItem("services", "web", { namespace: "shop" }),
      plannedItem("deployments", "web", { group: "apps", namespace: "shop" }),
      plannedItem("replicasets", "web-1", { group: "apps", namespace: "shop" }),
      plannedItem("pods", "web-1-abcde", { namespace: "shop" }),
      plannedItem("configmaps", "settings", { namespace: "shop" }),
      plannedItem("persistentvolumeclaims", "data", { namespace: "shop" }),
      plannedItem("storageclasses", "fast", { group: "storage.k8s.io" }),
      plannedItem("namespaces", "shop"),
      plannedItem("customresourcedefinitions", "widgets.example.com", { group: "apiextensions.k8s.io" }),
    ];
    expect(names(orderIntoTiers(items))).toEqual([
      ["customresourcedefinitions/widgets.example.com"],
      ["namespaces/shop"],
      ["persistentvolumeclaims/data", "storageclasses/fast"],
      ["configmaps/settings"],
      ["pods/web-1-abcde"],
      ["replicasets/web-1"],
      ["deployments/web"],
      ["services/web"],
      ["widgets/w1"],
    ]);
  });

  it("keeps the items' own order within a tier and leaves out empty tiers", () => {
    const items = [
      plannedItem("secrets", "b", { namespace: "a" }),
      plannedItem("clusterroles", "viewer", { group: "rbac.authorization.k8s.io" }),
      plannedItem("serviceaccounts", "app", { namespace: "a" }),
      plannedItem("ingresses", "web", { group: "networking.k8s.io", namespace: "a" }),
    ];
    expect(names(orderIntoTiers(items))).toEqual([["secrets/b", "clusterroles/viewer", "serviceaccounts/app"], ["ingresses/web"]]);
  });

  it("places an item by what it is applied as, not by what it was backed up as", () => {
    const legacy = { ...plannedItem("ingresses", "web", { group: "networking.k8s.io", namespace: "a" }), conversion: "ingresses.extensions/v1beta1 -> networking.k8s.io/v1" };
    legacy.from = { ...legacy.from, group: "extensions", version: "v1beta1" };
    const lookalike = plannedItem("ingresses", "other", { group: "example.com", namespace: "a" });
    const job = plannedItem("jobs", "once", { group: "batch", namespace: "a" });
    expect(names(orderIntoTiers([lookalike, legacy, job]))).toEqual([["jobs/once"], ["ingresses/web"], ["ingresses/other"]]);
  });

  it("returns no tiers for no items", () => {
    expect(orderIntoTiers([])).toEqual([]);
  });
});
