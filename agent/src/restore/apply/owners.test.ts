import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { RestoredOwners } from "./owners.js";
import { plannedItem } from "./planned-item.test-support.js";

const pod = (refs: NonNullable<KubeObject["metadata"]["ownerReferences"]>): KubeObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "web-1-x", namespace: "shop", ownerReferences: refs } });

describe("RestoredOwners", () => {
  it("points an owner reference at the owner's uid and apiVersion in the target", () => {
    const owners = new RestoredOwners();
    owners.add(plannedItem("replicasets", "web-1", { group: "apps", kind: "ReplicaSet", namespace: "shop" }), "target-uid");
    const rewritten = owners.rewrite(pod([{ apiVersion: "extensions/v1beta1", kind: "ReplicaSet", name: "web-1", uid: "source-uid", controller: true }]), "shop");
    expect(rewritten.metadata.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "target-uid", controller: true }]);
  });

  it("finds cluster-scoped owners of namespaced objects", () => {
    const owners = new RestoredOwners();
    owners.add(plannedItem("widgetclasses", "gold", { group: "example.com", kind: "WidgetClass" }), "class-uid");
    const rewritten = owners.rewrite(pod([{ apiVersion: "example.com/v1", kind: "WidgetClass", name: "gold", uid: "old" }]), "shop");
    expect(rewritten.metadata.ownerReferences?.[0]?.uid).toBe("class-uid");
  });

  it("drops references to owners not restored yet, and the field when none is left", () => {
    const owners = new RestoredOwners();
    owners.add(plannedItem("configmaps", "settings", { namespace: "shop", kind: "ConfigMap" }), "cm-uid");
    const some = owners.rewrite(
      pod([
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "source-uid" },
        { apiVersion: "v1", kind: "ConfigMap", name: "settings", uid: "old" },
      ]),
      "shop",
    );
    expect(some.metadata.ownerReferences).toEqual([{ apiVersion: "v1", kind: "ConfigMap", name: "settings", uid: "cm-uid" }]);
    const none = owners.rewrite(pod([{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "source-uid" }]), "shop");
    expect(none.metadata).not.toHaveProperty("ownerReferences");
  });

  it("does not match an owner of the same name in another namespace", () => {
    const owners = new RestoredOwners();
    owners.add(plannedItem("replicasets", "web-1", { group: "apps", kind: "ReplicaSet", namespace: "other" }), "elsewhere");
    expect(owners.rewrite(pod([{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "s" }]), "shop").metadata.ownerReferences).toBeUndefined();
  });
});
