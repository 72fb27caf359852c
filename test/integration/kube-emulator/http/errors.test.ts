// Refused requests client-node cannot send as they are: bodies that do not parse, bodies of
// the wrong group, version or kind, oversized bodies, unknown paths and media types. Each
// answers a metav1.Status and stores nothing.
import { describe, expect, it } from "vitest";
import { personaGrid, useEmulator } from "../support/clusters.js";
import { createNamespace, expectStatus, rawRequest, type RawOptions } from "../support/raw-http.js";

describe.each(personaGrid)("raw errors on %s (tls: %s)", (version, tls) => {
  const cluster = useEmulator({ k8sVersion: version, tls });
  const send = (method: string, path: string, options?: RawOptions) => rawRequest(cluster.emulator, method, path, options);

  const newNamespace = () => createNamespace(cluster.emulator, "raw");
  const configMaps = async (namespace: string): Promise<string[]> => {
    const r = await send("GET", `/api/v1/namespaces/${namespace}/configmaps`);
    expect(r.status).toBe(200);
    expect(r.json.kind).toBe("ConfigMapList");
    // kube-root-ca.crt is the controller manager's (every namespace from 1.20), not the test's.
    return (r.json.items as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name).filter((n) => n !== "kube-root-ca.crt").sort();
  };
  const post = (namespace: string, body: string, contentType = "application/json") =>
    send("POST", `/api/v1/namespaces/${namespace}/configmaps`, { body, contentType });

  it("a well-formed JSON and YAML body is created (control)", async () => {
    const namespace = await newNamespace();
    expect((await post(namespace, JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "json" } }))).status).toBe(201);
    const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml\ndata:\n  k: v\n";
    const r = await post(namespace, yaml, "application/yaml");
    expect(r.status).toBe(201);
    expect(r.json.data).toEqual({ k: "v" });
    expect(await configMaps(namespace)).toEqual(["json", "yaml"]);
  });

  it("malformed JSON body: 400 BadRequest, nothing stored", async () => {
    const namespace = await newNamespace();
    const r = await post(namespace, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}');
    expectStatus(r, 400, "BadRequest");
    expect(await configMaps(namespace)).toEqual([]);
  });

  it("YAML that does not parse: 400 BadRequest, nothing stored", async () => {
    const namespace = await newNamespace();
    const r = await post(namespace, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n  labels: {a: b\n", "application/yaml");
    expectStatus(r, 400, "BadRequest");
    expect(r.json.message).toMatch(/yaml/i);
    expect(await configMaps(namespace)).toEqual([]);
  });

  it("wrong apiVersion in the body: 400 'does not match the expected API version'", async () => {
    const namespace = await newNamespace();
    const r = await post(namespace, JSON.stringify({ apiVersion: "apps/v1", kind: "ConfigMap", metadata: { name: "x" } }));
    expectStatus(r, 400, "BadRequest");
    expect(r.json.message).toBe("the API version in the data (apps/v1) does not match the expected API version (v1)");
    const d = await send("POST", `/apis/apps/v1/namespaces/${namespace}/deployments`, {
      body: JSON.stringify({ apiVersion: "v1", kind: "Deployment", metadata: { name: "x" } }),
      contentType: "application/json",
    });
    expectStatus(d, 400, "BadRequest");
    expect(d.json.message).toContain("does not match the expected API version (apps/v1)");
    expect(await configMaps(namespace)).toEqual([]);
  });

  it("kind mismatch: a Secret posted to configmaps is 400, nothing stored", async () => {
    const namespace = await newNamespace();
    const r = await post(namespace, JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "x" }, stringData: { a: "b" } }));
    expectStatus(r, 400, "BadRequest");
    expect(r.json.message).toContain('Secret in version "v1" cannot be handled as a ConfigMap');
    expect(await configMaps(namespace)).toEqual([]);
    const secrets = await send("GET", `/api/v1/namespaces/${namespace}/secrets`);
    expect(secrets.json.items.filter((s: { metadata: { name: string } }) => s.metadata.name === "x")).toEqual([]);
  });

  it("missing name: 422 'metadata.name: Required value', nothing stored", async () => {
    const namespace = await newNamespace();
    const r = await post(namespace, JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { labels: { a: "b" } } }));
    expectStatus(r, 422, "Invalid");
    expect(r.json.message).toContain("metadata.name: Required value");
    expect(r.json.details.causes[0]).toMatchObject({ reason: "FieldValueRequired", field: "metadata.name" });
    expect(await configMaps(namespace)).toEqual([]);
  });

  it("a body that is not an object (array, string): 400, nothing stored", async () => {
    const namespace = await newNamespace();
    expectStatus(await post(namespace, "[1,2,3]"), 400, "BadRequest");
    expectStatus(await post(namespace, '"configmap"'), 400, "BadRequest");
    expect(await configMaps(namespace)).toEqual([]);
  });

  it("namespace in the body differs from the URL: 400, nothing stored", async () => {
    const namespace = await newNamespace();
    const r = await post(namespace, JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "default" } }));
    expectStatus(r, 400, "BadRequest");
    expect(r.json.message).toContain("does not match the namespace");
    expect(await configMaps(namespace)).toEqual([]);
    expect(await configMaps("default")).not.toContain("x");
  });

  it("create with metadata.resourceVersion set: 500 'resourceVersion should not be set on objects to be created', nothing stored", async () => {
    // The etcd3 store refuses it with a plain error, which the handler answers as a 500 with
    // no reason. Restore tools must strip resourceVersion; a lenient server would hide that.
    const namespace = await newNamespace();
    const r = await post(namespace, JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "restored", resourceVersion: "12345" }, data: { a: "b" } }));
    expect(r.status).toBe(500);
    expect(r.json).toMatchObject({ kind: "Status", status: "Failure", code: 500, message: "resourceVersion should not be set on objects to be created" });
    expect(await configMaps(namespace)).toEqual([]);
    // uid and creationTimestamp from a backup are not errors: the server replaces them.
    const ok = await post(namespace, JSON.stringify({ metadata: { name: "restored", uid: "00000000-0000-0000-0000-000000000001", creationTimestamp: "2020-01-01T00:00:00Z" } }));
    expect(ok.status).toBe(201);
    expect(ok.json.metadata.uid).not.toBe("00000000-0000-0000-0000-000000000001");
    expect(ok.json.metadata.creationTimestamp).not.toBe("2020-01-01T00:00:00Z");
  });

  it("body over 3 MiB: 413 RequestEntityTooLarge, nothing stored", async () => {
    const namespace = await newNamespace();
    const big = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "big" }, data: { blob: "x".repeat(3 * 1024 * 1024 + 1024) } });
    const r = await post(namespace, big);
    expectStatus(r, 413, "RequestEntityTooLarge");
    expect(r.json.message).toContain("3145728");
    expect(await configMaps(namespace)).toEqual([]);
  });

  it("unsupported request body media type: 415", async () => {
    const namespace = await newNamespace();
    const r = await post(namespace, JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "t" } }), "text/plain");
    expectStatus(r, 415, "UnsupportedMediaType");
    expect(r.json.message).toContain("application/json");
    expect(await configMaps(namespace)).toEqual([]);
  });

  it("PATCH with an unsupported content type: 415 listing the patch types, object unchanged", async () => {
    const namespace = await newNamespace();
    const created = await post(namespace, JSON.stringify({ metadata: { name: "p" }, data: { a: "1" } }));
    for (const type of ["application/json", "text/plain", "application/yaml"]) {
      const r = await send("PATCH", `/api/v1/namespaces/${namespace}/configmaps/p`, { body: '{"data":{"a":"2"}}', contentType: type });
      expectStatus(r, 415, "UnsupportedMediaType");
      for (const t of ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"]) {
        expect(r.json.message).toContain(t);
      }
    }
    const read = await send("GET", `/api/v1/namespaces/${namespace}/configmaps/p`);
    expect(read.json.data).toEqual({ a: "1" });
    expect(read.json.metadata.resourceVersion).toBe(created.json.metadata.resourceVersion);
  });

  it("JSON patch that is not valid JSON: 400, object unchanged", async () => {
    const namespace = await newNamespace();
    const created = await post(namespace, JSON.stringify({ metadata: { name: "p" }, data: { a: "1" } }));
    const r = await send("PATCH", `/api/v1/namespaces/${namespace}/configmaps/p`, { body: '[{"op":"replace",', contentType: "application/json-patch+json" });
    expectStatus(r, 400, "BadRequest");
    const m = await send("PATCH", `/api/v1/namespaces/${namespace}/configmaps/p`, { body: "{not json", contentType: "application/merge-patch+json" });
    expectStatus(m, 400, "BadRequest");
    const read = await send("GET", `/api/v1/namespaces/${namespace}/configmaps/p`);
    expect(read.json.data).toEqual({ a: "1" });
    expect(read.json.metadata.resourceVersion).toBe(created.json.metadata.resourceVersion);
  });

  it("unknown resource paths: 404 NotFound Status", async () => {
    const paths = [
      "/api/v1/namespaces/default/frobnicators",
      "/api/v1/frobnicators",
      "/apis/no.such.group/v1/things",
      "/apis/apps/v9/deployments",
      "/apis/no.such.group",
      "/api/v2",
      "/not-an-api",
    ];
    if (version === "1.30") paths.push("/apis/extensions/v1beta1/namespaces/default/ingresses", "/apis/batch/v1beta1/cronjobs");
    if (version === "1.16") paths.push("/apis/networking.k8s.io/v1/ingressclasses", "/apis/policy/v1/poddisruptionbudgets");
    for (const path of paths) {
      const r = await send("GET", path);
      expect({ path, status: r.status }).toEqual({ path, status: 404 });
      expectStatus(r, 404, "NotFound");
      expect(r.json.message).toBe("the server could not find the requested resource");
    }
  });

  it("a cluster-scoped resource under a namespace path: 404", async () => {
    const r = await send("GET", "/api/v1/namespaces/default/nodes");
    expectStatus(r, 404, "NotFound");
  });

  it("unsupported verb on a collection: 405 MethodNotAllowed", async () => {
    const namespace = await newNamespace();
    const r = await send("PUT", `/api/v1/namespaces/${namespace}/configmaps`, { body: "{}", contentType: "application/json" });
    expectStatus(r, 405, "MethodNotAllowed");
  });

  it("dryRun with an unknown value: 400, nothing stored", async () => {
    const namespace = await newNamespace();
    const r = await send("POST", `/api/v1/namespaces/${namespace}/configmaps?dryRun=Yes`, {
      body: JSON.stringify({ metadata: { name: "d" } }),
      contentType: "application/json",
    });
    expectStatus(r, 400, "BadRequest");
    expect(await configMaps(namespace)).toEqual([]);
  });

  it("a bad propagationPolicy on delete: 400 and the object kept", async () => {
    const namespace = await newNamespace();
    await post(namespace, JSON.stringify({ metadata: { name: "keep" } }));
    const r = await send("DELETE", `/api/v1/namespaces/${namespace}/configmaps/keep?propagationPolicy=Sometimes`);
    expectStatus(r, 400, "BadRequest");
    expect(await configMaps(namespace)).toEqual(["keep"]);
  });
});
