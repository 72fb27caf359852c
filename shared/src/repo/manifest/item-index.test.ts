import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ContentId, ContentKind, ContentReader, ContentWriter } from "../object/content-access.js";
import { decodeItemPage, itemPageContents, readAllItems, writeItemIndex, type ItemPaging } from "./item-index.js";
import type { BackupItem } from "./records.js";

/** Content in a Map, by the SHA-256 of its bytes (ids only need to be uniform and stable here). */
class MemoryContent implements ContentWriter, ContentReader {
  readonly blobs = new Map<ContentId, { kind: ContentKind; data: Uint8Array }>();
  async putContent(kind: ContentKind, data: Uint8Array): Promise<ContentId> {
    const id = createHash("sha256").update(data).digest("hex") as ContentId;
    this.blobs.set(id, { kind, data });
    return id;
  }
  async getContent(id: ContentId): Promise<Uint8Array> {
    const blob = this.blobs.get(id);
    if (!blob) throw new Error(`no content ${id}`);
    return blob.data;
  }
}

function idOf(text: string): ContentId {
  return createHash("sha256").update(text).digest("hex") as ContentId;
}

function configMaps(count: number, revision = (_: number) => 0): BackupItem[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `cm-${String(i).padStart(5, "0")}`;
    const content = idOf(`${name}@${revision(i)}`);
    return { group: "", version: "v1", resource: "configmaps", namespace: "shop", name, content, kind: "ConfigMap", versions: [{ version: "v1", content }] };
  });
}

const paging: ItemPaging = { minItems: 4, maxItems: 64, averageItems: 16 };

describe("the item index", () => {
  it("round-trips items, with every version and the groups of aliases", async () => {
    const [own, older, legacy, core] = ["own", "older", "legacy", "core"].map(idOf) as ContentId[];
    const ingress: BackupItem = {
      group: "networking.k8s.io",
      version: "v1",
      resource: "ingresses",
      namespace: "shop",
      name: "web",
      content: own!,
      kind: "Ingress",
      versions: [
        { version: "v1", content: own! },
        { version: "v1beta1", content: older! },
        { group: "extensions", version: "v1beta1", content: legacy! },
      ],
    };
    // A version in the core group of an item of another group says so with "".
    const event: BackupItem = { group: "events.k8s.io", version: "v1", resource: "events", namespace: "shop", name: "web.1", content: older!, kind: "Event", versions: [{ version: "v1", content: older! }, { group: "", version: "v1", content: core! }] };
    const clusterScoped: BackupItem = { group: "storage.k8s.io", version: "v1", resource: "storageclasses", namespace: "", name: "fast", content: core! };
    const content = new MemoryContent();
    const ref = await writeItemIndex(content, [ingress, event, clusterScoped], paging);
    expect(ref.count).toBe(3);
    const read = await readAllItems(content, ref);
    expect(read).toEqual([ingress, event, { ...clusterScoped, versions: [{ version: "v1", content: core }] }]);
    expect(read[0]!.versions![0]).not.toHaveProperty("group");
    expect([...content.blobs.values()].every((blob) => blob.kind === "items")).toBe(true);
  });

  it("writes the same pages for the same items, so a second backup of an unchanged cluster stores none anew", async () => {
    const first = new MemoryContent();
    const a = await writeItemIndex(first, configMaps(3000), paging);
    const b = await writeItemIndex(first, configMaps(3000), paging);
    expect(b).toEqual(a);
    expect(first.blobs.size).toBe(a.pages.length);
    expect(a.pages.length).toBeGreaterThan(3000 / 64);
  });

  it("keeps every page but the changed item's own and the next when one item changes", async () => {
    const content = new MemoryContent();
    const before = await writeItemIndex(content, configMaps(3000), paging);
    const after = await writeItemIndex(content, configMaps(3000, (i) => (i === 1500 ? 1 : 0)), paging);
    const changed = after.pages.filter((id) => !before.pages.includes(id));
    expect(changed.length).toBeGreaterThanOrEqual(1);
    expect(changed.length).toBeLessThanOrEqual(2);
    expect((await readAllItems(content, after))[1500]!.content).toBe(idOf("cm-01500@1"));
  });

  it("keeps pages between the minimum and the maximum", async () => {
    const content = new MemoryContent();
    const ref = await writeItemIndex(content, configMaps(5000), paging);
    const sizes = await Promise.all(ref.pages.map(async (id) => decodeItemPage(await content.getContent(id), id).length));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(64);
    expect(Math.min(...sizes.slice(0, -1))).toBeGreaterThanOrEqual(4);
  });

  it("writes no page for no items", async () => {
    const content = new MemoryContent();
    expect(await writeItemIndex(content, [], paging)).toEqual({ count: 0, pages: [] });
  });

  it("names each content of a page once, for marking", () => {
    const [a, b] = [idOf("a"), idOf("b")];
    const page = Buffer.from(JSON.stringify([["", "configmaps", "shop", "x", "ConfigMap", [["v1", a]]], ["", "configmaps", "shop", "y", "ConfigMap", [["v1", a], ["v1beta1", b, "other", "configmaps"]]]]));
    expect(itemPageContents(page, "page").sort()).toEqual([a, b].sort());
  });

  it.each<[string, unknown, string]>([
    ["not JSON", "{", "(page)"],
    ["not an array", { items: [] }, "(page)"],
    ["a short tuple", [["", "configmaps", "shop", "x"]], "[0]"],
    ["a bad content id", [["", "configmaps", "shop", "x", "", [["v1", "nope"]]]], "[0].versions[0].content"],
    ["no versions", [["", "configmaps", "shop", "x", "", []]], "[0].versions"],
    ["an empty name", [["", "configmaps", "shop", "", "", [["v1", idOf("x")]]]], "[0].name"],
    ["an alias first", [["", "configmaps", "shop", "x", "", [["v1", idOf("x"), "other", "configmaps"]]]], "[0].versions"],
  ])("refuses a page with %s as CORRUPT, naming the field", (_, page, field) => {
    const bytes = Buffer.from(typeof page === "string" ? page : JSON.stringify(page));
    expect(() => decodeItemPage(bytes, "item index page 0")).toThrow(expect.objectContaining({ code: "CORRUPT", field }));
  });
});
