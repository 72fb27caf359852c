// CustomResourceDefinitions through kubectl: apply, wait for Established, custom resources
// in two versions, and deleting the CRD takes its resources and its API with it.
import { describe, it } from "vitest";
import { serial, useKubectlCluster } from "../support/kubectl-session.js";

const matrix = [
  { version: "1.16", transport: "http" },
  { version: "1.30", transport: "https" },
] as const;

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; status?: any };
type List = { items: Obj[] };

const schema = { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } } };

function crdV1(group: string, scope: "Namespaced" | "Cluster" = "Namespaced", kind = "Widget", shortName = "wdg") {
  const singular = kind.toLowerCase();
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${singular}s.${group}` },
    spec: {
      group,
      scope,
      names: { plural: `${singular}s`, singular, kind, listKind: `${kind}List`, shortNames: [shortName] },
      versions: [
        { name: "v1", served: true, storage: true, schema },
        { name: "v1beta1", served: true, storage: false, schema },
      ],
    },
  };
}

function crdV1beta1(group: string, scope: "Namespaced" | "Cluster") {
  return {
    apiVersion: "apiextensions.k8s.io/v1beta1",
    kind: "CustomResourceDefinition",
    metadata: { name: `gadgets.${group}` },
    spec: {
      group,
      scope,
      names: { plural: "gadgets", singular: "gadget", kind: "Gadget", shortNames: ["gdg"] },
      version: "v2",
      versions: [
        { name: "v2", served: true, storage: true },
        { name: "v1alpha1", served: true, storage: false },
      ],
      validation: schema,
    },
  };
}

describe.each(matrix)("CRDs through kubectl against $version over $transport", ({ version, transport }) => {
  const { k, kr, getJson, namespace } = useKubectlCluster<Obj>(version, transport);

  it.concurrent("apiextensions v1 CRD with two versions: wait Established, CRs in both versions, delete takes them along", async ({ expect }) => {
    const group = `v1crd${serial()}.lifeboat.test`;
    const crdName = `widgets.${group}`;
    const ns = await namespace("crd-v1");
    expect(await k(["apply", "-f", "-"], JSON.stringify(crdV1(group)))).toContain(`customresourcedefinition.apiextensions.k8s.io/${crdName} created`);
    expect(await k(["wait", "--for", "condition=established", `crd/${crdName}`, "--timeout=20s"])).toContain(`customresourcedefinition.apiextensions.k8s.io/${crdName} condition met`);
    const crd = await getJson(["get", "crd", crdName]);
    expect(crd.status.acceptedNames).toMatchObject({ plural: "widgets", kind: "Widget", shortNames: ["wdg"] });
    expect(crd.status.conditions).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: "NamesAccepted", status: "True" }),
      expect.objectContaining({ type: "Established", status: "True" }),
    ]));

    const [resources, versions] = await Promise.all([k(["api-resources", `--api-group=${group}`, "-o", "name"]), k(["api-versions"])]);
    expect(resources.trim()).toBe(crdName);
    expect(versions.split("\n")).toEqual(expect.arrayContaining([`${group}/v1`, `${group}/v1beta1`]));

    const widget = (name: string, size: number) => ({ apiVersion: `${group}/v1`, kind: "Widget", metadata: { name, namespace: ns, labels: { size: String(size) } }, spec: { size, color: "red" } });
    const created = await k(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [widget("w1", 1), widget("w2", 2)] }));
    expect(created).toContain(`widget.${group}/w1 created`);

    const [asV1, asBeta, byShortName, plural] = await Promise.all([
      getJson([`-n`, ns, "get", `widgets.v1.${group}`, "w1"]),
      getJson([`-n`, ns, "get", `widgets.v1beta1.${group}`, "w1"]),
      k(["-n", ns, "get", "wdg", "-o", "name"]),
      k(["-n", ns, "get", "widgets"]),
    ]);
    expect(asV1.apiVersion).toBe(`${group}/v1`);
    expect(asV1.kind).toBe("Widget");
    expect(asV1.spec).toEqual({ size: 1, color: "red" });
    expect(asBeta.apiVersion).toBe(`${group}/v1beta1`);
    expect(asBeta.spec).toEqual({ size: 1, color: "red" });
    expect(byShortName.trim().split("\n").sort()).toEqual([`widget.${group}/w1`, `widget.${group}/w2`]);
    expect(plural).toMatch(/^NAME\s+AGE$/m);
    expect(plural).toMatch(/^w1\s/m);
    expect(plural).toMatch(/^w2\s/m);

    // Writes through the other version; merge patch and label on a CR; client-side apply
    // on a CR (JSON merge patch, three-way), where a removed field goes.
    await Promise.all([
      k(["apply", "-f", "-"], JSON.stringify({ apiVersion: `${group}/v1beta1`, kind: "Widget", metadata: { name: "w3", namespace: ns }, spec: { size: 3 } })),
      k(["-n", ns, "patch", "widget", "w1", "--type", "merge", "-p", '{"spec":{"color":"blue"}}']).then(() => k(["-n", ns, "label", "widget", "w1", "tier=gold"])),
      k(["apply", "-f", "-"], JSON.stringify({ ...widget("w2", 2), spec: { size: 20 } })),
    ]);
    const [w3, selected, patched, w2] = await Promise.all([
      getJson(["-n", ns, "get", `widgets.v1.${group}`, "w3"]),
      getJson<List>(["-n", ns, "get", "widgets", "-l", "size in (2,3)"]),
      getJson(["-n", ns, "get", "widget", "w1"]),
      getJson(["-n", ns, "get", "widget", "w2"]),
    ]);
    expect(w3.apiVersion).toBe(`${group}/v1`);
    expect(w3.spec).toEqual({ size: 3 });
    expect(selected.items.map((i) => i.metadata.name)).toEqual(["w2"]);
    expect(patched.spec).toEqual({ size: 1, color: "blue" });
    expect(patched.metadata.labels).toEqual({ size: "1", tier: "gold" });
    expect(w2.spec).toEqual({ size: 20 });

    // Deleting the CRD deletes the custom resources and stops serving the resource.
    expect(await k(["delete", "crd", crdName, "--timeout=30s"])).toContain(`customresourcedefinition.apiextensions.k8s.io "${crdName}" deleted`);
    const [gone, goneV, versionsAfter] = await Promise.all([kr(["-n", ns, "get", "widgets"]), kr(["-n", ns, "get", `widgets.v1.${group}`, "w1"]), k(["api-versions"])]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/the server doesn't have a resource type "widgets"|the server could not find the requested resource/);
    expect(goneV.code).not.toBe(0);
    expect(versionsAfter.split("\n")).not.toContain(`${group}/v1`);

    // Re-created, the CRD starts empty.
    await k(["apply", "-f", "-"], JSON.stringify(crdV1(group)));
    await k(["wait", "--for", "condition=established", `crd/${crdName}`, "--timeout=20s"]);
    expect((await getJson<List>(["get", "widgets", "--all-namespaces"])).items).toEqual([]);
    await k(["delete", "crd", crdName]);
  }, 120_000);

  it.concurrent("a cluster-scoped CRD serves its resources without a namespace", async ({ expect }) => {
    // Kind and short name of its own: the tests run side by side, and kubectl resolves
    // "widgets" across all groups.
    const group = `cluster${serial()}.lifeboat.test`;
    const crdName = `sprockets.${group}`;
    await k(["apply", "-f", "-"], JSON.stringify(crdV1(group, "Cluster", "Sprocket", "spr")));
    await k(["wait", "--for=condition=Established", `crd/${crdName}`, "--timeout=20s"]);
    await k(["apply", "-f", "-"], JSON.stringify({ apiVersion: `${group}/v1`, kind: "Sprocket", metadata: { name: "global" }, spec: { size: 9 } }));
    const w = await getJson(["get", "spr", "global"]);
    expect(w.metadata.namespace).toBeUndefined();
    expect(w.spec.size).toBe(9);
    const nsScoped = await k(["api-resources", `--api-group=${group}`, "--namespaced=false", "-o", "name"]);
    expect(nsScoped.trim()).toBe(crdName);
    await k(["delete", "sprocket", "global"]);
    expect((await getJson<List>(["get", "sprockets"])).items).toEqual([]);
    await k(["delete", "crd", crdName]);
  });

  if (version === "1.16") {
    it.concurrent("an apiextensions v1beta1 CRD (1.16) serves both versions and reads back as apiextensions v1", async ({ expect }) => {
      const group = `beta${serial()}.lifeboat.test`;
      const crdName = `gadgets.${group}`;
      const ns = await namespace("crd-v1beta1");
      expect(await k(["apply", "-f", "-"], JSON.stringify(crdV1beta1(group, "Namespaced")))).toContain(`customresourcedefinition.apiextensions.k8s.io/${crdName} created`);
      await k(["wait", "--for", "condition=established", `crd/${crdName}`, "--timeout=20s"]);

      // The same CRD as apiextensions v1: the top-level validation moved into each version.
      const asV1 = await getJson([`get`, `customresourcedefinitions.v1.apiextensions.k8s.io`, crdName]);
      expect(asV1.apiVersion).toBe("apiextensions.k8s.io/v1");
      expect(asV1.spec.validation).toBeUndefined();
      expect(asV1.spec.version).toBeUndefined();
      expect(asV1.spec.versions.map((v: any) => v.name)).toEqual(["v2", "v1alpha1"]);
      for (const v of asV1.spec.versions) expect(v.schema).toEqual(schema);

      await k(["apply", "-f", "-"], JSON.stringify({ apiVersion: `${group}/v2`, kind: "Gadget", metadata: { name: "g1", namespace: ns }, spec: { on: true } }));
      const [v2, v1alpha1, short] = await Promise.all([
        getJson(["-n", ns, "get", `gadgets.v2.${group}`, "g1"]),
        getJson(["-n", ns, "get", `gadgets.v1alpha1.${group}`, "g1"]),
        k(["-n", ns, "get", "gdg", "-o", "name"]),
      ]);
      expect(v2.apiVersion).toBe(`${group}/v2`);
      expect(v1alpha1.apiVersion).toBe(`${group}/v1alpha1`);
      expect(v1alpha1.spec).toEqual({ on: true });
      expect(short.trim()).toBe(`gadget.${group}/g1`);

      await k(["delete", "crd", crdName, "--timeout=30s"]);
      const gone = await kr(["-n", ns, "get", "gadgets"]);
      expect(gone.code).not.toBe(0);
      expect(gone.stderr).toMatch(/the server doesn't have a resource type "gadgets"|the server could not find the requested resource/);
    });
  } else {
    it.concurrent("apiextensions v1beta1 CRDs are not served (1.22+)", async ({ expect }) => {
      const refused = await kr(["apply", "-f", "-"], JSON.stringify(crdV1beta1(`beta${serial()}.lifeboat.test`, "Namespaced")));
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('no matches for kind "CustomResourceDefinition" in version "apiextensions.k8s.io/v1beta1"');
    });
  }
});
