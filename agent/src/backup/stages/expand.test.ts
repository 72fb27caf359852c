import { describe, expect, it } from "vitest";
import { ItemIndex } from "../item-index.js";
import { rankByPreferredGroup } from "../preferred-group.js";
import type { KubeObject } from "../kube/api-reader.js";
import { itemName, resourceKey, type BackupResource, type ItemRef } from "../resources.js";
import { servedResources } from "../testing/resources.js";
import { expandDependencies, type ExpandContext } from "./expand.js";

/** A cluster of plain objects, by "group/resource/namespace/name". */
function cluster(objects: Record<string, KubeObject>, allows: (item: ItemRef) => boolean = () => true) {
  const reads: string[] = [];
  const context: ExpandContext = {
    resources: servedResources,
    allowsDependency: allows,
    async read(resource: BackupResource, namespace: string, name: string) {
      const key = `${resourceKey(resource)}/${namespace}/${name}`;
      reads.push(key);
      return objects[key];
    },
  };
  return { context, reads };
}

const objects: Record<string, KubeObject> = {
  "/persistentvolumeclaims/shop/data": { metadata: { name: "data", namespace: "shop" }, spec: { volumeName: "pv-1", storageClassName: "fast" } },
  "/persistentvolumes//pv-1": { metadata: { name: "pv-1" }, spec: { storageClassName: "fast" } },
  "storage.k8s.io/storageclasses//fast": { metadata: { name: "fast" } },
  "/serviceaccounts/shop/web": { metadata: { name: "web", namespace: "shop" }, secrets: [{ name: "web-token" }] },
  "/secrets/shop/web-token": { metadata: { name: "web-token", namespace: "shop" } },
  "apps/replicasets/shop/web-abc": { metadata: { name: "web-abc", namespace: "shop", ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web" }] } },
  "apps/deployments/shop/web": { metadata: { name: "web", namespace: "shop" }, spec: { template: { spec: { serviceAccountName: "web" } } } },
  "apiextensions.k8s.io/customresourcedefinitions//widgets.shop.example.com": { metadata: { name: "widgets.shop.example.com" } },
};

function names(index: ItemIndex): string[] {
  return [...index.items()].map(itemName).sort();
}

describe("expanding dependencies", () => {
  it("follows PVC → PV → StorageClass and counts what it added", async () => {
    const index = new ItemIndex();
    index.add({ group: "", resource: "pods", namespace: "shop", name: "db" });
    const { context } = cluster(objects);
    const added = await expandDependencies([{ group: "", resource: "persistentvolumeclaims", namespace: "shop", name: "data" }], index, context);
    expect(added).toBe(3);
    expect(names(index)).toEqual([
      "persistentvolumeclaims/shop/data",
      "persistentvolumes//pv-1",
      "pods/shop/db",
      "storageclasses.storage.k8s.io//fast",
    ]);
  });

  it("resolves owners by kind and takes what the owner needs in turn", async () => {
    const index = new ItemIndex();
    const { context } = cluster(objects);
    const added = await expandDependencies([{ group: "apps", kind: "ReplicaSet", namespace: "shop", name: "web-abc" }], index, context);
    expect(names(index)).toEqual(["deployments.apps/shop/web", "replicasets.apps/shop/web-abc", "secrets/shop/web-token", "serviceaccounts/shop/web"]);
    expect(added).toBe(4);
  });

  it("adds nothing the spec does not allow, and does not read it", async () => {
    const index = new ItemIndex();
    const { context, reads } = cluster(objects, (item) => item.namespace !== "");
    const added = await expandDependencies([{ group: "", resource: "persistentvolumeclaims", namespace: "shop", name: "data" }], index, context);
    expect(added).toBe(1);
    expect(names(index)).toEqual(["persistentvolumeclaims/shop/data"]);
    expect(reads).toEqual(["/persistentvolumeclaims/shop/data"]);
  });

  it("indexes an object already in the backup under another group, without counting it again", async () => {
    const index = new ItemIndex(rankByPreferredGroup(servedResources));
    index.add({ group: "networking.k8s.io", resource: "ingresses", namespace: "shop", name: "web" }, "uid-web");
    const { context } = cluster({ "extensions/ingresses/shop/web": { metadata: { name: "web", namespace: "shop", uid: "uid-web" } } });
    const added = await expandDependencies([{ group: "extensions", resource: "ingresses", namespace: "shop", name: "web" }], index, context);
    expect(added).toBe(0);
    expect(index.has({ group: "extensions", resource: "ingresses", namespace: "shop", name: "web" })).toBe(true);
    expect(names(index)).toEqual(["ingresses.networking.k8s.io/shop/web"]);
  });

  it("skips what does not exist, what the cluster does not serve, and what is already in the backup", async () => {
    const index = new ItemIndex();
    index.add({ group: "", resource: "serviceaccounts", namespace: "shop", name: "web" });
    const { context, reads } = cluster(objects);
    const added = await expandDependencies(
      [
        { group: "", resource: "secrets", namespace: "shop", name: "missing" },
        { group: "", resource: "serviceaccounts", namespace: "shop", name: "web" },
        { group: "batch", resource: "cronjobs", namespace: "shop", name: "nightly" },
        { group: "apiextensions.k8s.io", resource: "customresourcedefinitions", namespace: "", name: "widgets.shop.example.com" },
        { group: "apiextensions.k8s.io", resource: "customresourcedefinitions", namespace: "", name: "widgets.shop.example.com" },
      ],
      index,
      context,
    );
    expect(added).toBe(1);
    expect(names(index)).toEqual(["customresourcedefinitions.apiextensions.k8s.io//widgets.shop.example.com", "serviceaccounts/shop/web"]);
    expect(reads.sort()).toEqual(["/secrets/shop/missing", "apiextensions.k8s.io/customresourcedefinitions//widgets.shop.example.com"]);
  });
});
