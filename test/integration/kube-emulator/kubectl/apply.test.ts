// kubectl apply: client-side (three-way merge through the last-applied annotation),
// server-side, server dry-run and diff.
import { describe, it } from "vitest";
import { serial, useKubectlCluster } from "../support/kubectl-session.js";

// Each persona over one transport; crud and crd take the other two pairings.
const matrix = [
  { version: "1.16", transport: "https" },
  { version: "1.30", transport: "http" },
] as const;

const lastApplied = "kubectl.kubernetes.io/last-applied-configuration";

interface Obj {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string; generation?: number };
  data?: Record<string, string>;
  spec?: any;
}
interface Container {
  name: string;
  image: string;
  env?: { name: string; value: string }[];
  ports?: { containerPort: number; name?: string }[];
}

function deployment(opts: { image: string; env: Record<string, string>; labels: Record<string, string>; replicas?: number; sidecar?: boolean }) {
  const containers: Container[] = [{ name: "main", image: opts.image, env: Object.entries(opts.env).map(([name, value]) => ({ name, value })), ports: [{ containerPort: 8080, name: "http" }] }];
  if (opts.sidecar) containers.push({ name: "sidecar", image: "busybox:1.36" });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "shop", labels: opts.labels },
    spec: {
      ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
      selector: { matchLabels: { app: "shop" } },
      template: { metadata: { labels: { app: "shop" } }, spec: { containers } },
    },
  };
}

const envOf = (c: Container | undefined) => Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value]));

describe.each(matrix)("kubectl apply against $version over $transport", ({ version, transport }) => {
  const { k, kr, getJson, namespace, requests } = useKubectlCluster<Obj>(version, transport, { logRequests: true });
  const list = (...items: unknown[]) => JSON.stringify({ apiVersion: "v1", kind: "List", items });

  it.concurrent("client-side apply twice: changes land, removed fields go, out-of-band fields stay", async ({ expect }) => {
    const ns = await namespace("apply-csa");
    const first = list(
      deployment({ image: "shop:1", env: { A: "1", B: "2" }, labels: { app: "shop", tier: "web" }, replicas: 2, sidecar: true }),
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "shop-config", annotations: { note: "v1" } }, data: { a: "1", b: "2" } },
    );
    const out1 = await k(["-n", ns, "apply", "-f", "-"], first);
    expect(out1).toContain("deployment.apps/shop created");
    expect(out1).toContain("configmap/shop-config created");

    const d1 = await getJson(["-n", ns, "get", "deployment", "shop"]);
    expect(JSON.parse(d1.metadata.annotations?.[lastApplied] ?? "{}")).toMatchObject({ kind: "Deployment", metadata: { name: "shop", namespace: ns } });

    // Changes made outside the manifest: a label and a container the manifest never had.
    await k(["-n", ns, "label", "deployment", "shop", "owner=ops"]);
    await k(["-n", ns, "patch", "configmap", "shop-config", "--type", "merge", "-p", '{"data":{"manual":"yes"}}']);

    const second = list(
      deployment({ image: "shop:2", env: { A: "10" }, labels: { app: "shop" }, replicas: 3 }),
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "shop-config" }, data: { a: "100" } },
    );
    const out2 = await k(["-n", ns, "apply", "-f", "-"], second);
    expect(out2).toContain("deployment.apps/shop configured");
    expect(out2).toContain("configmap/shop-config configured");

    const d2 = await getJson(["-n", ns, "get", "deployment", "shop"]);
    expect(d2.spec.replicas).toBe(3);
    // tier was in the last applied manifest and is gone from the new one: deleted. owner never was: kept.
    expect(d2.metadata.labels).toEqual({ app: "shop", owner: "ops" });
    const containers = d2.spec.template.spec.containers as Container[];
    expect(containers.map((c) => c.name)).toEqual(["main"]);
    expect(containers[0]!.image).toBe("shop:2");
    expect(envOf(containers[0])).toEqual({ A: "10" });
    expect(containers[0]!.ports).toEqual([expect.objectContaining({ containerPort: 8080, name: "http" })]);
    expect(JSON.parse(d2.metadata.annotations?.[lastApplied] ?? "{}").spec.replicas).toBe(3);

    const cm = await getJson(["-n", ns, "get", "configmap", "shop-config"]);
    expect(cm.data).toEqual({ a: "100", manual: "yes" });
    expect(cm.metadata.annotations?.note).toBeUndefined();

    // Unchanged third apply: nothing to do, nothing written.
    const rv = cm.metadata.resourceVersion;
    const out3 = await k(["-n", ns, "apply", "-f", "-"], second);
    expect(out3).toContain("configmap/shop-config unchanged");
    expect(out3).toContain("deployment.apps/shop unchanged");
    expect((await getJson(["-n", ns, "get", "configmap", "shop-config"])).metadata.resourceVersion).toBe(rv);
  });

  it.concurrent("client-side apply of a YAML file with a namespace in it", async ({ expect }) => {
    const ns = `apply-yaml-${serial()}`;
    const manifest = `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: v1
kind: Service
metadata:
  name: shop
  namespace: ${ns}
spec:
  selector: {app: shop}
  ports:
  - name: http
    port: 80
    targetPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: shop-config
  namespace: ${ns}
data:
  greeting: hello
`;
    const out = await k(["apply", "-f", "-"], manifest);
    expect(out).toContain(`namespace/${ns} created`);
    expect(out).toContain("service/shop created");
    expect(out).toContain("configmap/shop-config created");
    const svc = await getJson(["-n", ns, "get", "service", "shop"]);
    expect(svc.spec.ports).toEqual([expect.objectContaining({ name: "http", port: 80, targetPort: 8080 })]);
    expect(svc.spec.type).toBe("ClusterIP");
    // Re-applying a Service keeps the server-assigned clusterIP.
    const ip = svc.spec.clusterIP as string;
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const again = await k(["apply", "-f", "-"], manifest.replace("greeting: hello", "greeting: bye").replace("port: 80", "port: 81"));
    expect(again).toContain("service/shop configured");
    const svc2 = await getJson(["-n", ns, "get", "service", "shop"]);
    expect(svc2.spec.clusterIP).toBe(ip);
    expect(svc2.spec.ports[0].port).toBe(81);
    expect((await getJson(["-n", ns, "get", "cm", "shop-config"])).data).toEqual({ greeting: "bye" });
  });

  it.concurrent("apply --server-side creates and updates; containers merge by name", async ({ expect }) => {
    const ns = await namespace("apply-ssa");
    const first = list(
      deployment({ image: "shop:1", env: { A: "1" }, labels: { app: "shop" }, replicas: 1 }),
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa-config" }, data: { a: "1" } },
    );
    // Server-side apply is a PATCH with the apply content type and field manager "kubectl";
    // it creates what does not exist yet (201), which no other patch type does.
    const ssaPatches = (from: number) =>
      requests.slice(from).filter((l) => l.startsWith(`PATCH /api/v1/namespaces/${ns}/configmaps/ssa-config?`) && /[?&]fieldManager=kubectl(&|\s)/.test(l) && l.includes("force=false"));
    let mark = requests.length;
    const out1 = await k(["-n", ns, "apply", "--server-side", "-f", "-"], first);
    expect(out1).toContain("deployment.apps/shop serverside-applied");
    expect(out1).toContain("configmap/ssa-config serverside-applied");
    expect(ssaPatches(mark).map((l) => l.split(" ").at(-1))).toEqual(["201"]);
    mark = requests.length;
    const second = list(
      deployment({ image: "shop:2", env: { A: "1", B: "2" }, labels: { app: "shop", tier: "web" }, replicas: 4 }),
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa-config" }, data: { a: "2", b: "3" } },
    );
    const out2 = await k(["-n", ns, "apply", "--server-side", "-f", "-"], second);
    expect(out2).toContain("deployment.apps/shop serverside-applied");
    expect(ssaPatches(mark).map((l) => l.split(" ").at(-1))).toEqual(["200"]);

    const d = await getJson(["-n", ns, "get", "deployment", "shop"]);
    expect(d.spec.replicas).toBe(4);
    expect(d.metadata.labels).toEqual({ app: "shop", tier: "web" });
    const containers = d.spec.template.spec.containers as Container[];
    expect(containers.map((c) => c.name)).toEqual(["main"]);
    expect(containers[0]!.image).toBe("shop:2");
    expect(envOf(containers[0])).toEqual({ A: "1", B: "2" });
    // Server-side apply keeps no last-applied annotation.
    expect(d.metadata.annotations?.[lastApplied]).toBeUndefined();
    expect((await getJson(["-n", ns, "get", "cm", "ssa-config"])).data).toEqual({ a: "2", b: "3" });

    // A client-side `kubectl label` afterwards and another server-side apply coexist.
    await k(["-n", ns, "label", "cm", "ssa-config", "extra=1"]);
    await k(["-n", ns, "apply", "--server-side", "-f", "-"], second);
    expect((await getJson(["-n", ns, "get", "cm", "ssa-config"])).metadata.labels).toEqual({ extra: "1" });
  });

  it.concurrent("apply --dry-run=server and kubectl diff do not change anything", async ({ expect }) => {
    const ns = await namespace("apply-dry");
    const cm = (v: string) => JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dry", namespace: ns }, data: { v } });
    expect(await k(["apply", "--dry-run=server", "-f", "-"], cm("1"))).toContain("configmap/dry created (server dry run)");
    const missing = await kr(["-n", ns, "get", "cm", "dry"]);
    expect(missing.stderr).toContain('configmaps "dry" not found');

    await k(["apply", "-f", "-"], cm("1"));
    const same = await kr(["diff", "-f", "-"], cm("1"));
    expect(same.code).toBe(0);
    expect(same.stdout).toBe("");
    const changed = await kr(["diff", "-f", "-"], cm("2"));
    expect(changed.stderr).toBe("");
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/^-\s+v: "1"$/m);
    expect(changed.stdout).toMatch(/^\+\s+v: "2"$/m);
    expect((await getJson(["-n", ns, "get", "cm", "dry"])).data).toEqual({ v: "1" });
  });
});
