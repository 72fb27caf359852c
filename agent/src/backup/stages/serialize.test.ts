import { createHash } from "node:crypto";
import { LifeboatError } from "@lifeboat/shared";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { BackupReport } from "../backup-report.js";
import { ItemIndex } from "../item-index.js";
import { rankByPreferredGroup } from "../preferred-group.js";
import { fakeApi, object, withUid } from "../testing/fake-api.js";
import { resource } from "../testing/resources.js";
import { serializeItems, type ContentWriter } from "./serialize.js";

const widgets = resource("shop.example.com", "widgets", "Widget", { versions: ["v1", "v1beta1"], preferredVersion: "v1" });
const configmaps = resource("", "configmaps", "ConfigMap");

/** Content ids are sha256 prefixes here; the JSON is kept to look at. */
function contentStore(): ContentWriter & { stored: Map<string, string> } {
  const stored = new Map<string, string>();
  return {
    stored,
    async putContent(_kind, data) {
      const id = createHash("sha256").update(data).digest("hex").slice(0, 16);
      stored.set(id, Buffer.from(data).toString("utf8"));
      return id as never;
    },
  };
}

function setup() {
  const api = fakeApi({
    "shop.example.com/v1/widgets": [object("blue", "shop", {}, { spec: { z: 1, a: 2 } }), object("red", "shop"), object("green", "blog")],
    "shop.example.com/v1beta1/widgets": [object("blue", "shop", {}, { spec: { z: 1, a: 2 } }), object("red", "shop")],
    "/v1/configmaps": [object("web", "shop")],
  });
  const index = new ItemIndex();
  index.add({ group: "shop.example.com", resource: "widgets", namespace: "shop", name: "blue" });
  index.add({ group: "shop.example.com", resource: "widgets", namespace: "shop", name: "red" });
  index.add({ group: "", resource: "configmaps", namespace: "shop", name: "web" });
  const report = new BackupReport(pino({ level: "silent" }));
  return { api, index, report, content: contentStore() };
}

describe("serializing items", () => {
  it("stores each indexed item in every served version, preferred first, as JSON with sorted keys and its type", async () => {
    const { api, index, report, content } = setup();
    const done: number[] = [];
    const result = await serializeItems(index, { api, content, resources: [widgets, configmaps], report, concurrency: 2, onProgress: (items) => done.push(items) });
    expect([...result.items()].map((i) => `${i.resource}/${i.name}`).sort()).toEqual(["configmaps/web", "widgets/blue", "widgets/red"]);
    expect(result.itemVersions).toBe(5);
    const blue = [...result.items()].find((i) => i.name === "blue")!;
    expect(blue).toMatchObject({ group: "shop.example.com", version: "v1", kind: "Widget", namespace: "shop" });
    expect(blue.versions!.map((v) => v.version)).toEqual(["v1", "v1beta1"]);
    expect(blue.content).toBe(blue.versions![0]!.content);
    expect(content.stored.get(blue.content)).toBe('{"apiVersion":"shop.example.com/v1","kind":"Widget","metadata":{"labels":{},"name":"blue","namespace":"shop"},"spec":{"a":2,"z":1}}');
    expect(JSON.parse(content.stored.get(blue.versions![1]!.content)!).apiVersion).toBe("shop.example.com/v1beta1");
    expect(result.bytes).toBe([...[...result.items()].flatMap((i) => i.versions!.map((v) => content.stored.get(v.content)!.length))].reduce((a, b) => a + b, 0));
    expect(done.at(-1)).toBe(3);
    // Namespaces are listed one by one: "blog" holds nothing indexed and is never read.
    expect(api.lists.some((l) => l.includes("ns=blog"))).toBe(false);
  });

  it("stores an object two groups serve as one item under the preferred group, with every group's versions", async () => {
    const legacy = resource("extensions", "ingresses", "Ingress", { versions: ["v1beta1"], preferredVersion: "v1beta1" });
    const current = resource("networking.k8s.io", "ingresses", "Ingress", { versions: ["v1beta1"], preferredVersion: "v1beta1" });
    const web = withUid(object("web", "shop"), "uid-web");
    const api = fakeApi({ "extensions/v1beta1/ingresses": [web, withUid(object("old", "shop"), "uid-old")], "networking.k8s.io/v1beta1/ingresses": [web, withUid(object("old", "shop"), "uid-old")] });
    // Discovery lists extensions first, as a 1.16 API server does.
    const resources = [legacy, current];
    const index = new ItemIndex(rankByPreferredGroup(resources));
    index.add({ group: "extensions", resource: "ingresses", namespace: "shop", name: "web" }, "uid-web");
    index.add({ group: "networking.k8s.io", resource: "ingresses", namespace: "shop", name: "web" }, "uid-web");
    index.add({ group: "extensions", resource: "ingresses", namespace: "shop", name: "old" }, "uid-old"); // selected only as extensions
    const done: number[] = [];
    const { report, content } = setup();
    const result = await serializeItems(index, { api, content, resources, report, concurrency: 2, onProgress: (items) => done.push(items) });
    expect([...result.items()].map((i) => `${i.group}/${i.name}`).sort()).toEqual(["extensions/old", "networking.k8s.io/web"]);
    const item = [...result.items()].find((i) => i.name === "web")!;
    expect(item.versions!.map((v) => `${v.group ?? "(own)"}/${v.version}`)).toEqual(["(own)/v1beta1", "extensions/v1beta1"]);
    expect(item.content).toBe(item.versions![0]!.content);
    expect(JSON.parse(content.stored.get(item.versions![1]!.content)!).apiVersion).toBe("extensions/v1beta1");
    expect(item).not.toHaveProperty("uid");
    expect(result.itemVersions).toBe(3);
    expect(done.at(-1)).toBe(2);
    expect(report.warnings).toEqual([]);
  });

  it("gives the items in one stable order, whatever order they were selected in", async () => {
    const names = ["blue", "red"];
    const orders: string[][] = [];
    for (const order of [names, [...names].reverse()]) {
      const { api, report, content } = setup();
      const index = new ItemIndex();
      index.add({ group: "", resource: "configmaps", namespace: "shop", name: "web" });
      for (const name of order) index.add({ group: "shop.example.com", resource: "widgets", namespace: "shop", name });
      const result = await serializeItems(index, { api, content, resources: [widgets, configmaps], report, concurrency: 2 });
      orders.push([...result.items()].map((i) => `${i.resource}/${i.name}`));
    }
    expect(orders[0]).toEqual(["configmaps/web", "widgets/blue", "widgets/red"]);
    expect(orders[1]).toEqual(orders[0]);
  });

  it("warns about an item deleted since it was selected and leaves it out", async () => {
    const { api, index, report, content } = setup();
    index.add({ group: "", resource: "configmaps", namespace: "shop", name: "gone" });
    const result = await serializeItems(index, { api, content, resources: [widgets, configmaps], report, concurrency: 1 });
    expect([...result.items()].map((i) => i.name)).not.toContain("gone");
    expect(report.warnings.map((w) => [w.resource, w.namespace, w.name])).toEqual([["configmaps", "shop", "gone"]]);
    expect(report.errors).toEqual([]);
  });

  it("records an error for a version it may not list, keeping the versions it could read", async () => {
    const { api, index, report, content } = setup();
    api.failLists({ group: "shop.example.com", version: "v1beta1", resource: "widgets" }, new LifeboatError("PERMISSION_DENIED", "forbidden"));
    const result = await serializeItems(index, { api, content, resources: [widgets, configmaps], report, concurrency: 1 });
    expect([...result.items()].find((i) => i.name === "blue")!.versions!.map((v) => v.version)).toEqual(["v1"]);
    expect(report.errors.map((e) => e.message)).toEqual(["cannot list widgets.shop.example.com in shop.example.com/v1beta1: forbidden"]);
    expect(report.warnings).toEqual([]);
  });

  it("throws what ends the backup: an unreachable API server or a repository failure", async () => {
    const { api, index, report, content } = setup();
    api.failLists({ group: "", version: "v1", resource: "configmaps" }, new LifeboatError("UNAVAILABLE", "down", { retryable: true }));
    await expect(serializeItems(index, { api, content, resources: [widgets, configmaps], report, concurrency: 1 })).rejects.toMatchObject({ code: "UNAVAILABLE" });

    const healthy = setup();
    const failing: ContentWriter = { putContent: async () => Promise.reject(new LifeboatError("UNAVAILABLE", "S3 is down", { retryable: true })) };
    await expect(serializeItems(healthy.index, { api: healthy.api, content: failing, resources: [widgets], report: healthy.report, concurrency: 1 })).rejects.toThrow("S3 is down");
  });
});
