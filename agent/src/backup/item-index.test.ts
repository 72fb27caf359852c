import { describe, expect, it } from "vitest";
import { ItemIndex } from "./item-index.js";
import { rankByPreferredGroup } from "./preferred-group.js";
import { itemName } from "./resources.js";
import { servedResources } from "./testing/resources.js";

const legacy = { group: "extensions", resource: "ingresses", namespace: "shop", name: "web" };
const current = { group: "networking.k8s.io", resource: "ingresses", namespace: "shop", name: "web" };

function index() {
  return new ItemIndex(rankByPreferredGroup(servedResources));
}

describe("the item index", () => {
  it("counts an object indexed under two groups once, and shows it under the preferred group whichever came first", () => {
    for (const order of [[legacy, current], [current, legacy]]) {
      const items = index();
      expect(items.add(order[0]!, "uid-web")).toBe(true);
      expect(items.add(order[1]!, "uid-web")).toBe(false);
      expect(items.size).toBe(1);
      expect(items.has(legacy) && items.has(current)).toBe(true);
      expect([...items.items()].map(itemName)).toEqual(["ingresses.networking.k8s.io/shop/web"]);
      // Both resources are still read by serialize.
      expect(items.resources().map((r) => `${r.group}/${r.resource}:${r.count}`).sort()).toEqual(["extensions/ingresses:1", "networking.k8s.io/ingresses:1"]);
    }
  });

  it("tells objects apart by UID, not by name", () => {
    const items = index();
    expect(items.add(legacy, "uid-old")).toBe(true);
    expect(items.add(current, "uid-new")).toBe(true);
    expect(items.add(current, "uid-new")).toBe(false);
    expect(items.size).toBe(2);
    expect([...items.items()].map((i) => `${i.group}:${i.uid}`).sort()).toEqual(["extensions:uid-old", "networking.k8s.io:uid-new"]);
  });

  it("counts entries without a UID each on their own, and merges one whose UID is learnt later", () => {
    const items = index();
    const namespace = { group: "", resource: "namespaces", namespace: "", name: "shop" };
    expect(items.add(namespace)).toBe(true);
    expect(items.add(namespace)).toBe(false);
    expect(items.add(legacy)).toBe(true);
    expect(items.size).toBe(2);
    // Listing a resource tells its UID: the namespace stays one object, the Ingress joins its alias.
    expect(items.add(namespace, "uid-ns")).toBe(false);
    expect(items.add(current, "uid-web")).toBe(true);
    expect(items.add(legacy, "uid-web")).toBe(false);
    expect(items.size).toBe(2);
    expect([...items.items()].map(itemName).sort()).toEqual(["ingresses.networking.k8s.io/shop/web", "namespaces//shop"]);
  });

  it("breaks a tie between resources discovery did not rank by name", () => {
    const items = new ItemIndex(() => 0);
    items.add({ ...current, group: "b.example.com" }, "uid");
    items.add({ ...current, group: "a.example.com" }, "uid");
    expect([...items.items()].map((i) => i.group)).toEqual(["a.example.com"]);
  });

  it("lists every entry in one order, each with the contents serialize recorded and whether its object is shown under it", () => {
    const items = index();
    items.add({ group: "", resource: "configmaps", namespace: "b", name: "x" }, "uid-b");
    items.add(current, "uid-web");
    items.add({ group: "", resource: "configmaps", namespace: "a", name: "y" }, "uid-a");
    items.add(legacy, "uid-web");
    const entry = items.get(legacy)!;
    entry.contents = ["c".repeat(64) as never];
    expect(items.isPreferred(legacy, entry)).toBe(false);
    expect(items.isPreferred(current, items.get(current)!)).toBe(true);
    expect(items.get({ ...legacy, name: "missing" })).toBeUndefined();
    expect([...items.entries()].map((e) => `${e.group}/${e.resource}/${e.namespace}/${e.name}:${e.isPreferred}:${e.contents?.length ?? 0}`)).toEqual([
      "/configmaps/a/y:true:0",
      "/configmaps/b/x:true:0",
      "extensions/ingresses/shop/web:false:1",
      "networking.k8s.io/ingresses/shop/web:true:0",
    ]);
  });
});
