// Endpoints and EndpointSlices as the endpoints controllers keep them, through the real kubectl
// on the oldest and the newest persona. The suite runs only the controllers it is about and
// plays the kubelet itself: it writes each pod's IP and Ready condition through the status
// subresource, so that every transition is the test's to make.
import type { ControllerName } from "@lifeboat/kube-emulator";
import { describe, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

const matrix = [
  { version: "1.16", transport: "http" },
  { version: "1.30", transport: "https" },
] as const;

// Tests that make many kubectl calls one after another get more than the default minute on a busy machine.
const slowTest = 120_000;

const controllers: ControllerName[] = ["namespace-lifecycle", "garbage-collector", "endpoints", "endpointslice"];

interface Address {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef: { kind: string; namespace: string; name: string; uid: string; resourceVersion?: string };
}
interface Endpoints {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  subsets?: Array<{ addresses?: Address[]; notReadyAddresses?: Address[]; ports?: Array<{ name?: string; port: number; protocol: string }> }>;
}
interface Slice {
  metadata: { name: string; labels: Record<string, string>; annotations?: Record<string, string>; ownerReferences: Array<{ kind: string; name: string; uid: string; controller: boolean }> };
  addressType: string;
  endpoints: Array<{ addresses: string[]; conditions: Record<string, boolean>; nodeName?: string; hostname?: string; targetRef: { name: string } }> | null;
  ports: Array<{ name: string; port: number; protocol: string }> | null;
}

function pod(name: string, labels: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels },
    spec: { nodeName: "node-1", containers: [{ name: "main", image: "nginx:1.25", ports: [{ name: "http", containerPort: 8080 }] }], ...extra },
  };
}

function service(name: string, spec: Record<string, unknown>) {
  return { apiVersion: "v1", kind: "Service", metadata: { name, labels: { tier: "web" } }, spec: { ports: [{ name: "web", port: 80, targetPort: "http" }], ...spec } };
}

describe.each(matrix)("Endpoints against $version over $transport", ({ version, transport }) => {
  const session = useKubectlCluster<Endpoints>(version, transport, { controllers });
  const { k, kr, getJson, namespace } = session;

  /** What a kubelet would report: an IP and a Ready condition (True or False). */
  // The controllers count a pod's change only when its Ready transition time moved on, at
  // second precision: each transition here gets a later second than the pod's previous one.
  const lastTransition = new Map<string, number>();
  const setPodStatus = async (ns: string, name: string, ip: string, ready: boolean) => {
    const second = Math.max(Math.floor(Date.now() / 1000), (lastTransition.get(`${ns}/${name}`) ?? 0) + 1);
    lastTransition.set(`${ns}/${name}`, second);
    const at = new Date(second * 1000).toISOString().replace(/\.\d+Z$/, "Z");
    const status = { phase: "Running", podIP: ip, podIPs: [{ ip }], conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: at }] };
    await k(["-n", ns, "patch", "pod", name, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status })]);
  };
  const endpointsUntil = (ns: string, name: string, what: string, done: (ep: Endpoints) => boolean) =>
    eventually(what, async () => {
      const r = await kr(["-n", ns, "get", "endpoints", name, "-o", "json"]);
      if (r.code !== 0) return undefined;
      const ep = JSON.parse(r.stdout) as Endpoints;
      return done(ep) ? ep : undefined;
    });
  const names = (addresses: Address[] | undefined) => (addresses ?? []).map((a) => a.targetRef.name).sort();

  it.concurrent("Endpoints follow pods as they get an IP, become ready and are deleted", async ({ expect }) => {
    const ns = await namespace("ep-follow");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [service("web", { selector: { app: "web" } }), pod("web-a", { app: "web" }), pod("web-b", { app: "web" }), pod("other", { app: "other" })] }));
    const empty = await endpointsUntil(ns, "web", "the Endpoints to exist", () => true);
    expect(empty.subsets).toBeUndefined();
    expect(empty.metadata.labels).toEqual({ tier: "web" });

    await setPodStatus(ns, "web-a", "10.244.0.11", false);
    const notReady = await endpointsUntil(ns, "web", "web-a not ready", (ep) => names(ep.subsets?.[0]?.notReadyAddresses).length === 1);
    expect(notReady.subsets).toHaveLength(1);
    expect(notReady.subsets![0]!.addresses).toBeUndefined();
    // The named targetPort resolves through the pod's container port.
    expect(notReady.subsets![0]!.ports).toEqual([{ name: "web", port: 8080, protocol: "TCP" }]);

    await Promise.all([setPodStatus(ns, "web-a", "10.244.0.11", true), setPodStatus(ns, "web-b", "10.244.0.12", true), setPodStatus(ns, "other", "10.244.0.13", true)]);
    const ready = await endpointsUntil(ns, "web", "both pods ready", (ep) => names(ep.subsets?.[0]?.addresses).length === 2);
    const subset = ready.subsets![0]!;
    expect(subset.notReadyAddresses).toBeUndefined();
    expect(subset.addresses!.map((a) => a.ip)).toEqual(["10.244.0.11", "10.244.0.12"]);
    const podA = JSON.parse(await k(["-n", ns, "get", "pod", "web-a", "-o", "json"])) as { metadata: { uid: string } };
    const first = subset.addresses![0]!;
    expect(first.nodeName).toBe("node-1");
    expect(first.targetRef).toMatchObject({ kind: "Pod", namespace: ns, name: "web-a", uid: podA.metadata.uid });
    // The pod's resourceVersion left targetRef in 1.24.
    if (version === "1.30") expect(first.targetRef.resourceVersion).toBeUndefined();
    else expect(first.targetRef.resourceVersion).toMatch(/^\d+$/);
    expect(ready.metadata.annotations?.["endpoints.kubernetes.io/last-change-trigger-time"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    await k(["-n", ns, "delete", "pod", "web-a"]);
    const after = await endpointsUntil(ns, "web", "web-a to leave", (ep) => names(ep.subsets?.[0]?.addresses).join() === "web-b");
    expect(after.subsets![0]!.addresses!.map((a) => a.ip)).toEqual(["10.244.0.12"]);

    await k(["-n", ns, "delete", "service", "web"]);
    await eventually("the Endpoints to go with their Service", async () => ((await kr(["-n", ns, "get", "endpoints", "web"])).code !== 0 ? true : undefined));
  }, slowTest);

  it.concurrent("a headless Service has no clusterIP and its Endpoints list the pods, with hostnames for its subdomain", async ({ expect }) => {
    const ns = await namespace("ep-headless");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [
      service("db", { clusterIP: "None", selector: { app: "db" } }),
      pod("db-0", { app: "db" }, { hostname: "db-0", subdomain: "db" }),
      pod("db-1", { app: "db" }, { hostname: "db-1", subdomain: "db" }),
    ] }));
    const svc = await getJson<{ spec: { clusterIP: string } }>(["-n", ns, "get", "service", "db"]);
    expect(svc.spec.clusterIP).toBe("None");
    await Promise.all([setPodStatus(ns, "db-0", "10.244.1.10", true), setPodStatus(ns, "db-1", "10.244.1.11", true)]);
    const ep = await endpointsUntil(ns, "db", "both db pods", (e) => names(e.subsets?.[0]?.addresses).length === 2);
    expect(ep.subsets![0]!.addresses!.map((a) => [a.ip, a.hostname])).toEqual([["10.244.1.10", "db-0"], ["10.244.1.11", "db-1"]]);
    if (version === "1.30") expect(ep.metadata.labels).toEqual({ tier: "web", "service.kubernetes.io/headless": "" });
    else expect(ep.metadata.labels).toEqual({ tier: "web" });
  });

  it.concurrent("publishNotReadyAddresses lists pods that are not ready among the ready addresses", async ({ expect }) => {
    const ns = await namespace("ep-publish");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [service("peers", { clusterIP: "None", publishNotReadyAddresses: true, selector: { app: "peers" } }), pod("peer-0", { app: "peers" })] }));
    await setPodStatus(ns, "peer-0", "10.244.2.10", false);
    const ep = await endpointsUntil(ns, "peers", "the unready peer", (e) => names(e.subsets?.[0]?.addresses).length === 1);
    expect(ep.subsets![0]!.notReadyAddresses).toBeUndefined();
  });

  it.concurrent("Endpoints of a Service without a selector are left to their user", async ({ expect }) => {
    const ns = await namespace("ep-manual");
    const manual = { apiVersion: "v1", kind: "Endpoints", metadata: { name: "external" }, subsets: [{ addresses: [{ ip: "192.0.2.42" }], ports: [{ port: 5432, protocol: "TCP" }] }] };
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [service("external", {}), manual, service("marker", { selector: { app: "marker" } })] }));
    // Once the Service after it has its Endpoints, the controller has been through both.
    await endpointsUntil(ns, "marker", "the marker's Endpoints", () => true);
    const ep = await getJson(["-n", ns, "get", "endpoints", "external"]);
    expect(ep.subsets).toEqual(manual.subsets);
    expect(ep.metadata.annotations?.["endpoints.kubernetes.io/last-change-trigger-time"]).toBeUndefined();
  });

  it.concurrent("the kubernetes Service's Endpoints name the API server", async ({ expect }) => {
    const ep = await getJson(["-n", "default", "get", "endpoints", "kubernetes"]);
    expect(ep.subsets).toEqual([{ addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port: session.cluster.port, protocol: "TCP" }] }]);
  });

  if (version === "1.16") {
    it.concurrent("1.16 serves no EndpointSlices", async ({ expect }) => {
      const r = await kr(["get", "endpointslices", "-A"]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`the server doesn't have a resource type "endpointslices"`);
    });
  } else {
    it.concurrent("EndpointSlices follow the pods too, owned by their Service", async ({ expect }) => {
      const ns = await namespace("eps");
      await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [service("web", { selector: { app: "web" } }), pod("web-a", { app: "web" }), pod("web-b", { app: "web" })] }));
      const slices = (what: string, done: (s: Slice) => boolean) =>
        eventually(what, async () => {
          const list = JSON.parse(await k(["-n", ns, "get", "endpointslices", "-l", "kubernetes.io/service-name=web", "-o", "json"])) as { items: Slice[] };
          return list.items.length === 1 && done(list.items[0]!) ? list.items[0]! : undefined;
        });
      const placeholder = await slices("the placeholder slice", () => true);
      expect(placeholder.endpoints).toBeNull();
      expect(placeholder.ports).toBeNull();

      await Promise.all([setPodStatus(ns, "web-a", "10.244.3.10", true), setPodStatus(ns, "web-b", "10.244.3.11", false)]);
      const slice = await slices("two endpoints", (s) => (s.endpoints?.length ?? 0) === 2);
      const svc = await getJson<{ metadata: { uid: string } }>(["-n", ns, "get", "service", "web"]);
      expect(slice.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(slice.metadata.labels).toEqual({ tier: "web", "kubernetes.io/service-name": "web", "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" });
      expect(slice.metadata.ownerReferences).toEqual([{ apiVersion: "v1", kind: "Service", name: "web", uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect(slice.metadata.annotations?.["endpoints.kubernetes.io/last-change-trigger-time"]).toBeDefined();
      expect(slice.addressType).toBe("IPv4");
      expect(slice.ports).toEqual([{ name: "web", port: 8080, protocol: "TCP" }]);
      const byPod = Object.fromEntries(slice.endpoints!.map((e) => [e.targetRef.name, e]));
      expect(byPod["web-a"]).toMatchObject({ addresses: ["10.244.3.10"], conditions: { ready: true, serving: true, terminating: false }, nodeName: "node-1" });
      expect(byPod["web-b"]).toMatchObject({ addresses: ["10.244.3.11"], conditions: { ready: false, serving: false, terminating: false } });

      await k(["-n", ns, "delete", "pod", "web-b"]);
      await slices("web-b to leave", (s) => s.endpoints?.length === 1 && s.endpoints[0]!.targetRef.name === "web-a");

      await k(["-n", ns, "delete", "service", "web"]);
      await eventually("the slices to go with the Service", async () => {
        const list = JSON.parse(await k(["-n", ns, "get", "endpointslices", "-o", "json"])) as { items: Slice[] };
        return list.items.length === 0 ? true : undefined;
      });
    }, slowTest);

    it.concurrent("the kubernetes Service has its EndpointSlice", async ({ expect }) => {
      const slice = JSON.parse(await k(["-n", "default", "get", "endpointslice", "kubernetes", "-o", "json"])) as Slice;
      expect(slice.metadata.labels).toEqual({ "kubernetes.io/service-name": "kubernetes" });
      expect(slice.endpoints).toEqual([{ addresses: ["127.0.0.1"], conditions: { ready: true } }]);
      expect(slice.ports).toEqual([{ name: "https", port: session.cluster.port, protocol: "TCP" }]);
    });
  }
});

describe.each(matrix)("Endpoints of running workloads against $version over $transport", ({ version, transport }) => {
  // Every controller, the scheduler and kubelets among them: pods get a node, an IP and Ready by themselves.
  const { k, getJson, namespace } = useKubectlCluster<Endpoints>(version, transport);

  it.concurrent("a Deployment's pods show up in its Service's Endpoints once they run, and leave when it scales down", async ({ expect }) => {
    const ns = await namespace("ep-live");
    await k(["-n", ns, "create", "deployment", "web", "--image=nginx:1.25", "--replicas=2", "--port=8080"]);
    await k(["-n", ns, "expose", "deployment", "web", "--port=80", "--target-port=8080"]);
    const running = await eventually(
      "two ready addresses",
      async () => {
        const ep = await getJson(["-n", ns, "get", "endpoints", "web"]);
        return ep.subsets?.[0]?.addresses?.length === 2 ? ep : undefined;
      },
      30_000,
    );
    const pods = (await getJson<{ items: Array<{ metadata: { name: string }; status: { podIP: string } }> }>(["-n", ns, "get", "pods", "-l", "app=web"])).items;
    const subset = running.subsets![0]!;
    expect(subset.addresses!.map((a) => a.targetRef.name).sort()).toEqual(pods.map((p) => p.metadata.name).sort());
    expect(subset.addresses!.map((a) => a.ip).sort()).toEqual(pods.map((p) => p.status.podIP).sort());
    expect(subset.ports).toEqual([{ port: 8080, protocol: "TCP" }]);

    await k(["-n", ns, "scale", "deployment", "web", "--replicas=1"]);
    await eventually(
      "one address left",
      async () => {
        const ep = await getJson(["-n", ns, "get", "endpoints", "web"]);
        return ep.subsets?.[0]?.addresses?.length === 1 && !ep.subsets[0].notReadyAddresses ? ep : undefined;
      },
      30_000,
    );
    if (version === "1.30") {
      const slices = JSON.parse(await k(["-n", ns, "get", "endpointslices", "-l", "kubernetes.io/service-name=web", "-o", "json"])) as { items: Slice[] };
      expect(slices.items).toHaveLength(1);
      expect(slices.items[0]!.endpoints!.filter((e) => e.conditions.ready)).toHaveLength(1);
    }
  }, slowTest);
});
