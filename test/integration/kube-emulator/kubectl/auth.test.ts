// Authentication and authorization as kubectl meets them: 401 for a wrong or missing token
// over HTTPS, 403 on writes for the read-only viewer, and the insecure-port behaviour of
// plain HTTP (kubectl sends no token there).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, it } from "vitest";
import { stringify } from "yaml";
import type { Fleet, SandboxCluster } from "../../../harness/src/kube-fleet.js";
import { kubectl, kubectlOk, type KubectlTarget } from "../../../harness/src/kubectl.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

/** A kubeconfig for `cluster` with the given user and its own cache dir. */
async function kubeconfigFor(fleet: Fleet, cluster: SandboxCluster, name: string, user: Record<string, string>): Promise<KubectlTarget> {
  const clusterEntry: Record<string, unknown> = { server: cluster.url };
  if (cluster.caPem) clusterEntry["certificate-authority-data"] = Buffer.from(cluster.caPem).toString("base64");
  else clusterEntry["insecure-skip-tls-verify"] = true;
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster: clusterEntry }],
    users: [{ name: "u", user }],
    contexts: [{ name: "c", context: { cluster: "c", user: "u", namespace: "default" } }],
    "current-context": "c",
  };
  const kubeconfigPath = join(fleet.dir, `${name}.kubeconfig`);
  await writeFile(kubeconfigPath, stringify(config), { mode: 0o600 });
  return { kubeconfigPath, kubectlCacheDir: join(fleet.dir, `${name}.kube-cache`) };
}

// kubectl ≥1.26 goes on with "(the server has asked for the client to provide credentials)"
// for failed discovery, older ones with the Status message "(Unauthorized)".
const unauthorized = /^error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)$/;

describe.each(["1.16", "1.30"])("kubectl authentication against %s over https", (version) => {
  const admin = useKubectlCluster(version, "https", { warmDiscoveryCache: false });
  let wrong: KubectlTarget;
  let basic: KubectlTarget;
  let viewer: KubectlTarget;

  beforeAll(async () => {
    const { fleet, cluster } = admin;
    wrong = await kubeconfigFor(fleet, cluster, "wrong", { token: "not-the-token" });
    // With no user at all kubectl would prompt for a username on HTTPS before sending
    // anything; basic auth is credentials no server has accepted since 1.19.
    basic = await kubeconfigFor(fleet, cluster, "basic", { username: "admin", password: "secret" });
    viewer = await kubeconfigFor(fleet, cluster, "viewer", { token: cluster.viewerToken });
    await kubectlOk(viewer, ["api-resources", "-o", "name"]);
    await admin.k(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "visible", namespace: "default" }, data: { a: "b" } }));
  });

  it.concurrent("a wrong token: 401, You must be logged in", async ({ expect }) => {
    const [get, apply, version] = await Promise.all([
      kubectl(wrong, ["get", "configmaps"]),
      kubectl(wrong, ["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "nope" }, data: {} })),
      kubectl(wrong, ["version", "-o", "json"]),
    ]);
    expect(get.code).toBe(1);
    expect(get.stdout).toBe("");
    expect(get.stderr.trim().split("\n").at(-1)).toMatch(unauthorized);
    expect(apply.code).toBe(1);
    // apply fails already on fetching the OpenAPI schema for validation.
    expect(apply.stderr).toMatch(/the server has asked for the client to provide credentials|You must be logged in to the server/);
    // A bad bearer token is not anonymous: even /version answers 401.
    expect(version.code).toBe(1);
    expect(version.stderr).toContain("You must be logged in to the server");
    expect(JSON.parse(version.stdout).serverVersion).toBeUndefined();
  });

  it.concurrent("basic-auth credentials: 401, You must be logged in", async ({ expect }) => {
    const get = await kubectl(basic, ["get", "namespaces"]);
    expect(get.code).toBe(1);
    expect(get.stdout).toBe("");
    expect(get.stderr.trim().split("\n").at(-1)).toMatch(unauthorized);
  });

  it.concurrent("the viewer token reads but may not write: 403 Forbidden", async ({ expect }) => {
    const cm = JSON.parse(await kubectlOk(viewer, ["get", "configmap", "visible", "-o", "json"]));
    expect(cm.data).toEqual({ a: "b" });
    expect((await kubectlOk(viewer, ["get", "namespaces", "-o", "name"])).split("\n")).toContain("namespace/default");

    const [create, apply, label, del, ns] = await Promise.all([
      kubectl(viewer, ["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "denied" }, data: {} })),
      kubectl(viewer, ["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "visible" }, data: { a: "changed" } })),
      kubectl(viewer, ["label", "configmap", "visible", "x=y"]),
      kubectl(viewer, ["delete", "configmap", "visible"]),
      kubectl(viewer, ["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "denied" } })),
    ]);
    expect(create.code).toBe(1);
    expect(create.stderr.trim()).toBe(
      'Error from server (Forbidden): error when creating "STDIN": configmaps is forbidden: User "viewer" cannot create resource "configmaps" in API group "" in the namespace "default"',
    );
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('configmaps "visible" is forbidden: User "viewer" cannot patch resource "configmaps" in API group "" in the namespace "default"');
    expect(label.stderr).toContain('cannot patch resource "configmaps"');
    expect(del.stderr).toContain('Error from server (Forbidden): configmaps "visible" is forbidden: User "viewer" cannot delete resource "configmaps" in API group "" in the namespace "default"');
    expect(ns.stderr).toContain('User "viewer" cannot create resource "namespaces" in API group "" at the cluster scope');

    // Nothing changed.
    const after = JSON.parse(await admin.k(["get", "configmap", "visible", "-o", "json"]));
    expect(after.data).toEqual({ a: "b" });
    expect(after.metadata.labels).toBeUndefined();
  });
});

describe("kubectl over plain HTTP", () => {
  const plain = useKubectlCluster("1.30", "http", { warmDiscoveryCache: false });

  it("acts as the admin whatever token the kubeconfig holds, as the insecure port did", async ({ expect }) => {
    // kubectl never sends a bearer token over plain HTTP, so the token here is irrelevant.
    const target = await kubeconfigFor(plain.fleet, plain.cluster, "http-garbage", { token: "garbage" });
    expect(await kubectlOk(target, ["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "insecure" }, data: {} }))).toContain("configmap/insecure created");
    expect((await kubectlOk(target, ["get", "configmap", "insecure", "-o", "name"])).trim()).toBe("configmap/insecure");
  });
});
