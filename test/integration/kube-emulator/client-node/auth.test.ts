// Authentication and authorization through client-node: missing and wrong tokens, and the
// read-only viewer user with RBAC-style denials.
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import type { RunningEmulator } from "@lifeboat/kube-emulator";
import { beforeAll, describe, expect, it } from "vitest";
import { apiFailure, useClientNode } from "../support/client-node.js";
import { personaGrid } from "../support/clusters.js";

/** A kubeconfig for the emulator's server with the given token (none when undefined). */
function kubeConfigWith(emulator: RunningEmulator, token: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: "c",
        server: emulator.url,
        caData: emulator.caPem ? Buffer.from(emulator.caPem).toString("base64") : undefined,
        skipTLSVerify: !emulator.caPem,
      },
    ],
    users: [token === undefined ? { name: "u" } : { name: "u", token }],
    contexts: [{ name: "ctx", cluster: "c", user: "u" }],
    currentContext: "ctx",
  });
  return kc;
}

/** The test's own ConfigMaps: kube-root-ca.crt is the controller manager's (every namespace from 1.20). */
const own = (name: string | undefined): boolean => name !== "kube-root-ca.crt";

describe.each(personaGrid)("auth on %s (tls: %s)", (version, tls) => {
  const k = useClientNode({ k8sVersion: version, tls }, "auth");
  let admin: CoreV1Api;
  let namespace: string;

  beforeAll(async () => {
    admin = k.core;
    namespace = await k.namespace();
    await admin.createNamespacedConfigMap({ namespace, body: { metadata: { name: "existing" }, data: { a: "1" } } });
  });

  it("the admin kubeconfig works", async () => {
    const list = await admin.listNamespacedConfigMap({ namespace });
    expect(list.items.map((i) => i.metadata?.name).filter(own)).toEqual(["existing"]);
  });

  it("a wrong token is 401 Unauthorized", async () => {
    const core = kubeConfigWith(k.emulator, "not-the-token").makeApiClient(CoreV1Api);
    const f = await apiFailure(core.listNamespacedConfigMap({ namespace }));
    expect(f.code).toBe(401);
    const w = await apiFailure(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "intruder" } } }));
    expect(w.code).toBe(401);
    expect((await admin.listNamespacedConfigMap({ namespace })).items.map((i) => i.metadata?.name).filter(own)).toEqual(["existing"]);
  });

  if (tls) {
    it("https without a token is 401 Unauthorized", async () => {
      const core = kubeConfigWith(k.emulator, undefined).makeApiClient(CoreV1Api);
      const f = await apiFailure(core.listNamespacedConfigMap({ namespace }));
      expect(f.code).toBe(401);
      const n = await apiFailure(core.listNamespace());
      expect(n.code).toBe(401);
    });

    it("https with the CA pinned: a client that does not trust the CA cannot connect", async () => {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: "c", server: k.emulator.url, skipTLSVerify: false }],
        users: [{ name: "u", token: k.emulator.token }],
        contexts: [{ name: "ctx", cluster: "c", user: "u" }],
        currentContext: "ctx",
      });
      await expect(kc.makeApiClient(CoreV1Api).listNamespace()).rejects.toThrow();
    });
  } else {
    it("plain http without a token acts as the admin (insecure port)", async () => {
      const core = kubeConfigWith(k.emulator, undefined).makeApiClient(CoreV1Api);
      const list = await core.listNamespacedConfigMap({ namespace });
      expect(list.items.map((i) => i.metadata?.name).filter(own)).toEqual(["existing"]);
    });
  }

  it("the viewer may get, list and read discovery", async () => {
    const kc = kubeConfigWith(k.emulator, k.emulator.viewerToken);
    const core = kc.makeApiClient(CoreV1Api);
    expect((await core.listNamespacedConfigMap({ namespace })).items.map((i) => i.metadata?.name).filter(own)).toEqual(["existing"]);
    expect((await core.readNamespacedConfigMap({ name: "existing", namespace })).data).toEqual({ a: "1" });
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
    expect((await core.getAPIResources()).resources.length).toBeGreaterThan(0);
    expect((await kc.makeApiClient(AppsV1Api).listDeploymentForAllNamespaces()).items).toBeDefined();
  });

  it("the viewer's create is 403 with the RBAC message, and nothing is stored", async () => {
    const kc = kubeConfigWith(k.emulator, k.emulator.viewerToken);
    const core = kc.makeApiClient(CoreV1Api);
    const f = await apiFailure(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "nope" } } }));
    expect(f.code).toBe(403);
    expect(f.status).toMatchObject({ kind: "Status", status: "Failure", reason: "Forbidden", code: 403 });
    expect(f.status.message).toBe(`configmaps is forbidden: User "viewer" cannot create resource "configmaps" in API group "" in the namespace "${namespace}"`);
    expect.soft(f.status.details).toMatchObject({ kind: "configmaps" });

    const ns = await apiFailure(core.createNamespace({ body: { metadata: { name: "viewer-ns" } } }));
    expect(ns.code).toBe(403);
    expect(ns.status.message).toBe('namespaces is forbidden: User "viewer" cannot create resource "namespaces" in API group "" at the cluster scope');

    expect((await admin.listNamespacedConfigMap({ namespace })).items.map((i) => i.metadata?.name).filter(own)).toEqual(["existing"]);
    expect((await admin.listNamespace()).items.map((n) => n.metadata?.name)).not.toContain("viewer-ns");
  });

  it("the viewer's update, patch and delete are 403 naming the object and group, object unchanged", async () => {
    const kc = kubeConfigWith(k.emulator, k.emulator.viewerToken);
    const core = kc.makeApiClient(CoreV1Api);
    const current = await core.readNamespacedConfigMap({ name: "existing", namespace });
    const u = await apiFailure(core.replaceNamespacedConfigMap({ name: "existing", namespace, body: { ...current, data: { a: "2" } } }));
    expect(u.code).toBe(403);
    expect(u.status.message).toBe(`configmaps "existing" is forbidden: User "viewer" cannot update resource "configmaps" in API group "" in the namespace "${namespace}"`);
    const p = await apiFailure(core.patchNamespacedConfigMap({ name: "existing", namespace, body: { data: { a: "3" } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch)));
    expect(p.code).toBe(403);
    expect(p.status.message).toContain('cannot patch resource "configmaps"');
    const d = await apiFailure(core.deleteNamespacedConfigMap({ name: "existing", namespace }));
    expect(d.code).toBe(403);
    expect(d.status.message).toContain('cannot delete resource "configmaps"');

    const dep = await apiFailure(
      kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
        namespace,
        body: { metadata: { name: "d" }, spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } } } },
      }),
    );
    expect(dep.code).toBe(403);
    expect(dep.status.message).toBe(`deployments.apps is forbidden: User "viewer" cannot create resource "deployments" in API group "apps" in the namespace "${namespace}"`);

    const read = await admin.readNamespacedConfigMap({ name: "existing", namespace });
    expect(read.data).toEqual({ a: "1" });
    expect(read.metadata?.resourceVersion).toBe(current.metadata?.resourceVersion);
  });
});
