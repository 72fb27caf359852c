// Failures as metav1.Status objects, seen through client-node's ApiException: code, reason,
// message and details, and nothing stored after a refused write.
import { PatchStrategy, setHeaderOptions, type V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { statusFailure, useClientNode } from "../support/client-node.js";
import { personaGrid } from "../support/clusters.js";

describe.each(personaGrid)("errors on %s (tls: %s)", (version, tls) => {
  const k = useClientNode({ k8sVersion: version, tls }, "err");
  // kube-root-ca.crt is the controller manager's (every namespace from 1.20), not the test's.
  const configMapNames = async (namespace: string) =>
    (await k.core.listNamespacedConfigMap({ namespace })).items.map((c) => c.metadata?.name).filter((n) => n !== "kube-root-ca.crt").sort();

  it("NotFound: 404 with name and kind in details", async () => {
    const namespace = await k.namespace();
    const f = await statusFailure(k.core.readNamespacedConfigMap({ name: "missing", namespace }));
    expect(f.code).toBe(404);
    expect(f.status.reason).toBe("NotFound");
    expect(f.status.message).toBe('configmaps "missing" not found');
    expect(f.status.details).toMatchObject({ name: "missing", kind: "configmaps" });

    const d = await statusFailure(k.apps.readNamespacedDeployment({ name: "missing", namespace }));
    expect(d.status.message).toBe('deployments.apps "missing" not found');
    expect(d.status.details).toMatchObject({ name: "missing", group: "apps", kind: "deployments" });

    const del = await statusFailure(k.core.deleteNamespacedConfigMap({ name: "missing", namespace }));
    expect(del.code).toBe(404);
  });

  it("NotFound: create in a namespace that does not exist", async () => {
    const f = await statusFailure(k.core.createNamespacedConfigMap({ namespace: "no-such-namespace", body: { metadata: { name: "x" } } }));
    expect(f.code).toBe(404);
    expect(f.status.reason).toBe("NotFound");
    expect(f.status.message).toBe('namespaces "no-such-namespace" not found');
  });

  it("AlreadyExists: 409 and the first object untouched", async () => {
    const namespace = await k.namespace();
    const first = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "dup" }, data: { v: "1" } } });
    const f = await statusFailure(k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "dup" }, data: { v: "2" } } }));
    expect(f.code).toBe(409);
    expect(f.status.reason).toBe("AlreadyExists");
    expect(f.status.message).toBe('configmaps "dup" already exists');
    expect(f.status.details).toMatchObject({ name: "dup", kind: "configmaps" });
    const read = await k.core.readNamespacedConfigMap({ name: "dup", namespace });
    expect(read.data).toEqual({ v: "1" });
    expect(read.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
  });

  it("Conflict: replace with a stale resourceVersion is refused", async () => {
    const namespace = await k.namespace();
    const v1 = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "c" }, data: { v: "1" } } });
    const v2 = await k.core.replaceNamespacedConfigMap({ name: "c", namespace, body: { ...v1, data: { v: "2" } } });
    const f = await statusFailure(k.core.replaceNamespacedConfigMap({ name: "c", namespace, body: { ...v1, data: { v: "3" } } }));
    expect(f.code).toBe(409);
    expect(f.status.reason).toBe("Conflict");
    expect(f.status.message).toBe(
      'Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(f.status.details).toMatchObject({ name: "c", kind: "configmaps" });
    const read = await k.core.readNamespacedConfigMap({ name: "c", namespace });
    expect(read.data).toEqual({ v: "2" });
    expect(read.metadata?.resourceVersion).toBe(v2.metadata?.resourceVersion);
  });

  it("Invalid: a pod container without image names spec.containers[0].image", async () => {
    const namespace = await k.namespace();
    const f = await statusFailure(
      k.core.createNamespacedPod({ namespace, body: { metadata: { name: "p" }, spec: { containers: [{ name: "c" }] } } as never }),
    );
    expect(f.code).toBe(422);
    expect(f.status.reason).toBe("Invalid");
    expect(f.status.message).toContain('Pod "p" is invalid');
    expect(f.status.message).toContain("spec.containers[0].image: Required value");
    expect(f.status.details).toMatchObject({ name: "p", kind: "Pod" });
    expect(f.status.details?.causes).toEqual(expect.arrayContaining([expect.objectContaining({ reason: "FieldValueRequired", field: "spec.containers[0].image" })]));
    expect((await k.core.listNamespacedPod({ namespace })).items).toHaveLength(0);
  });

  it("Invalid: a deployment whose selector does not match its template labels", async () => {
    const namespace = await k.namespace();
    const body: V1Deployment = {
      metadata: { name: "d" },
      spec: {
        selector: { matchLabels: { app: "a" } },
        template: { metadata: { labels: { app: "b" } }, spec: { containers: [{ name: "c", image: "nginx" }] } },
      },
    };
    const f = await statusFailure(k.apps.createNamespacedDeployment({ namespace, body }));
    expect(f.code).toBe(422);
    expect(f.status.reason).toBe("Invalid");
    expect(f.status.message).toContain('Deployment.apps "d" is invalid');
    expect(f.status.message).toContain("spec.template.metadata.labels");
    expect(f.status.details).toMatchObject({ name: "d", group: "apps", kind: "Deployment" });
    expect((await k.apps.listNamespacedDeployment({ namespace })).items).toHaveLength(0);
  });

  it("Invalid: a deployment container without image names spec.template.spec.containers[0].image", async () => {
    const namespace = await k.namespace();
    const body = {
      metadata: { name: "noimg" },
      spec: { selector: { matchLabels: { app: "a" } }, template: { metadata: { labels: { app: "a" } }, spec: { containers: [{ name: "c" }] } } },
    } as unknown as V1Deployment;
    const f = await statusFailure(k.apps.createNamespacedDeployment({ namespace, body }));
    expect(f.code).toBe(422);
    expect(f.status.message).toContain("spec.template.spec.containers[0].image: Required value");
    expect((await k.apps.listNamespacedDeployment({ namespace })).items).toHaveLength(0);
  });

  it("Invalid: a name that is not a DNS subdomain", async () => {
    const namespace = await k.namespace();
    const f = await statusFailure(k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "Not_Valid" } } }));
    expect(f.code).toBe(422);
    expect(f.status.reason).toBe("Invalid");
    expect(f.status.message).toContain('ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid"');
    expect(f.status.details?.causes?.[0]).toMatchObject({ reason: "FieldValueInvalid", field: "metadata.name" });
    expect(await configMapNames(namespace)).toEqual([]);
  });

  it("missing name: 422 metadata.name: Required value", async () => {
    const namespace = await k.namespace();
    const f = await statusFailure(k.core.createNamespacedConfigMap({ namespace, body: { metadata: {}, data: { a: "b" } } }));
    expect(f.code).toBe(422);
    expect(f.status.reason).toBe("Invalid");
    expect(f.status.message).toBe('ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
    expect(f.status.details?.causes?.[0]).toMatchObject({ reason: "FieldValueRequired", field: "metadata.name" });
    expect(await configMapNames(namespace)).toEqual([]);
  });

  it("replace with a name that differs from the URL: 400", async () => {
    const namespace = await k.namespace();
    const cm = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "one" }, data: { a: "1" } } });
    const f = await statusFailure(k.core.replaceNamespacedConfigMap({ name: "one", namespace, body: { ...cm, metadata: { ...cm.metadata, name: "two" }, data: { a: "2" } } }));
    expect(f.code).toBe(400);
    expect(f.status.reason).toBe("BadRequest");
    expect(f.status.message).toContain("does not match the name on the URL");
    expect(await configMapNames(namespace)).toEqual(["one"]);
    expect((await k.core.readNamespacedConfigMap({ name: "one", namespace })).data).toEqual({ a: "1" });
  });

  it("bad label selector `a in (`: 400", async () => {
    const namespace = await k.namespace();
    const f = await statusFailure(k.core.listNamespacedConfigMap({ namespace, labelSelector: "a in (" }));
    expect(f.code).toBe(400);
    expect(f.status.reason).toBe("BadRequest");
    expect(f.status.message).toMatch(/unable to parse requirement|found '', expected/);
  });

  it("unsupported field selector: 400 naming the field", async () => {
    const namespace = await k.namespace();
    const f = await statusFailure(k.core.listNamespacedConfigMap({ namespace, fieldSelector: "spec.nodeName=node-1" }));
    expect(f.code).toBe(400);
    expect(f.status.reason).toBe("BadRequest");
    expect(f.status.message).toContain("spec.nodeName");
    const g = await statusFailure(k.core.listNamespacedSecret({ namespace, fieldSelector: "data.password=x" }));
    expect(g.code).toBe(400);
    expect(g.status.message).toContain("data.password");
  });

  it("JSON patch: malformed document 400, failing operation 422, object unchanged", async () => {
    const namespace = await k.namespace();
    const cm = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "p" }, data: { a: "1" } } });
    const jsonPatch = setHeaderOptions("Content-Type", PatchStrategy.JsonPatch);

    const notArray = await statusFailure(k.core.patchNamespacedConfigMap({ name: "p", namespace, body: { op: "replace", path: "/data/a", value: "2" } }, jsonPatch));
    expect(notArray.code).toBe(400);
    expect(notArray.status.reason).toBe("BadRequest");

    const badOp = await statusFailure(k.core.patchNamespacedConfigMap({ name: "p", namespace, body: [{ op: "frobnicate", path: "/data/a" }] }, jsonPatch));
    expect([400, 422]).toContain(badOp.code);

    const missing = await statusFailure(k.core.patchNamespacedConfigMap({ name: "p", namespace, body: [{ op: "replace", path: "/data/nope/deeper", value: "x" }] }, jsonPatch));
    expect(missing.code).toBe(422);
    expect(missing.status.reason).toBe("Invalid");

    const test = await statusFailure(
      k.core.patchNamespacedConfigMap({ name: "p", namespace, body: [{ op: "test", path: "/data/a", value: "9" }, { op: "replace", path: "/data/a", value: "2" }] }, jsonPatch),
    );
    expect(test.code).toBe(422);
    expect(test.status.reason).toBe("Invalid");
    // The apiserver answers patch application errors with a generic message and the
    // library's error as the cause (NewGenericServerResponse).
    expect(test.status.message).toBe("the server rejected our request due to an error in our request");
    expect(test.status.details?.causes?.[0]?.message).toMatch(/test failed/);

    const read = await k.core.readNamespacedConfigMap({ name: "p", namespace });
    expect(read.data).toEqual({ a: "1" });
    expect(read.metadata?.resourceVersion).toBe(cm.metadata?.resourceVersion);
  });

  it("patch with an unsupported content type: 415, object unchanged", async () => {
    const namespace = await k.namespace();
    const cm = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "p" }, data: { a: "1" } } });
    const f = await statusFailure(k.core.patchNamespacedConfigMap({ name: "p", namespace, body: { data: { a: "2" } } }, setHeaderOptions("Content-Type", "application/json")));
    expect(f.code).toBe(415);
    expect(f.status.reason).toBe("UnsupportedMediaType");
    expect(f.status.message).toContain("application/merge-patch+json");
    expect(f.status.message).toContain("application/strategic-merge-patch+json");
    const read = await k.core.readNamespacedConfigMap({ name: "p", namespace });
    expect(read.data).toEqual({ a: "1" });
    expect(read.metadata?.resourceVersion).toBe(cm.metadata?.resourceVersion);
  });

  it("patch of an object that does not exist: 404 and nothing created", async () => {
    const namespace = await k.namespace();
    const f = await statusFailure(k.core.patchNamespacedConfigMap({ name: "ghost", namespace, body: { data: { a: "2" } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch)));
    expect(f.code).toBe(404);
    expect(f.status.reason).toBe("NotFound");
    expect(await configMapNames(namespace)).toEqual([]);
  });

  it("delete with a stale resourceVersion precondition: 409 and the object kept", async () => {
    const namespace = await k.namespace();
    const cm = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "pre" }, data: { a: "1" } } });
    await k.core.replaceNamespacedConfigMap({ name: "pre", namespace, body: { ...cm, data: { a: "2" } } });
    const f = await statusFailure(k.core.deleteNamespacedConfigMap({ name: "pre", namespace, body: { preconditions: { resourceVersion: cm.metadata!.resourceVersion! } } }));
    expect(f.code).toBe(409);
    expect(f.status.reason).toBe("Conflict");
    expect(f.status.message).toContain("Precondition failed");
    expect(await configMapNames(namespace)).toEqual(["pre"]);
  });

  it("dryRun=All: create answers the object but stores nothing", async () => {
    const namespace = await k.namespace();
    const dry = await k.core.createNamespacedConfigMap({ namespace, dryRun: "All", body: { metadata: { name: "dry" }, data: { a: "1" } } });
    expect(dry.metadata?.name).toBe("dry");
    expect(await configMapNames(namespace)).toEqual([]);
    const bad = await statusFailure(k.core.createNamespacedConfigMap({ namespace, dryRun: "Some", body: { metadata: { name: "dry" } } }));
    expect(bad.code).toBe(400);
  });
});
