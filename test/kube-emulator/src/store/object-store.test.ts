import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api-types.js";
import { ObjectStore } from "./object-store.js";
import type { StoredEvent } from "./watch-history.js";

const event = (name: string, count: number): KubeObject => ({
  apiVersion: "v1",
  kind: "Event",
  metadata: { name, namespace: "shop" },
  reason: "Pulled",
  count,
});
const pod = (name: string): KubeObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "shop" }, spec: { containers: [] } });

describe("ObjectStore", () => {
  it("keeps Events as bytes: reads return equal copies, never the stored object", () => {
    const store = new ObjectStore();
    const created = store.create("/events", event("web.1", 1));
    const read = store.get("/events", "shop", "web.1");
    expect(read).toEqual(created);
    expect(read).not.toBe(created);
    expect(store.get("/events", "shop", "web.1")).not.toBe(read);
    read!.count = 99; // a reader's change does not reach the store
    expect(store.get("/events", "shop", "web.1")!.count).toBe(1);
    expect(store.list("/events", "shop").items).toEqual([created]);
    expect(store.count("/events")).toBe(1);
  });

  it("keeps other kinds live: a read returns the stored object itself", () => {
    const store = new ObjectStore();
    const created = store.create("/pods", pod("web"));
    expect(store.get("/pods", "shop", "web")).toBe(created);
    expect(store.list("/pods").items[0]).toBe(created);
  });

  it("gives listeners the live object and previous version of an Event, and the history replays both", () => {
    const store = new ObjectStore();
    const seen: StoredEvent[] = [];
    store.subscribe((e) => seen.push(e));
    const first = store.create("/events", event("web.1", 1));
    const second = store.update("/events", { ...first, count: 2 });
    const deleted = store.delete("/events", "shop", "web.1");
    expect(seen.map((e) => [e.type, e.object.count, e.previous?.count])).toEqual([
      ["ADDED", 1, undefined],
      ["MODIFIED", 2, 1],
      ["DELETED", 2, 2],
    ]);
    expect(seen[1]!.object).toBe(second);
    const replay = store.historySince(0);
    expect(replay.map((e) => [e.type, e.object.metadata.resourceVersion, e.previous?.metadata.resourceVersion])).toEqual([
      ["ADDED", first.metadata.resourceVersion, undefined],
      ["MODIFIED", second.metadata.resourceVersion, first.metadata.resourceVersion],
      ["DELETED", deleted!.metadata.resourceVersion, second.metadata.resourceVersion],
    ]);
    expect(replay.map((e) => [e.storageKey, e.namespace, e.resourceVersion])).toEqual(seen.map((e) => [e.storageKey, e.namespace, e.resourceVersion]));
    expect(store.get("/events", "shop", "web.1")).toBeUndefined();
  });
});
