// kubectl's view of the emulator's discovery: /version, api-versions, api-resources and
// short names, for both personas over plain HTTP and HTTPS.
import { describe, it } from "vitest";
import { useKubectlCluster } from "../support/kubectl-session.js";

const matrix = [
  { version: "1.16", transport: "http" },
  { version: "1.16", transport: "https" },
  { version: "1.30", transport: "http" },
  { version: "1.30", transport: "https" },
] as const;

describe.each(matrix)("kubectl discovery against $version over $transport", ({ version, transport }) => {
  const { k, kr, namespace } = useKubectlCluster(version, transport);
  const is116 = version === "1.16";

  it.concurrent("kubectl version -o json shows the persona's serverVersion", async ({ expect }) => {
    const out = JSON.parse(await k(["version", "-o", "json"])) as {
      serverVersion: { major: string; minor: string; gitVersion: string };
    };
    expect(out.serverVersion.major).toBe("1");
    expect(out.serverVersion.minor).toBe(version.split(".")[1]);
    expect(out.serverVersion.gitVersion).toMatch(new RegExp(`^v${version.replace(".", "\\.")}\\.\\d+$`));
  });

  it.concurrent("kubectl api-versions lists the persona's group versions", async ({ expect }) => {
    const versions = (await k(["api-versions"])).trim().split("\n");
    expect(versions).toContain("v1");
    expect(versions).toContain("apps/v1");
    expect(versions).toContain("apiextensions.k8s.io/v1");
    if (is116) {
      expect(versions).toEqual(expect.arrayContaining(["extensions/v1beta1", "batch/v1beta1", "policy/v1beta1", "networking.k8s.io/v1beta1", "apiextensions.k8s.io/v1beta1", "autoscaling/v2beta2"]));
      // A stock 1.16 no longer serves the old workload groups.
      expect(versions).not.toContain("apps/v1beta1");
      expect(versions).not.toContain("apps/v1beta2");
      // Nor anything that arrived after 1.16.
      expect(versions).not.toContain("policy/v1");
      expect(versions).not.toContain("discovery.k8s.io/v1");
    } else {
      expect(versions).toEqual(expect.arrayContaining(["networking.k8s.io/v1", "batch/v1", "policy/v1", "autoscaling/v2", "discovery.k8s.io/v1"]));
      expect(versions.filter((v) => v.startsWith("extensions/"))).toEqual([]);
      expect(versions).not.toContain("batch/v1beta1");
      expect(versions).not.toContain("policy/v1beta1");
      expect(versions).not.toContain("networking.k8s.io/v1beta1");
      expect(versions).not.toContain("apiextensions.k8s.io/v1beta1");
    }
  });

  it.concurrent("kubectl api-resources lists resources with groups, short names and scope", async ({ expect }) => {
    const wide = await k(["api-resources", "-o", "wide"]);
    const rows = wide.trim().split("\n").slice(1).map((l) => l.trim().split(/\s+/));
    // NAME SHORTNAMES? APIVERSION NAMESPACED KIND VERBS…; find rows by name and api version.
    const row = (name: string, apiVersion: string) => rows.find((r) => r[0] === name && r.includes(apiVersion));
    expect(row("deployments", "apps/v1")).toEqual(expect.arrayContaining(["deploy", "true", "Deployment"]));
    expect(row("namespaces", "v1")).toEqual(expect.arrayContaining(["ns", "false", "Namespace"]));
    expect(row("configmaps", "v1")).toEqual(expect.arrayContaining(["cm", "true", "ConfigMap"]));
    // kubectl ≤1.29 prints the verbs as [a b c], later ones as a,b,c.
    expect(wide).toMatch(/^configmaps\s+cm\s+v1\s+true\s+ConfigMap\s+\[?create[ ,]delete[ ,]deletecollection[ ,]get[ ,]list[ ,]patch[ ,]update[ ,]watch\]?\s*$/m);
    expect(wide).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace\s+\[?create[ ,]delete[ ,]get[ ,]list[ ,]patch[ ,]update[ ,]watch\]?\s*$/m);

    const names = (await k(["api-resources", "-o", "name"])).trim().split("\n");
    if (is116) {
      expect(names).toContain("ingresses.extensions");
      expect(names).toContain("ingresses.networking.k8s.io");
      expect(names).toContain("cronjobs.batch");
      expect(names).toContain("podsecuritypolicies.policy");
      expect(names).not.toContain("deployments.extensions");
    } else {
      expect(names).toContain("ingresses.networking.k8s.io");
      expect(names).not.toContain("ingresses.extensions");
      expect(names).toContain("endpointslices.discovery.k8s.io");
      expect(names).not.toContain("podsecuritypolicies.policy");
    }
  });

  it.concurrent("kubectl api-resources filters by group and scope", async ({ expect }) => {
    const [ext, clusterScoped] = await Promise.all([
      kr(["api-resources", "--api-group=extensions", "-o", "name"]),
      k(["api-resources", "--namespaced=false", "-o", "name"]),
    ]);
    expect(ext.code).toBe(0);
    if (is116) expect(ext.stdout.trim().split("\n")).toEqual(["ingresses.extensions"]);
    else expect(ext.stdout.trim()).toBe("");
    const cs = clusterScoped.trim().split("\n");
    expect(cs).toEqual(expect.arrayContaining(["namespaces", "nodes", "persistentvolumes", "customresourcedefinitions.apiextensions.k8s.io", "clusterroles.rbac.authorization.k8s.io"]));
    expect(cs).not.toContain("configmaps");
  });

  it.concurrent("short names and comma-separated kinds work: kubectl get deploy,cm,svc", async ({ expect }) => {
    const ns = await namespace("disc-short");
    const manifest = [
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.25" }] } } } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { a: "b" } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] } },
    ];
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: manifest }));
    const out = (await k(["-n", ns, "get", "deploy,cm,svc", "-o", "name"])).trim().split("\n");
    expect(out).toEqual(expect.arrayContaining(["deployment.apps/web", "configmap/settings", "service/web"]));
    // kube-root-ca.crt exists from 1.20 on; nothing else may show up.
    expect(out.filter((l) => !l.startsWith("configmap/kube-root-ca.crt")).sort()).toEqual(["configmap/settings", "deployment.apps/web", "service/web"]);

    const table = await k(["-n", ns, "get", "deploy,cm,svc"]);
    expect(table).toMatch(/^deployment\.apps\/web\s/m);
    expect(table).toMatch(/^configmap\/settings\s/m);
    expect(table).toMatch(/^service\/web\s/m);

    const nodes = await k(["get", "no", "-o", "name"]);
    expect(nodes.trim().split("\n")).toContain("node/node-1");
  });

  it.concurrent("kubectl get ns lists the seeded namespaces", async ({ expect }) => {
    const out = JSON.parse(await k(["get", "ns", "-o", "json"])) as { kind: string; items: { metadata: { name: string }; status: { phase: string } }[] };
    expect(out.kind).toBe("List");
    const names = out.items.map((i) => i.metadata.name);
    expect(names).toEqual(expect.arrayContaining(["default", "kube-system", "kube-public"]));
    expect(out.items.find((i) => i.metadata.name === "default")?.status.phase).toBe("Active");
  });
});
