// Authentication and authorization through client-node: missing and wrong tokens, and the
// read-only viewer user with RBAC-style denials.
import { randomBytes } from "node:crypto";
import { ApiException, AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { startEmulator, type RunningEmulator } from "@lifeboat/kube-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const personas = [
  ["1.16", false],
  ["1.16", true],
  ["1.30", false],
  ["1.30", true],
] as const;

async function failure(p: Promise<unknown>): Promise<{ code: number; status: Record<string, any> }> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiException);
    const e = err as ApiException<unknown>;
    // client-node drops the body of 401 answers; http/auth.test.ts checks those.
    return { code: e.code, status: typeof e.body === "string" ? JSON.parse(e.body) : ((e.body as Record<string, any>) ?? {}) };
  }
  throw new Error("expected the request to fail");
}

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

describe.each(personas)("auth on %s (tls: %s)", (version, tls) => {
  let emulator: RunningEmulator;
  let admin: CoreV1Api;
  let namespace: string;

  beforeAll(async () => {
    emulator = await startEmulator({ k8sVersion: version, tls });
    const kc = new KubeConfig();
    kc.loadFromString(emulator.kubeconfig);
    admin = kc.makeApiClient(CoreV1Api);
    namespace = `auth-${randomBytes(4).toString("hex")}`;
    await admin.createNamespace({ body: { metadata: { name: namespace } } });
    await admin.createNamespacedConfigMap({ namespace, body: { metadata: { name: "existing" }, data: { a: "1" } } });
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it("the admin kubeconfig works", async () => {
    const list = await admin.listNamespacedConfigMap({ namespace });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(["existing"]);
  });

  it("a wrong token is 401 Unauthorized", async () => {
    const core = kubeConfigWith(emulator, "not-the-token").makeApiClient(CoreV1Api);
    const f = await failure(core.listNamespacedConfigMap({ namespace }));
    expect(f.code).toBe(401);
    const w = await failure(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "intruder" } } }));
    expect(w.code).toBe(401);
    expect((await admin.listNamespacedConfigMap({ namespace })).items.map((i) => i.metadata?.name)).toEqual(["existing"]);
  });

  if (tls) {
    it("https without a token is 401 Unauthorized", async () => {
      const core = kubeConfigWith(emulator, undefined).makeApiClient(CoreV1Api);
      const f = await failure(core.listNamespacedConfigMap({ namespace }));
      expect(f.code).toBe(401);
      const n = await failure(core.listNamespace());
      expect(n.code).toBe(401);
    });

    it("https with the CA pinned: a client that does not trust the CA cannot connect", async () => {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: "c", server: emulator.url, skipTLSVerify: false }],
        users: [{ name: "u", token: emulator.token }],
        contexts: [{ name: "ctx", cluster: "c", user: "u" }],
        currentContext: "ctx",
      });
      await expect(kc.makeApiClient(CoreV1Api).listNamespace()).rejects.toThrow();
    });
  } else {
    it("plain http without a token acts as the admin (insecure port)", async () => {
      const core = kubeConfigWith(emulator, undefined).makeApiClient(CoreV1Api);
      const list = await core.listNamespacedConfigMap({ namespace });
      expect(list.items.map((i) => i.metadata?.name)).toEqual(["existing"]);
    });
  }

  it("the viewer may get, list and read discovery", async () => {
    const kc = kubeConfigWith(emulator, emulator.viewerToken);
    const core = kc.makeApiClient(CoreV1Api);
    expect((await core.listNamespacedConfigMap({ namespace })).items.map((i) => i.metadata?.name)).toEqual(["existing"]);
    expect((await core.readNamespacedConfigMap({ name: "existing", namespace })).data).toEqual({ a: "1" });
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
    expect((await core.getAPIResources()).resources.length).toBeGreaterThan(0);
    expect((await kc.makeApiClient(AppsV1Api).listDeploymentForAllNamespaces()).items).toBeDefined();
  });

  it("the viewer's create is 403 with the RBAC message, and nothing is stored", async () => {
    const kc = kubeConfigWith(emulator, emulator.viewerToken);
    const core = kc.makeApiClient(CoreV1Api);
    const f = await failure(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "nope" } } }));
    expect(f.code).toBe(403);
    expect(f.status).toMatchObject({ kind: "Status", status: "Failure", reason: "Forbidden", code: 403 });
    expect(f.status.message).toBe(`configmaps is forbidden: User "viewer" cannot create resource "configmaps" in API group "" in the namespace "${namespace}"`);
    expect.soft(f.status.details).toMatchObject({ kind: "configmaps" });

    const ns = await failure(core.createNamespace({ body: { metadata: { name: "viewer-ns" } } }));
    expect(ns.code).toBe(403);
    expect(ns.status.message).toBe('namespaces is forbidden: User "viewer" cannot create resource "namespaces" in API group "" at the cluster scope');

    expect((await admin.listNamespacedConfigMap({ namespace })).items.map((i) => i.metadata?.name)).toEqual(["existing"]);
    expect((await admin.listNamespace()).items.map((n) => n.metadata?.name)).not.toContain("viewer-ns");
  });

  it("the viewer's update, patch and delete are 403 naming the object and group, object unchanged", async () => {
    const kc = kubeConfigWith(emulator, emulator.viewerToken);
    const core = kc.makeApiClient(CoreV1Api);
    const current = await core.readNamespacedConfigMap({ name: "existing", namespace });
    const u = await failure(core.replaceNamespacedConfigMap({ name: "existing", namespace, body: { ...current, data: { a: "2" } } }));
    expect(u.code).toBe(403);
    expect(u.status.message).toBe(`configmaps "existing" is forbidden: User "viewer" cannot update resource "configmaps" in API group "" in the namespace "${namespace}"`);
    const p = await failure(core.patchNamespacedConfigMap({ name: "existing", namespace, body: { data: { a: "3" } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch)));
    expect(p.code).toBe(403);
    expect(p.status.message).toContain('cannot patch resource "configmaps"');
    const d = await failure(core.deleteNamespacedConfigMap({ name: "existing", namespace }));
    expect(d.code).toBe(403);
    expect(d.status.message).toContain('cannot delete resource "configmaps"');

    const dep = await failure(
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
