// CustomResourceDefinitions through client-node: registration and discovery, custom
// resources in two versions, status and scale subresources, and cleanup on CRD delete.
import { randomBytes } from "node:crypto";
import { ApiException, ApisApi, PatchStrategy, setHeaderOptions, Watch, type V1CustomResourceDefinition } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { apiFailure, useClientNode } from "../support/client-node.js";
import { personaGrid } from "../support/clusters.js";
import { eventually } from "../support/eventually.js";

type Obj = Record<string, any>;
function widgetCrd(group: string): V1CustomResourceDefinition {
  const schema = { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } };
  const subresources = { status: {}, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".status.selector" } };
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList", shortNames: ["wd"] },
      versions: [
        { name: "v1", served: true, storage: false, schema, subresources },
        { name: "v2", served: true, storage: true, schema, subresources },
      ],
    },
  };
}

describe.each(personaGrid)("CRDs on %s (tls: %s)", (version, tls) => {
  const k = useClientNode({ k8sVersion: version, tls }, "crd");
  /** Creates the CRD in a fresh group and waits for Established. */
  const established = async (): Promise<{ group: string; crd: V1CustomResourceDefinition }> => {
    const group = `g${randomBytes(3).toString("hex")}.example.com`;
    await k.ext.createCustomResourceDefinition({ body: widgetCrd(group) });
    const crd = await eventually("CRD to be Established", async () => {
      const c = await k.ext.readCustomResourceDefinition({ name: `widgets.${group}` });
      const cond = (type: string) => c.status?.conditions?.find((x) => x.type === type)?.status;
      return cond("Established") === "True" && cond("NamesAccepted") === "True" ? c : undefined;
    });
    return { group, crd };
  };
  const widget = (apiVersion: string, name: string, extra: Obj = {}) => ({ apiVersion, kind: "Widget", metadata: { name }, spec: { replicas: 1, color: "blue" }, ...extra });

  it("a CRD becomes Established, gets the cleanup finalizer and accepted names", async () => {
    const { crd } = await established();
    expect(crd.metadata?.finalizers).toContain("customresourcecleanup.apiextensions.k8s.io");
    expect(crd.status?.acceptedNames).toMatchObject({ plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList", shortNames: ["wd"] });
    expect(crd.status?.storedVersions).toEqual(["v2"]);
  });

  it("discovery lists the group under /apis with v2 preferred, and the resource with its subresources", async () => {
    const { group } = await established();
    const groups = await k.kc.makeApiClient(ApisApi).getAPIVersions();
    const g = groups.groups.find((x) => x.name === group);
    expect(g).toBeDefined();
    expect(g!.versions.map((v) => v.version).sort()).toEqual(["v1", "v2"]);
    expect(g!.preferredVersion?.version).toBe("v2");
    for (const v of ["v1", "v2"]) {
      const list = await k.custom.getAPIResources({ group, version: v });
      expect(list.groupVersion).toBe(`${group}/${v}`);
      const names = list.resources.map((r) => r.name);
      expect(names).toEqual(expect.arrayContaining(["widgets", "widgets/status", "widgets/scale"]));
      const main = list.resources.find((r) => r.name === "widgets")!;
      expect(main).toMatchObject({ kind: "Widget", namespaced: true, singularName: "widget", shortNames: ["wd"] });
      expect(main.verbs).toEqual(expect.arrayContaining(["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]));
    }
  });

  it("a custom resource created in v1 reads in v2 with the same uid and resourceVersion", async () => {
    const { group } = await established();
    const namespace = await k.namespace();
    const created = (await k.custom.createNamespacedCustomObject({ group, version: "v1", namespace, plural: "widgets", body: widget(`${group}/v1`, "w1") })) as Obj;
    expect(created.apiVersion).toBe(`${group}/v1`);
    expect(created.metadata.generation).toBe(1);
    const v2 = (await k.custom.getNamespacedCustomObject({ group, version: "v2", namespace, plural: "widgets", name: "w1" })) as Obj;
    expect(v2.apiVersion).toBe(`${group}/v2`);
    expect(v2.kind).toBe("Widget");
    expect(v2.metadata.uid).toBe(created.metadata.uid);
    expect(v2.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(v2.spec).toEqual({ replicas: 1, color: "blue" });
    const listV2 = (await k.custom.listNamespacedCustomObject({ group, version: "v2", namespace, plural: "widgets" })) as Obj;
    expect(listV2.kind).toBe("WidgetList");
    expect(listV2.items.map((i: Obj) => i.apiVersion)).toEqual([`${group}/v2`]);
  });

  it("custom resources: AlreadyExists, NotFound, wrong apiVersion", async () => {
    const { group } = await established();
    const namespace = await k.namespace();
    await k.custom.createNamespacedCustomObject({ group, version: "v2", namespace, plural: "widgets", body: widget(`${group}/v2`, "w") });
    const dup = await apiFailure(k.custom.createNamespacedCustomObject({ group, version: "v2", namespace, plural: "widgets", body: widget(`${group}/v2`, "w") }));
    expect(dup.code).toBe(409);
    expect(dup.status.reason).toBe("AlreadyExists");
    expect(dup.status.message).toBe(`widgets.${group} "w" already exists`);
    const nf = await apiFailure(k.custom.getNamespacedCustomObject({ group, version: "v2", namespace, plural: "widgets", name: "nope" }));
    expect(nf.code).toBe(404);
    expect(nf.status.message).toBe(`widgets.${group} "nope" not found`);
    const wrong = await apiFailure(k.custom.createNamespacedCustomObject({ group, version: "v2", namespace, plural: "widgets", body: widget(`${group}/v1`, "x") }));
    expect(wrong.code).toBe(400);
    expect(wrong.status.message).toContain("does not match the expected API version");
    const list = (await k.custom.listNamespacedCustomObject({ group, version: "v2", namespace, plural: "widgets" })) as Obj;
    expect(list.items.map((i: Obj) => i.metadata.name)).toEqual(["w"]);
  });

  it("status subresource: the main resource ignores status, /status changes only status", async () => {
    const { group } = await established();
    const namespace = await k.namespace();
    const created = (await k.custom.createNamespacedCustomObject({
      group,
      version: "v2",
      namespace,
      plural: "widgets",
      body: widget(`${group}/v2`, "s", { status: { replicas: 5 } }),
    })) as Obj;
    expect(created.status).toBeUndefined();

    const withStatus = { ...created, spec: { replicas: 9, color: "red" }, status: { replicas: 1, selector: "app=s" } };
    const afterStatus = (await k.custom.replaceNamespacedCustomObjectStatus({ group, version: "v2", namespace, plural: "widgets", name: "s", body: withStatus })) as Obj;
    expect(afterStatus.status).toEqual({ replicas: 1, selector: "app=s" });
    expect(afterStatus.spec).toEqual({ replicas: 1, color: "blue" });
    expect(afterStatus.metadata.generation).toBe(1);

    const current = (await k.custom.getNamespacedCustomObject({ group, version: "v2", namespace, plural: "widgets", name: "s" })) as Obj;
    const withSpec = { ...current, spec: { replicas: 2, color: "green" }, status: { replicas: 99 } };
    const afterSpec = (await k.custom.replaceNamespacedCustomObject({ group, version: "v2", namespace, plural: "widgets", name: "s", body: withSpec })) as Obj;
    expect(afterSpec.spec).toEqual({ replicas: 2, color: "green" });
    expect(afterSpec.status).toEqual({ replicas: 1, selector: "app=s" });
    expect(afterSpec.metadata.generation).toBe(2);
  });

  it("scale subresource on a custom resource reads and writes spec.replicas", async () => {
    const { group } = await established();
    const namespace = await k.namespace();
    const created = (await k.custom.createNamespacedCustomObject({ group, version: "v1", namespace, plural: "widgets", body: widget(`${group}/v1`, "sc") })) as Obj;
    await k.custom.replaceNamespacedCustomObjectStatus({
      group,
      version: "v1",
      namespace,
      plural: "widgets",
      name: "sc",
      body: { ...created, status: { replicas: 1, selector: "app=sc" } },
    });
    const scale = (await k.custom.getNamespacedCustomObjectScale({ group, version: "v1", namespace, plural: "widgets", name: "sc" })) as Obj;
    expect(scale.apiVersion).toBe("autoscaling/v1");
    expect(scale.kind).toBe("Scale");
    expect(scale.metadata.name).toBe("sc");
    expect(scale.spec.replicas).toBe(1);
    expect(scale.status).toMatchObject({ replicas: 1, selector: "app=sc" });

    const updated = (await k.custom.replaceNamespacedCustomObjectScale({
      group,
      version: "v1",
      namespace,
      plural: "widgets",
      name: "sc",
      body: { ...scale, spec: { replicas: 4 } },
    })) as Obj;
    expect(updated.spec.replicas).toBe(4);
    const cr = (await k.custom.getNamespacedCustomObject({ group, version: "v2", namespace, plural: "widgets", name: "sc" })) as Obj;
    expect(cr.spec).toEqual({ replicas: 4, color: "blue" });
  });

  it("patching a custom resource: merge and JSON patch work, strategic merge is 415 and changes nothing", async () => {
    const { group } = await established();
    const namespace = await k.namespace();
    await k.custom.createNamespacedCustomObject({ group, version: "v2", namespace, plural: "widgets", body: widget(`${group}/v2`, "p") });
    const merged = (await k.custom.patchNamespacedCustomObject(
      { group, version: "v2", namespace, plural: "widgets", name: "p", body: { spec: { color: "red" } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )) as Obj;
    expect(merged.spec).toEqual({ replicas: 1, color: "red" });
    const patched = (await k.custom.patchNamespacedCustomObject(
      { group, version: "v2", namespace, plural: "widgets", name: "p", body: [{ op: "replace", path: "/spec/replicas", value: 3 }] },
      setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
    )) as Obj;
    expect(patched.spec).toEqual({ replicas: 3, color: "red" });

    const f = await apiFailure(
      k.custom.patchNamespacedCustomObject(
        { group, version: "v2", namespace, plural: "widgets", name: "p", body: { spec: { color: "green" } } },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(f.code).toBe(415);
    expect(f.status.reason).toBe("UnsupportedMediaType");
    expect(f.status.message).not.toContain("strategic-merge-patch");
    expect(f.status.message).toContain("application/merge-patch+json");
    const read = (await k.custom.getNamespacedCustomObject({ group, version: "v2", namespace, plural: "widgets", name: "p" })) as Obj;
    expect(read.spec).toEqual({ replicas: 3, color: "red" });
    expect(read.metadata.resourceVersion).toBe(patched.metadata.resourceVersion);
  });

  it("a watch on a custom resource in one version sees writes made in the other", async () => {
    const { group } = await established();
    const namespace = await k.namespace();
    const list = (await k.custom.listNamespacedCustomObject({ group, version: "v1", namespace, plural: "widgets" })) as Obj;
    const events: Array<[string, string, string]> = [];
    const controller = await new Watch(k.kc).watch(
      `/apis/${group}/v1/namespaces/${namespace}/widgets`,
      { resourceVersion: list.metadata.resourceVersion },
      (type, obj: Obj) => events.push([type, obj.apiVersion, obj.metadata.name]),
      () => {},
    );
    try {
      await k.custom.createNamespacedCustomObject({ group, version: "v2", namespace, plural: "widgets", body: widget(`${group}/v2`, "w") });
      await k.custom.deleteNamespacedCustomObject({ group, version: "v2", namespace, plural: "widgets", name: "w" });
      await eventually("DELETED", async () => (events.length >= 2 ? true : undefined));
      expect(events).toEqual([
        ["ADDED", `${group}/v1`, "w"],
        ["DELETED", `${group}/v1`, "w"],
      ]);
    } finally {
      controller.abort();
    }
  });

  it("deleting the CRD deletes its custom resources, then the resource path is 404 and the group leaves discovery", async () => {
    const { group } = await established();
    const ns1 = await k.namespace();
    const ns2 = await k.namespace();
    for (const [ns, name] of [
      [ns1, "a"],
      [ns1, "b"],
      [ns2, "c"],
    ] as const) {
      await k.custom.createNamespacedCustomObject({ group, version: "v2", namespace: ns, plural: "widgets", body: widget(`${group}/v2`, name) });
    }
    expect(((await k.custom.listClusterCustomObject({ group, version: "v2", plural: "widgets" })) as Obj).items).toHaveLength(3);

    await k.ext.deleteCustomResourceDefinition({ name: `widgets.${group}` });
    await eventually("CRD to be gone", async () => {
      try {
        await k.ext.readCustomResourceDefinition({ name: `widgets.${group}` });
        return undefined;
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return true;
        throw err;
      }
    });
    const list = await apiFailure(k.custom.listNamespacedCustomObject({ group, version: "v2", namespace: ns1, plural: "widgets" }));
    expect(list.code).toBe(404);
    const get = await apiFailure(k.custom.getNamespacedCustomObject({ group, version: "v1", namespace: ns2, plural: "widgets", name: "c" }));
    expect(get.code).toBe(404);
    const groups = await k.kc.makeApiClient(ApisApi).getAPIVersions();
    expect(groups.groups.map((g) => g.name)).not.toContain(group);

    // Recreating the CRD does not bring the old objects back.
    await k.ext.createCustomResourceDefinition({ body: widgetCrd(group) });
    const fresh = (await eventually("CRD to be served again", async () => {
      try {
        return await k.custom.listClusterCustomObject({ group, version: "v2", plural: "widgets" });
      } catch {
        return undefined;
      }
    })) as Obj;
    expect(fresh.items).toEqual([]);
  });

  it("a CRD whose storage flags are not exactly one is 422 and not registered", async () => {
    const group = `bad${randomBytes(3).toString("hex")}.example.com`;
    const crd = widgetCrd(group);
    crd.spec.versions = crd.spec.versions.map((v) => ({ ...v, storage: true }));
    const f = await apiFailure(k.ext.createCustomResourceDefinition({ body: crd }));
    expect(f.code).toBe(422);
    expect(f.status.reason).toBe("Invalid");
    expect(f.status.message).toContain("spec.versions");
    const all = await k.ext.listCustomResourceDefinition();
    expect(all.items.map((c) => c.metadata?.name)).not.toContain(`widgets.${group}`);
  });
});
