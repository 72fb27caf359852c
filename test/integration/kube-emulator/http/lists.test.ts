// The wire shape of lists, single objects and watch events: which carry apiVersion/kind.
// A backup tool that reads lists must not rely on items having a kind, because a real API
// server leaves it out for built-in types (typed lists) and keeps it for custom resources.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueName, useEmulator } from "../support/clusters.js";
import { jsonRequest, watchEvents, type RawReply } from "../support/raw-http.js";

const personas = [
  ["1.16", false],
  ["1.30", true],
] as const;

describe.each(personas)("wire shapes on %s (tls: %s)", (version, tls) => {
  const cluster = useEmulator({ k8sVersion: version, tls });
  /** Sends `body` as JSON with the admin token and the Accept header given. */
  const send = (method: string, path: string, body?: unknown, accept = "application/json") => jsonRequest(cluster.emulator, method, path, body, { accept });
  let namespace: string;

  beforeAll(async () => {
    namespace = uniqueName("wire");
    expect((await send("POST", "/api/v1/namespaces", { metadata: { name: namespace } })).status).toBe(201);
    expect((await send("POST", `/api/v1/namespaces/${namespace}/configmaps`, { metadata: { name: "cm" }, data: { a: "1" } })).status).toBe(201);
    const dep = await send("POST", `/apis/apps/v1/namespaces/${namespace}/deployments`, {
      metadata: { name: "d" },
      spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
    });
    expect(dep.status).toBe(201);
  });

  it("a single GET carries apiVersion and kind", async () => {
    const r = await send("GET", `/api/v1/namespaces/${namespace}/configmaps/cm`);
    expect(r.json).toMatchObject({ apiVersion: "v1", kind: "ConfigMap" });
    const d = await send("GET", `/apis/apps/v1/namespaces/${namespace}/deployments/d`);
    expect(d.json).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment" });
  });

  it("a list of a built-in type carries kind on the list, not on its items", async () => {
    for (const [path, listKind, apiVersion] of [
      [`/api/v1/namespaces/${namespace}/configmaps`, "ConfigMapList", "v1"],
      [`/apis/apps/v1/namespaces/${namespace}/deployments`, "DeploymentList", "apps/v1"],
      ["/api/v1/namespaces", "NamespaceList", "v1"],
    ] as const) {
      const r = await send("GET", path);
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ kind: listKind, apiVersion });
      expect(r.json.metadata.resourceVersion).toMatch(/^\d+$/);
      expect(r.json.items.length).toBeGreaterThan(0);
      for (const item of r.json.items) {
        expect({ path, kind: item.kind, apiVersion: item.apiVersion }).toEqual({ path, kind: undefined, apiVersion: undefined });
      }
    }
  });

  it("watch events carry apiVersion and kind on every object", async () => {
    const r = await send("GET", `/api/v1/namespaces/${namespace}/configmaps?watch=true&timeoutSeconds=1`);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^application\/json/);
    // kube-root-ca.crt is the controller manager's (every namespace from 1.20), not the test's.
    const events = watchEvents(r).filter((e) => e.object.metadata.name !== "kube-root-ca.crt");
    expect(events.map((e) => e.type)).toEqual(["ADDED"]);
    expect(events[0]!.object).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } });
  });

  it("metadata.selfLink is set up to 1.19 (RemoveSelfLink off) and absent from 1.20 on", async () => {
    const one = await send("GET", `/api/v1/namespaces/${namespace}/configmaps/cm`);
    const list = await send("GET", `/api/v1/namespaces/${namespace}/configmaps`);
    if (version === "1.16") {
      expect(one.json.metadata.selfLink).toBe(`/api/v1/namespaces/${namespace}/configmaps/cm`);
      expect(list.json.metadata.selfLink).toBe(`/api/v1/namespaces/${namespace}/configmaps`);
    } else {
      expect(one.json.metadata.selfLink).toBeUndefined();
      expect(list.json.metadata.selfLink).toBeUndefined();
    }
  });

  it("a Table Accept is declined with a plain JSON list (kubectl falls back)", async () => {
    const accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    const r = await send("GET", `/api/v1/namespaces/${namespace}/configmaps`, undefined, accept);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.json.kind).toBe("ConfigMapList");
  });

  it("a list of custom resources keeps apiVersion and kind on its items", async () => {
    const group = `w${randomBytes(3).toString("hex")}.example.com`;
    const crd = await send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `gadgets.${group}` },
      spec: {
        group,
        scope: "Namespaced",
        names: { plural: "gadgets", singular: "gadget", kind: "Gadget", listKind: "GadgetList" },
        versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
      },
    });
    expect(crd.status).toBe(201);
    let created: RawReply | undefined;
    for (let i = 0; i < 100; i++) {
      created = await send("POST", `/apis/${group}/v1/namespaces/${namespace}/gadgets`, { apiVersion: `${group}/v1`, kind: "Gadget", metadata: { name: "g" } });
      if (created.status !== 404) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(created?.status).toBe(201);
    const list = await send("GET", `/apis/${group}/v1/namespaces/${namespace}/gadgets`);
    expect(list.json).toMatchObject({ apiVersion: `${group}/v1`, kind: "GadgetList" });
    expect(list.json.items.map((i: Record<string, unknown>) => [i.apiVersion, i.kind])).toEqual([[`${group}/v1`, "Gadget"]]);
  });
});
