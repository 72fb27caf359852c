// PATCH in its four content types, and the status and scale subresources, through client-node.
import { PatchStrategy, setHeaderOptions, type V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { apiFailure, useClientNode } from "../support/client-node.js";
import { apiControllers, personaGrid } from "../support/clusters.js";

const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const jsonPatch = setHeaderOptions("Content-Type", PatchStrategy.JsonPatch);
const strategic = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);
const apply = setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply);

const twoContainers = (name: string): V1Deployment => ({
  metadata: { name, labels: { app: name } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [
          {
            name: "web",
            image: "nginx:1.25",
            env: [
              { name: "MODE", value: "prod" },
              { name: "LEVEL", value: "info" },
            ],
            ports: [{ containerPort: 80, name: "http" }],
          },
          { name: "sidecar", image: "busybox:1.36", command: ["sleep", "3600"] },
        ],
      },
    },
  },
});

describe.each(personaGrid)("patch on %s (tls: %s)", (version, tls) => {
  const k = useClientNode({ k8sVersion: version, tls, controllers: apiControllers }, "patch");

  it("merge patch: adds, replaces and removes (null) keys", async () => {
    const namespace = await k.namespace();
    const created = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "m", labels: { keep: "1", drop: "1" } }, data: { a: "1", b: "2" } } });
    const patched = await k.core.patchNamespacedConfigMap({ name: "m", namespace, body: { metadata: { labels: { drop: null, added: "yes" } }, data: { a: "10", b: null, c: "3" } } }, merge);
    expect(patched.data).toEqual({ a: "10", c: "3" });
    expect(patched.metadata?.labels).toEqual({ keep: "1", added: "yes" });
    expect(patched.metadata?.uid).toBe(created.metadata?.uid);
    expect(Number(patched.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    expect((await k.core.readNamespacedConfigMap({ name: "m", namespace })).data).toEqual({ a: "10", c: "3" });
  });

  it("merge patch replaces lists wholesale", async () => {
    const namespace = await k.namespace();
    await k.apps.createNamespacedDeployment({ namespace, body: twoContainers("mp") });
    const patched = await k.apps.patchNamespacedDeployment(
      { name: "mp", namespace, body: { spec: { template: { spec: { containers: [{ name: "only", image: "redis:7" }] } } } } },
      merge,
    );
    expect(patched.spec?.template.spec?.containers.map((c) => c.name)).toEqual(["only"]);
  });

  it("JSON patch: add, replace, remove and a passing test op", async () => {
    const namespace = await k.namespace();
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "j" }, data: { a: "1", b: "2" } } });
    const patched = await k.core.patchNamespacedConfigMap(
      {
        name: "j",
        namespace,
        body: [
          { op: "test", path: "/data/a", value: "1" },
          { op: "replace", path: "/data/a", value: "one" },
          { op: "remove", path: "/data/b" },
          { op: "add", path: "/data/c", value: "3" },
          { op: "add", path: "/metadata/labels", value: { x: "y" } },
          { op: "add", path: "/metadata/labels/example.com~1tier", value: "web" },
        ],
      },
      jsonPatch,
    );
    expect(patched.data).toEqual({ a: "one", c: "3" });
    expect(patched.metadata?.labels).toEqual({ x: "y", "example.com/tier": "web" });
  });

  it("strategic merge: containers merged by name, env merged by name, other containers kept", async () => {
    const namespace = await k.namespace();
    await k.apps.createNamespacedDeployment({ namespace, body: twoContainers("smp") });
    const patched = await k.apps.patchNamespacedDeployment(
      {
        name: "smp",
        namespace,
        body: {
          spec: {
            template: {
              spec: {
                containers: [{ name: "web", image: "nginx:1.27", env: [{ name: "LEVEL", value: "debug" }, { name: "NEW", value: "1" }] }],
              },
            },
          },
        },
      },
      strategic,
    );
    const containers = patched.spec!.template.spec!.containers;
    expect(containers.map((c) => c.name)).toEqual(["web", "sidecar"]);
    const web = containers[0]!;
    expect(web.image).toBe("nginx:1.27");
    expect(web.env).toEqual(
      expect.arrayContaining([
        { name: "MODE", value: "prod" },
        { name: "LEVEL", value: "debug" },
        { name: "NEW", value: "1" },
      ]),
    );
    expect(web.env).toHaveLength(3);
    expect(web.ports).toEqual([{ containerPort: 80, name: "http", protocol: "TCP" }].map((p) => expect.objectContaining({ containerPort: p.containerPort, name: p.name })));
    expect(containers[1]).toMatchObject({ name: "sidecar", image: "busybox:1.36", command: ["sleep", "3600"] });
    expect(patched.spec?.replicas).toBe(2);
  });

  it("strategic merge: $patch: delete removes a container and an env entry by name", async () => {
    const namespace = await k.namespace();
    await k.apps.createNamespacedDeployment({ namespace, body: twoContainers("del") });
    const patched = await k.apps.patchNamespacedDeployment(
      {
        name: "del",
        namespace,
        body: {
          spec: {
            template: {
              spec: {
                containers: [
                  { name: "sidecar", $patch: "delete" },
                  { name: "web", env: [{ name: "MODE", $patch: "delete" }] },
                ],
              },
            },
          },
        },
      },
      strategic,
    );
    const containers = patched.spec!.template.spec!.containers;
    expect(containers.map((c) => c.name)).toEqual(["web"]);
    expect(containers[0]!.env).toEqual([{ name: "LEVEL", value: "info" }]);
    expect(containers[0]!.image).toBe("nginx:1.25");
  });

  it("strategic merge on a ConfigMap behaves as a merge for maps", async () => {
    const namespace = await k.namespace();
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "s" }, data: { a: "1", b: "2" } } });
    const patched = await k.core.patchNamespacedConfigMap({ name: "s", namespace, body: { data: { b: null, c: "3" } } }, strategic);
    expect(patched.data).toEqual({ a: "1", c: "3" });
  });

  it("server-side apply creates, then updates", async () => {
    const namespace = await k.namespace();
    const first = await k.core.patchNamespacedConfigMapWithHttpInfo(
      { name: "ssa", namespace, fieldManager: "lifeboat-test", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa", labels: { v: "1" } }, data: { a: "1" } } },
      apply,
    );
    expect(first.httpStatusCode).toBe(201);
    expect(first.data.data).toEqual({ a: "1" });
    expect(first.data.metadata?.uid).toBeTruthy();

    const second = await k.core.patchNamespacedConfigMapWithHttpInfo(
      { name: "ssa", namespace, fieldManager: "lifeboat-test", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa", labels: { v: "2" } }, data: { a: "2", b: "3" } } },
      apply,
    );
    expect(second.httpStatusCode).toBe(200);
    expect(second.data.data).toEqual({ a: "2", b: "3" });
    expect(second.data.metadata?.labels).toEqual({ v: "2" });
    expect(second.data.metadata?.uid).toBe(first.data.metadata?.uid);
    const read = await k.core.readNamespacedConfigMap({ name: "ssa", namespace });
    expect(read.data).toEqual({ a: "2", b: "3" });
  });

  it("server-side apply without fieldManager is 422", async () => {
    const namespace = await k.namespace();
    const f = await apiFailure(
      k.core.patchNamespacedConfigMap({ name: "nofm", namespace, body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "nofm" }, data: { a: "1" } } }, apply),
    );
    expect(f.code).toBe(422);
    expect(f.status.reason).toBe("Invalid");
    expect(f.status.message).toContain("fieldManager: Required value");
    expect((await k.core.listNamespacedConfigMap({ namespace })).items).toHaveLength(0);
  });

  it("status subresource: PUT /status changes only status; PUT on the resource ignores status", async () => {
    const namespace = await k.namespace();
    const created = await k.apps.createNamespacedDeployment({ namespace, body: twoContainers("st") });
    expect(created.metadata?.generation).toBe(1);

    // Status write: status changes, the spec change in the same body is ignored.
    const withStatus: V1Deployment = {
      ...created,
      spec: { ...created.spec!, replicas: 9 },
      status: { replicas: 2, readyReplicas: 1, observedGeneration: 1 },
    };
    const afterStatus = await k.apps.replaceNamespacedDeploymentStatus({ name: "st", namespace, body: withStatus });
    expect(afterStatus.status?.readyReplicas).toBe(1);
    expect(afterStatus.spec?.replicas).toBe(2);
    expect(afterStatus.metadata?.generation).toBe(1);

    // Main resource write: spec changes, status in the body is ignored.
    const current = await k.apps.readNamespacedDeployment({ name: "st", namespace });
    const withSpec: V1Deployment = { ...current, spec: { ...current.spec!, replicas: 4 }, status: { replicas: 77, readyReplicas: 77 } };
    const afterSpec = await k.apps.replaceNamespacedDeployment({ name: "st", namespace, body: withSpec });
    expect(afterSpec.spec?.replicas).toBe(4);
    expect(afterSpec.status?.readyReplicas).toBe(1);
    expect(afterSpec.metadata?.generation).toBe(2);

    const read = await k.apps.readNamespacedDeploymentStatus({ name: "st", namespace });
    expect(read.status?.readyReplicas).toBe(1);
    expect(read.spec?.replicas).toBe(4);

    // A merge patch of /status works the same way.
    const patched = await k.apps.patchNamespacedDeploymentStatus({ name: "st", namespace, body: { status: { readyReplicas: 2 }, spec: { replicas: 1 } } }, merge);
    expect(patched.status?.readyReplicas).toBe(2);
    expect(patched.spec?.replicas).toBe(4);
  });

  it("scale subresource: GET and PUT scale change spec.replicas", async () => {
    const namespace = await k.namespace();
    await k.apps.createNamespacedDeployment({ namespace, body: twoContainers("sc") });
    const scale = await k.apps.readNamespacedDeploymentScale({ name: "sc", namespace });
    expect(scale.apiVersion).toBe("autoscaling/v1");
    expect(scale.kind).toBe("Scale");
    expect(scale.metadata?.name).toBe("sc");
    expect(scale.spec?.replicas).toBe(2);

    scale.spec = { replicas: 5 };
    const updated = await k.apps.replaceNamespacedDeploymentScale({ name: "sc", namespace, body: scale });
    expect(updated.spec?.replicas).toBe(5);
    expect((await k.apps.readNamespacedDeployment({ name: "sc", namespace })).spec?.replicas).toBe(5);

    const patched = await k.apps.patchNamespacedDeploymentScale({ name: "sc", namespace, body: { spec: { replicas: 1 } } }, merge);
    expect(patched.spec?.replicas).toBe(1);
    const dep = await k.apps.readNamespacedDeployment({ name: "sc", namespace });
    expect(dep.spec?.replicas).toBe(1);
    expect(dep.spec?.template.spec?.containers).toHaveLength(2);
  });

  it("scale subresource: a stale resourceVersion is a conflict; scale of a missing deployment is 404", async () => {
    const namespace = await k.namespace();
    await k.apps.createNamespacedDeployment({ namespace, body: twoContainers("sc2") });
    const stale = await k.apps.readNamespacedDeploymentScale({ name: "sc2", namespace });
    await k.apps.replaceNamespacedDeploymentScale({ name: "sc2", namespace, body: { ...stale, spec: { replicas: 3 } } });
    const f = await apiFailure(k.apps.replaceNamespacedDeploymentScale({ name: "sc2", namespace, body: { ...stale, spec: { replicas: 7 } } }));
    expect(f.code).toBe(409);
    expect(f.status.reason).toBe("Conflict");
    expect((await k.apps.readNamespacedDeployment({ name: "sc2", namespace })).spec?.replicas).toBe(3);
    const missing = await apiFailure(k.apps.readNamespacedDeploymentScale({ name: "nope", namespace }));
    expect(missing.code).toBe(404);
  });
});
