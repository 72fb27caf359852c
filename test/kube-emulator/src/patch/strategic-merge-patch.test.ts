import { describe, expect, it } from "vitest";
import type { JsonObject, JsonValue } from "../api-types.js";
import { statusErrorOf } from "../testing/status-error-of.js";
import { applyStrategicMergePatch } from "./strategic-merge-patch.js";

const DEPLOYMENT = { group: "apps", kind: "Deployment" };

function deployment(podSpec: JsonObject, extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default" },
    spec: { replicas: 1, template: { metadata: { labels: { app: "web" } }, spec: podSpec }, ...extra },
  };
}

const podSpecOf = (obj: JsonObject): JsonObject => ((obj.spec as JsonObject).template as JsonObject).spec as JsonObject;
const templatePatch = (podSpec: JsonObject): JsonObject => ({ spec: { template: { spec: podSpec } } });
const names = (list: JsonValue | undefined): JsonValue[] => (list as JsonObject[]).map((item) => item.name ?? null);

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const twoContainers = deployment({
  containers: [
    { name: "a", image: "a:1", env: [{ name: "X", value: "1" }, { name: "Y", value: "2" }] },
    { name: "b", image: "b:1" },
  ],
});

describe("applyStrategicMergePatch: maps", () => {
  it.each<[string, JsonObject, JsonObject, JsonObject]>([
    ["merges recursively", { a: { b: 1, c: 2 } }, { a: { c: 3, d: 4 } }, { a: { b: 1, c: 3, d: 4 } }],
    ["null deletes", { a: { b: 1, c: 2 } }, { a: { b: null } }, { a: { c: 2 } }],
    ["null of an absent key is dropped", { a: 1 }, { b: null }, { a: 1 }],
    ["nulls inside a new map are dropped", {}, { a: { b: null, c: 1 } }, { a: { c: 1 } }],
    ["a type change takes the patch value", { a: "x" }, { a: { b: 1 } }, { a: { b: 1 } }],
    ["$patch: replace replaces the map", { a: { b: 1, c: 2 } }, { a: { $patch: "replace", d: 3 } }, { a: { d: 3 } }],
    ["$patch: delete empties the map", { a: { b: 1 }, z: 1 }, { a: { $patch: "delete" } }, { a: {}, z: 1 }],
    ["$patch: delete of an absent map adds nothing", { z: 1 }, { a: { $patch: "delete" } }, { z: 1 }],
    ["$patch: merge is the default", { a: { b: 1 } }, { a: { $patch: "merge", c: 2 } }, { a: { b: 1, c: 2 } }],
    ["$retainKeys drops unlisted live keys", { s: { type: "A", a: { x: 1 } } }, { s: { $retainKeys: ["type"], type: "B" } }, { s: { type: "B" } }],
  ])("%s", (_name, original, patch, expected) => {
    expect(applyStrategicMergePatch(original, patch, { group: "", kind: "ConfigMap" })).toEqual(expected);
  });

  it("$retainKeys on a Deployment strategy switches RollingUpdate to Recreate", () => {
    const live = deployment({ containers: [] }, { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } });
    const out = applyStrategicMergePatch(live, { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } }, DEPLOYMENT);
    expect((out.spec as JsonObject).strategy).toEqual({ type: "Recreate" });
  });

  it("rejects a patch key outside $retainKeys with the upstream 400", () => {
    const err = statusErrorOf(() => applyStrategicMergePatch({ s: {} }, { s: { $retainKeys: ["a"], b: 1 } }, DEPLOYMENT));
    expect([err.code, err.reason, err.message]).toEqual([400, "BadRequest", "invalid patch format of retainKeys"]);
  });

  it("rejects an unknown $patch value as the server does (500, raw message)", () => {
    const err = statusErrorOf(() => applyStrategicMergePatch({ a: {} }, { a: { $patch: "bogus", x: 1 } }, DEPLOYMENT));
    expect(err.code).toBe(500);
    expect(err.message).toBe("unknown patch type: bogus in map: map[$patch:bogus x:1]");
  });
});

describe("applyStrategicMergePatch: lists merged by key", () => {
  it("updates a container by name and keeps the others in place", () => {
    const out = applyStrategicMergePatch(twoContainers, templatePatch({ containers: [{ name: "b", image: "b:2" }] }), DEPLOYMENT);
    expect(podSpecOf(out).containers).toEqual([
      { name: "a", image: "a:1", env: [{ name: "X", value: "1" }, { name: "Y", value: "2" }] },
      { name: "b", image: "b:2" },
    ]);
  });

  it("updates an env var by name", () => {
    const patch = templatePatch({ containers: [{ name: "a", env: [{ name: "Y", value: "3" }] }] });
    const out = applyStrategicMergePatch(twoContainers, patch, DEPLOYMENT);
    const a = (podSpecOf(out).containers as JsonObject[])[0] as JsonObject;
    expect(a.env).toEqual([{ name: "X", value: "1" }, { name: "Y", value: "3" }]);
  });

  it("puts a new element first, as upstream's order normalisation does", () => {
    const patch = templatePatch({ containers: [{ name: "a", env: [{ name: "Z", value: "9" }] }] });
    const out = applyStrategicMergePatch(twoContainers, patch, DEPLOYMENT);
    expect(names(((podSpecOf(out).containers as JsonObject[])[0] as JsonObject).env)).toEqual(["Z", "X", "Y"]);
  });

  it("deletes a container with $patch: delete", () => {
    const patch = templatePatch({ containers: [{ name: "a", $patch: "delete" }] });
    expect(podSpecOf(applyStrategicMergePatch(twoContainers, patch, DEPLOYMENT)).containers).toEqual([
      { name: "b", image: "b:1" },
    ]);
  });

  it("replaces the whole list when an element says $patch: replace", () => {
    const patch = templatePatch({ containers: [{ $patch: "replace" }, { name: "z", image: "z:1" }] });
    expect(podSpecOf(applyStrategicMergePatch(twoContainers, patch, DEPLOYMENT)).containers).toEqual([
      { name: "z", image: "z:1" },
    ]);
  });

  it("merges Service ports by port", () => {
    const live = {
      spec: {
        ports: [
          { name: "http", port: 80, targetPort: 8080 },
          { name: "https", port: 443, targetPort: 8443 },
        ],
      },
    };
    const out = applyStrategicMergePatch(live, { spec: { ports: [{ port: 80, targetPort: 9090 }] } }, { group: "", kind: "Service" });
    expect((out.spec as JsonObject).ports).toEqual([
      { name: "http", port: 80, targetPort: 9090 },
      { name: "https", port: 443, targetPort: 8443 },
    ]);
  });

  it.each<[string, string, string, JsonObject, JsonObject, JsonObject]>([
    [
      "ownerReferences by uid",
      "",
      "ConfigMap",
      { metadata: { ownerReferences: [{ uid: "1", name: "a" }, { uid: "2", name: "b" }] } },
      { metadata: { ownerReferences: [{ uid: "2", name: "c" }] } },
      { metadata: { ownerReferences: [{ uid: "1", name: "a" }, { uid: "2", name: "c" }] } },
    ],
    [
      "Pod status.conditions by type",
      "",
      "Pod",
      { status: { conditions: [{ type: "Ready", status: "False" }, { type: "Initialized", status: "True" }] } },
      { status: { conditions: [{ type: "Ready", status: "True" }] } },
      { status: { conditions: [{ type: "Ready", status: "True" }, { type: "Initialized", status: "True" }] } },
    ],
    [
      "Node status.addresses by type",
      "",
      "Node",
      { status: { addresses: [{ type: "InternalIP", address: "10.0.0.1" }, { type: "Hostname", address: "n1" }] } },
      { status: { addresses: [{ type: "Hostname", address: "n2" }] } },
      { status: { addresses: [{ type: "InternalIP", address: "10.0.0.1" }, { type: "Hostname", address: "n2" }] } },
    ],
    [
      "Endpoints subsets replace",
      "",
      "Endpoints",
      { subsets: [{ addresses: [{ ip: "1.1.1.1" }] }] },
      { subsets: [{ addresses: [{ ip: "2.2.2.2" }] }] },
      { subsets: [{ addresses: [{ ip: "2.2.2.2" }] }] },
    ],
    [
      "Pod imagePullSecrets, hostAliases and topologySpreadConstraints by key",
      "",
      "Pod",
      {
        spec: {
          imagePullSecrets: [{ name: "a" }],
          hostAliases: [{ ip: "1.1.1.1", hostnames: ["a"] }],
          topologySpreadConstraints: [{ topologyKey: "zone", maxSkew: 1 }],
        },
      },
      {
        spec: {
          imagePullSecrets: [{ name: "a" }],
          hostAliases: [{ ip: "1.1.1.1", hostnames: ["b"] }],
          topologySpreadConstraints: [{ topologyKey: "zone", maxSkew: 2 }],
        },
      },
      {
        spec: {
          imagePullSecrets: [{ name: "a" }],
          hostAliases: [{ ip: "1.1.1.1", hostnames: ["b"] }],
          topologySpreadConstraints: [{ topologyKey: "zone", maxSkew: 2 }],
        },
      },
    ],
  ])("%s", (_name, group, kind, original, patch, expected) => {
    expect(applyStrategicMergePatch(original, patch, { group, kind })).toEqual(expected);
  });

  it("merges the pod template of a CronJob", () => {
    const live: JsonObject = { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "a", image: "1" }, { name: "b" }] } } } } } };
    const patch = { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "a", image: "2" }] } } } } } };
    const out = applyStrategicMergePatch(live, patch, { group: "batch", kind: "CronJob" });
    expect(JSON.stringify(out)).toContain('"containers":[{"name":"a","image":"2"},{"name":"b"}]');
  });

  it("answers 500 with the upstream message when an element lacks its merge key", () => {
    const err = statusErrorOf(() => applyStrategicMergePatch(twoContainers, templatePatch({ containers: [{ image: "x" }] }), DEPLOYMENT));
    expect([err.code, err.message]).toEqual([500, "map: map[image:x] does not contain declared merge key: name"]);
  });

  it("rejects lists of lists with 422", () => {
    const err = statusErrorOf(() => applyStrategicMergePatch({ metadata: { finalizers: [["a"]] } }, { metadata: { finalizers: [["b"]] } }, DEPLOYMENT));
    expect([err.code, err.reason]).toEqual([422, "Invalid"]);
  });
});

describe("applyStrategicMergePatch: primitive lists", () => {
  const withFinalizers = (finalizers: string[]): JsonObject => ({ metadata: { name: "x", finalizers } });
  const finalizersOf = (obj: JsonObject): JsonValue | undefined => (obj.metadata as JsonObject).finalizers;

  it.each<[string[], JsonObject, string[]]>([
    [["a", "b"], { finalizers: ["b", "c"] }, ["a", "b", "c"]],
    [["a", "b"], { finalizers: ["c"] }, ["c", "a", "b"]],
    [["a", "b"], { finalizers: ["a", "a"] }, ["a", "b"]],
    [["a", "b", "c"], { "$deleteFromPrimitiveList/finalizers": ["b"] }, ["a", "c"]],
    [["a"], { finalizers: ["b"], "$deleteFromPrimitiveList/finalizers": ["a"] }, ["b"]],
  ])("finalizers %j patched with %j are %j (set union)", (live, metaPatch, expected) => {
    const out = applyStrategicMergePatch(withFinalizers(live), { metadata: metaPatch }, { group: "", kind: "Namespace" });
    expect(finalizersOf(out)).toEqual(expected);
  });

  it("reorders with $setElementOrder", () => {
    const patch = { metadata: { "$setElementOrder/finalizers": ["c", "a", "b"], finalizers: ["c"] } };
    expect(finalizersOf(applyStrategicMergePatch(withFinalizers(["a", "b"]), patch, DEPLOYMENT))).toEqual(["c", "a", "b"]);
  });

  it("rejects a malformed deletion directive with 400", () => {
    const err = statusErrorOf(() => applyStrategicMergePatch({}, { $deleteFromPrimitiveList: ["a"] }, DEPLOYMENT));
    expect([err.code, err.message]).toEqual([400, "invalid patch format of primitive list"]);
  });
});

describe("applyStrategicMergePatch: kubectl apply patches", () => {
  it("orders merged containers by $setElementOrder, keeping server-only ones in place", () => {
    const live = deployment({ containers: [{ name: "a" }, { name: "sidecar" }, { name: "b" }] });
    const patch = templatePatch({
      "$setElementOrder/containers": [{ name: "a" }, { name: "b" }, { name: "c" }],
      containers: [{ name: "c", image: "c:1" }],
    });
    const out = applyStrategicMergePatch(live, patch, DEPLOYMENT);
    expect(names(podSpecOf(out).containers)).toEqual(["a", "sidecar", "b", "c"]);
  });

  it("honours a reordering", () => {
    const patch = templatePatch({ "$setElementOrder/containers": [{ name: "b" }, { name: "a" }] });
    expect(names(podSpecOf(applyStrategicMergePatch(twoContainers, patch, DEPLOYMENT)).containers)).toEqual(["b", "a"]);
  });

  it("deletes a container and updates env of another, leaking no directive", () => {
    const patch = templatePatch({
      "$setElementOrder/containers": [{ name: "a" }],
      containers: [
        { name: "a", "$setElementOrder/env": [{ name: "Y" }, { name: "X" }], env: [{ name: "Y", value: "3" }] },
        { name: "b", $patch: "delete" },
      ],
    });
    const out = applyStrategicMergePatch(twoContainers, patch, DEPLOYMENT);
    expect(podSpecOf(out).containers).toEqual([
      { name: "a", image: "a:1", env: [{ name: "Y", value: "3" }, { name: "X", value: "1" }] },
    ]);
    expect(JSON.stringify(out)).not.toContain("$");
  });

  it("adds a list the live object lacks, resolving directives inside it", () => {
    const patch = templatePatch({
      "$setElementOrder/volumes": [{ name: "v1" }],
      volumes: [{ name: "v1", emptyDir: {} }, { name: "gone", $patch: "delete" }],
    });
    expect(podSpecOf(applyStrategicMergePatch(twoContainers, patch, DEPLOYMENT)).volumes).toEqual([{ name: "v1", emptyDir: {} }]);
  });

  it("infers the merge key from $setElementOrder for a list the table does not know", () => {
    const live = { spec: { rules: [{ host: "a", x: 1 }, { host: "b", x: 2 }] } };
    const patch = { spec: { "$setElementOrder/rules": [{ host: "a" }, { host: "b" }], rules: [{ host: "b", x: 3 }] } };
    const out = applyStrategicMergePatch(live, patch, { group: "networking.k8s.io", kind: "Ingress" });
    expect((out.spec as JsonObject).rules).toEqual([{ host: "a", x: 1 }, { host: "b", x: 3 }]);
  });

  it("rejects a patch list out of $setElementOrder order", () => {
    const patch = templatePatch({
      "$setElementOrder/containers": [{ name: "a" }, { name: "b" }],
      containers: [{ name: "b" }, { name: "a" }],
    });
    expect(statusErrorOf(() => applyStrategicMergePatch(twoContainers, patch, DEPLOYMENT)).code).toBe(500);
  });
});

describe("applyStrategicMergePatch: unknown kinds", () => {
  const WIDGET = { group: "example.com", kind: "Widget" };

  it("replaces lists as a JSON merge patch would", () => {
    const live: JsonObject = { spec: { items: [1, 2], things: [{ name: "a", v: 1 }, { name: "b" }] } };
    const out = applyStrategicMergePatch(live, { spec: { items: [3], things: [{ name: "a", v: 2 }] } }, WIDGET);
    expect(out.spec).toEqual({ items: [3], things: [{ name: "a", v: 2 }] });
  });

  it("drops directive elements from replaced lists", () => {
    const out = applyStrategicMergePatch({ spec: { things: [1] } }, { spec: { things: [{ $patch: "replace" }, { a: 1 }] } }, WIDGET);
    expect((out.spec as JsonObject).things).toEqual([{ a: 1 }]);
  });

  it("still merges metadata.finalizers, which every object has", () => {
    const out = applyStrategicMergePatch({ metadata: { finalizers: ["a"] } }, { metadata: { finalizers: ["b"] } }, WIDGET);
    expect((out.metadata as JsonObject).finalizers).toEqual(["b", "a"]);
  });
});

describe("applyStrategicMergePatch: immutability", () => {
  it("mutates neither input and shares no structure with them", () => {
    const original = deepFreeze(structuredClone(twoContainers));
    const patch = deepFreeze(
      templatePatch({
        "$setElementOrder/containers": [{ name: "a" }, { name: "b" }],
        containers: [{ name: "a", env: [{ name: "Y", value: "3" }] }, { name: "b", ports: [{ containerPort: 80 }] }],
      }),
    );
    const out = applyStrategicMergePatch(original, patch, DEPLOYMENT);
    expect(original).toEqual(twoContainers);
    const b = (podSpecOf(out).containers as JsonObject[])[1] as JsonObject;
    (b.ports as JsonObject[]).push({ containerPort: 81 });
    (podSpecOf(out).containers as JsonObject[]).pop();
    expect(JSON.stringify(patch)).toContain('"ports":[{"containerPort":80}]');
    expect(names(podSpecOf(original).containers)).toEqual(["a", "b"]);
  });
});
