import { LifeboatError } from "@lifeboat/shared";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { BackupReport } from "../backup-report.js";
import { ItemIndex } from "../item-index.js";
import { itemName } from "../resources.js";
import { fakeApi, object } from "../testing/fake-api.js";
import { resource } from "../testing/resources.js";
import { collectSelectedItems } from "./collect.js";
import type { Selection } from "./select.js";

const configmaps = resource("", "configmaps", "ConfigMap");
const pods = resource("", "pods", "Pod");
const storageclasses = resource("storage.k8s.io", "storageclasses", "StorageClass", { namespaced: false });

function selection(fields: Partial<Selection>): Selection {
  return { namespaces: ["shop"], hasNamespaceFilter: true, resources: [], includesNamespaceObjects: true, labelSelectors: [""], allowsDependency: () => true, ...fields };
}

const api = () =>
  fakeApi({
    "/v1/configmaps": [object("web", "shop", { tier: "web" }), object("cache", "shop", { tier: "cache" }), object("notes", "shop"), object("web", "blog", { tier: "web" })],
    "/v1/pods": [object("web-1", "shop", {}, { spec: { serviceAccountName: "web", volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }] } })],
    "storage.k8s.io/v1/storageclasses": [object("fast"), object("slow")],
  });

function report() {
  return new BackupReport(pino({ level: "silent" }));
}

describe("collecting the selected items", () => {
  it("lists each selected namespace, takes its Namespace object, and returns what the items refer to", async () => {
    const index = new ItemIndex();
    const cluster = api();
    const deps = await collectSelectedItems(selection({ resources: [configmaps, pods] }), index, { api: cluster, report: report(), concurrency: 2 });
    expect([...index.items()].map(itemName).sort()).toEqual(["configmaps/shop/cache", "configmaps/shop/notes", "configmaps/shop/web", "namespaces//shop", "pods/shop/web-1"]);
    expect(deps).toEqual(
      expect.arrayContaining([
        { group: "", resource: "serviceaccounts", namespace: "shop", name: "web" },
        { group: "", resource: "persistentvolumeclaims", namespace: "shop", name: "data" },
      ]),
    );
    expect(cluster.lists.filter((l) => l.startsWith("/v1/configmaps"))).toEqual(["/v1/configmaps ns=shop selector="]);
  });

  it("takes the union of the selectors' lists", async () => {
    const index = new ItemIndex();
    await collectSelectedItems(selection({ resources: [configmaps], labelSelectors: ["tier=web", "tier=cache"], includesNamespaceObjects: false }), index, { api: api(), report: report(), concurrency: 1 });
    expect([...index.items()].map(itemName).sort()).toEqual(["configmaps/shop/cache", "configmaps/shop/web"]);
  });

  it("lists cluster-wide without a namespace filter, keeping only the selected namespaces", async () => {
    const index = new ItemIndex();
    const cluster = api();
    await collectSelectedItems(selection({ hasNamespaceFilter: false, namespaces: ["blog"], resources: [configmaps, storageclasses], includesNamespaceObjects: false }), index, {
      api: cluster,
      report: report(),
      concurrency: 2,
    });
    expect([...index.items()].map(itemName).sort()).toEqual(["configmaps/blog/web", "storageclasses.storage.k8s.io//fast", "storageclasses.storage.k8s.io//slow"]);
    expect(cluster.lists).toContain("/v1/configmaps ns=* selector=");
  });

  it("records a resource it may not list as an error and goes on; an unreachable API server ends the backup", async () => {
    const index = new ItemIndex();
    const cluster = api();
    const r = report();
    cluster.failLists({ group: "", version: "v1", resource: "pods" }, new LifeboatError("PERMISSION_DENIED", "listing v1 pods: the API server answered 403"));
    await collectSelectedItems(selection({ resources: [pods, configmaps] }), index, { api: cluster, report: r, concurrency: 1 });
    expect(r.errors.map((e) => [e.resource, e.message])).toEqual([["pods", "cannot list pods: listing v1 pods: the API server answered 403"]]);
    expect(index.size).toBe(4);

    const down = api();
    down.failLists({ group: "", version: "v1", resource: "pods" }, new LifeboatError("UNAVAILABLE", "the API server did not answer", { retryable: true }));
    await expect(collectSelectedItems(selection({ resources: [pods] }), new ItemIndex(), { api: down, report: report(), concurrency: 1 })).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });
});
