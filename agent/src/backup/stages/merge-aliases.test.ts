import { describe, expect, it } from "vitest";
import { rankByPreferredGroup } from "../preferred-group.js";
import { servedResources, resource } from "../testing/resources.js";
import { mergeAliases, type ServedItem } from "./merge-aliases.js";

const c = (n: number) => String(n).padStart(64, "0") as ServedItem["content"];

function served(group: string, resource: string, versions: string[], uid: string, name = "web", first = 1): ServedItem {
  const list = versions.map((version, i) => ({ version, content: c(first + i) }));
  return { group, version: versions[0]!, resource, kind: "Ingress", namespace: "shop", name, content: list[0]!.content, versions: list, uid };
}

const rank = rankByPreferredGroup([...servedResources, resource("", "events", "Event"), resource("events.k8s.io", "events", "Event")]);

describe("merging the items of one object served by two groups", () => {
  it("keeps the preferred group's item, listing its versions first and the other group's after, naming their group", () => {
    const legacy = served("extensions", "ingresses", ["v1beta1"], "uid-web", "web", 10);
    const current = served("networking.k8s.io", "ingresses", ["v1", "v1beta1"], "uid-web", "web", 20);
    const [item, ...rest] = mergeAliases([legacy, current], rank);
    expect(rest).toEqual([]);
    expect(item).toEqual({
      group: "networking.k8s.io",
      version: "v1",
      resource: "ingresses",
      kind: "Ingress",
      namespace: "shop",
      name: "web",
      content: c(20),
      versions: [
        { version: "v1", content: c(20) },
        { version: "v1beta1", content: c(21) },
        { group: "extensions", version: "v1beta1", content: c(10) },
      ],
    });
  });

  it("names the core group as \"\" and a resource of another name when the preferred item is elsewhere", () => {
    const core = { ...served("", "events", ["v1"], "uid-e", "e.1", 1), kind: "Event" };
    const events = { ...served("events.k8s.io", "events", ["v1beta1"], "uid-e", "e.1", 2), kind: "Event" };
    expect(mergeAliases([events, core], rank)[0]!.versions).toEqual([{ version: "v1", content: c(1) }, { group: "events.k8s.io", version: "v1beta1", content: c(2) }]);
    const coreLast = (r: { group: string }) => (r.group === "" ? 1 : 0);
    expect(mergeAliases([core, events], coreLast)[0]!.versions).toEqual([{ version: "v1beta1", content: c(2) }, { group: "", version: "v1", content: c(1) }]);
    const renamed = { ...events, resource: "occurrences" };
    expect(mergeAliases([core, renamed], rank)[0]!.versions![1]).toEqual({ group: "events.k8s.io", resource: "occurrences", version: "v1beta1", content: c(2) });
  });

  it("keeps objects of different UIDs, and items without a UID, apart and in their order, without the UID", () => {
    const items = mergeAliases([served("", "configmaps", ["v1"], "", "a"), served("", "configmaps", ["v1"], "", "a"), served("extensions", "ingresses", ["v1beta1"], "u1"), served("networking.k8s.io", "ingresses", ["v1beta1"], "u2")], rank);
    expect(items.map((i) => `${i.group}/${i.name}`)).toEqual(["/a", "/a", "extensions/web", "networking.k8s.io/web"]);
    expect(items.every((i) => !("uid" in i))).toBe(true);
    expect(items.every((i) => i.versions!.length === 1)).toBe(true);
  });
});
