// Authentication and authorization at the protocol level: public endpoints, 401 bodies
// (which client-node drops), the insecure-port behaviour of plain HTTP, and viewer 403s.
import { beforeAll, describe, expect, it } from "vitest";
import { personaGrid, useEmulator } from "../support/clusters.js";
import { createNamespace, jsonRequest, watchEvents } from "../support/raw-http.js";

/** The test's own ConfigMaps: kube-root-ca.crt is the controller manager's (every namespace from 1.20). */
const own = (name: string | undefined): boolean => name !== "kube-root-ca.crt";
const unauthorized = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 };

describe.each(personaGrid)("raw auth on %s (tls: %s)", (version, tls) => {
  const cluster = useEmulator({ k8sVersion: version, tls });
  /** Sends `body` as JSON with exactly the Authorization header given (none when null). */
  const send = (method: string, path: string, authorization: string | null, body?: unknown) => jsonRequest(cluster.emulator, method, path, body, { authorization });
  let admin: string;
  let viewer: string;
  let namespace: string;

  beforeAll(async () => {
    admin = `Bearer ${cluster.emulator.token}`;
    viewer = `Bearer ${cluster.emulator.viewerToken}`;
    namespace = await createNamespace(cluster.emulator, "rauth");
    await send("POST", `/api/v1/namespaces/${namespace}/configmaps`, admin, { metadata: { name: "existing" } });
  });

  it("/version, /healthz, /livez and /readyz answer without credentials", async () => {
    const v = await send("GET", "/version", null);
    expect(v.status).toBe(200);
    expect(v.json.minor).toBe(version.split(".")[1]);
    for (const path of ["/healthz", "/livez", "/readyz"]) {
      const h = await send("GET", path, null);
      expect(h.status).toBe(200);
      expect(h.text).toBe("ok");
    }
  });

  it("a wrong bearer token is 401 with an Unauthorized Status, even on /version", async () => {
    for (const path of ["/api", "/apis", "/api/v1", `/api/v1/namespaces/${namespace}/configmaps`, "/openapi/v2", "/version"]) {
      const r = await send("GET", path, "Bearer wrong-token");
      expect({ path, status: r.status }).toEqual({ path, status: 401 });
      expect(r.headers["content-type"]).toMatch(/^application\/json/);
      expect(r.json).toEqual(unauthorized);
    }
    const w = await send("POST", `/api/v1/namespaces/${namespace}/configmaps`, "Bearer wrong-token", { metadata: { name: "intruder" } });
    expect(w.status).toBe(401);
    const list = await send("GET", `/api/v1/namespaces/${namespace}/configmaps`, admin);
    expect(list.json.items.map((i: { metadata: { name: string } }) => i.metadata.name).filter(own)).toEqual(["existing"]);
  });

  it("a non-bearer Authorization header is 401", async () => {
    const basic = `Basic ${Buffer.from("admin:admin").toString("base64")}`;
    const r = await send("GET", `/api/v1/namespaces/${namespace}/configmaps`, basic);
    expect(r.status).toBe(401);
    expect(r.json).toEqual(unauthorized);
  });

  if (tls) {
    it("https without credentials is 401 on everything but the public endpoints", async () => {
      for (const path of ["/api", "/apis", "/apis/apps/v1", `/api/v1/namespaces/${namespace}/configmaps`, "/openapi/v2"]) {
        const r = await send("GET", path, null);
        expect({ path, status: r.status }).toEqual({ path, status: 401 });
        expect(r.json).toEqual(unauthorized);
      }
      const w = await send("POST", `/api/v1/namespaces/${namespace}/configmaps`, null, { metadata: { name: "anon" } });
      expect(w.status).toBe(401);
    });
  } else {
    it("plain http without credentials acts as the admin (insecure port)", async () => {
      const r = await send("GET", `/api/v1/namespaces/${namespace}/configmaps`, null);
      expect(r.status).toBe(200);
      const w = await send("POST", `/api/v1/namespaces/${namespace}/configmaps`, null, { metadata: { name: "insecure" } });
      expect(w.status).toBe(201);
      const d = await send("DELETE", `/api/v1/namespaces/${namespace}/configmaps/insecure`, null);
      expect(d.status).toBe(200);
    });
  }

  it("the viewer reads, lists and watches; writes are 403 Forbidden Status objects", async () => {
    expect((await send("GET", `/api/v1/namespaces/${namespace}/configmaps/existing`, viewer)).status).toBe(200);
    expect((await send("GET", `/api/v1/namespaces/${namespace}/configmaps`, viewer)).status).toBe(200);
    const watch = await send("GET", `/api/v1/namespaces/${namespace}/configmaps?watch=true&timeoutSeconds=1`, viewer);
    expect(watch.status).toBe(200);
    expect(watchEvents(watch).filter((e) => own(e.object.metadata.name)).map((e) => e.type)).toEqual(["ADDED"]);

    const writes: Array<[string, string, unknown, string]> = [
      ["POST", `/api/v1/namespaces/${namespace}/configmaps`, { metadata: { name: "v" } }, "create"],
      ["PUT", `/api/v1/namespaces/${namespace}/configmaps/existing`, { metadata: { name: "existing" }, data: { a: "b" } }, "update"],
      ["DELETE", `/api/v1/namespaces/${namespace}/configmaps/existing`, undefined, "delete"],
      ["DELETE", `/api/v1/namespaces/${namespace}/configmaps`, undefined, "deletecollection"],
    ];
    for (const [method, path, body, verb] of writes) {
      const r = await send(method, path, viewer, body);
      expect({ method, path, status: r.status }).toEqual({ method, path, status: 403 });
      expect(r.json).toMatchObject({ kind: "Status", status: "Failure", reason: "Forbidden", code: 403 });
      expect(r.json.message).toContain(`User "viewer" cannot ${verb} resource "configmaps" in API group "" in the namespace "${namespace}"`);
    }
    const list = await send("GET", `/api/v1/namespaces/${namespace}/configmaps`, admin);
    expect(list.json.items.map((i: { metadata: { name: string; resourceVersion: string } }) => i.metadata.name).filter(own)).toEqual(["existing"]);
  });
});
