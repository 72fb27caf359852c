// Services as a living cluster keeps them, through the real kubectl on the oldest and the
// newest persona: node ports from 30000-32767 with the real refusals, LoadBalancer Services
// given an address by the service controller (kept across a delete and a restore through the
// load balancer id annotation), and the status cleared when a Service stops being one.
import type { V1Service } from "@kubernetes/client-node";
import { describe, it } from "vitest";
import { apiFailure, useClientNode } from "../support/client-node.js";
import { eventually } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

const matrix = [
  { version: "1.16", transport: "http" },
  { version: "1.30", transport: "https" },
] as const;

// Tests that make many kubectl calls one after another get more than the default minute on a busy machine.
const slowTest = 120_000;

interface Svc {
  metadata: { name: string; uid: string; resourceVersion?: string; annotations?: Record<string, string>; finalizers?: string[]; [k: string]: unknown };
  spec: { type: string; clusterIP: string; healthCheckNodePort?: number; ports: Array<{ name?: string; port: number; nodePort?: number; protocol: string }> };
  status?: { loadBalancer?: { ingress?: Array<{ ip: string; ipMode?: string }> } };
}
interface EventList {
  items: Array<{ reason: string; message: string; source: { component: string }; involvedObject: { name: string; kind: string } }>;
}

const loadBalancerId = "emulator.lifeboat.dev/load-balancer-id";
// The IPv4 documentation networks the fake cloud hands load balancer addresses out of.
const documentationIp = /^(203\.0\.113|198\.51\.100|192\.0\.2)\.\d+$/;

function loadBalancer(name: string, extra: Record<string, unknown> = {}) {
  return { apiVersion: "v1", kind: "Service", metadata: { name }, spec: { type: "LoadBalancer", selector: { app: name }, ports: [{ name: "http", port: 80, targetPort: 8080 }], ...extra } };
}

describe.each(matrix)("Services against $version over $transport", ({ version, transport }) => {
  const { k, kr, getJson, namespace } = useKubectlCluster<Svc>(version, transport);

  const ingressIp = (ns: string, name: string) =>
    eventually(`an ingress address for ${ns}/${name}`, async () => {
      const svc = await getJson(["-n", ns, "get", "service", name]);
      return svc.status?.loadBalancer?.ingress?.[0] ? svc : undefined;
    });

  it.concurrent("kubectl create service nodeport gets a node port in 30000-32767", async ({ expect }) => {
    const ns = await namespace("svc-nodeport");
    expect(await k(["-n", ns, "create", "service", "nodeport", "web", "--tcp=80:8080"])).toContain("service/web created");
    const svc = await getJson(["-n", ns, "get", "service", "web"]);
    expect(svc.spec.type).toBe("NodePort");
    const nodePort = svc.spec.ports[0]!.nodePort!;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(nodePort).toBeLessThanOrEqual(32767);
    // kubectl's printer shows the port pair a real cluster shows.
    expect(await k(["-n", ns, "get", "service", "web", "-o", "jsonpath={.spec.ports[0].port}:{.spec.ports[0].nodePort}"])).toBe(`80:${nodePort}`);
  });

  it.concurrent("a node port already taken is refused with the real message, nothing is created, and deleting the holder frees it", async ({ expect }) => {
    const ns = await namespace("svc-taken");
    await k(["-n", ns, "create", "service", "nodeport", "first", "--tcp=80:8080", "--node-port=30080"]);
    const refused = await kr(["-n", ns, "create", "service", "nodeport", "second", "--tcp=80:8080", "--node-port=30080"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim()).toBe(
      `error: failed to create NodePort service: Service "second" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated`,
    );
    const fromFile = await kr(["-n", ns, "create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "second" }, spec: { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] } }));
    expect(fromFile.stderr.trim()).toBe(`The Service "second" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated`);
    const missing = await kr(["-n", ns, "get", "service", "second"]);
    expect(missing.stderr).toContain(`services "second" not found`);

    const outside = await kr(["-n", ns, "create", "service", "nodeport", "third", "--tcp=80:8080", "--node-port=8080"]);
    expect(outside.stderr).toContain(
      `Service "third" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767`,
    );

    await k(["-n", ns, "delete", "service", "first"]);
    await k(["-n", ns, "create", "service", "nodeport", "second", "--tcp=80:8080", "--node-port=30080"]);
    expect((await getJson(["-n", ns, "get", "service", "second"])).spec.ports[0]!.nodePort).toBe(30080);
  }, slowTest);

  it.concurrent("kubectl apply again keeps the node ports the server chose", async ({ expect }) => {
    const ns = await namespace("svc-reapply");
    const manifest = JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { type: "NodePort", selector: { app: "web" }, ports: [{ name: "http", port: 80 }] } });
    await k(["-n", ns, "apply", "-f", "-"], manifest);
    const before = await getJson(["-n", ns, "get", "service", "web"]);
    await k(["-n", ns, "apply", "-f", "-"], manifest.replace(`"selector":{"app":"web"}`, `"selector":{"app":"web2"}`));
    const after = await getJson(["-n", ns, "get", "service", "web"]);
    expect(after.spec.ports[0]!.nodePort).toBe(before.spec.ports[0]!.nodePort);
    expect(after.spec.clusterIP).toBe(before.spec.clusterIP);
  });

  it.concurrent("a LoadBalancer Service gets an ingress address, a load balancer id and the service controller's events", async ({ expect }) => {
    const ns = await namespace("svc-lb");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(loadBalancer("front")));
    const svc = await ingressIp(ns, "front");
    const ingress = svc.status!.loadBalancer!.ingress!;
    expect(ingress).toHaveLength(1);
    expect(ingress[0]!.ip).toMatch(documentationIp);
    if (version === "1.30") expect(ingress[0]!.ipMode).toBe("VIP");
    else expect(ingress[0]!.ipMode).toBeUndefined();
    expect(svc.metadata.annotations?.[loadBalancerId]).toMatch(/^a[0-9a-f]{31}$/);
    expect(svc.metadata.finalizers).toEqual(["service.kubernetes.io/load-balancer-cleanup"]);
    const nodePort = svc.spec.ports[0]!.nodePort!;
    expect(nodePort).toBeGreaterThanOrEqual(30000);

    const events = await getJson<EventList>(["-n", ns, "get", "events", "--field-selector", "involvedObject.name=front"]);
    const reasons = events.items.map((e) => e.reason).sort();
    expect(reasons).toEqual(["EnsuredLoadBalancer", "EnsuringLoadBalancer"]);
    expect(events.items.every((e) => e.source.component === "service-controller" && e.involvedObject.kind === "Service")).toBe(true);
    expect(events.items.find((e) => e.reason === "EnsuredLoadBalancer")!.message).toBe("Ensured load balancer");
  });

  it.concurrent("recreated from its saved YAML (with the load balancer id) a LoadBalancer gets its address back; a new one another", async ({ expect }) => {
    const ns = await namespace("svc-lb-restore");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(loadBalancer("kept")));
    const saved = await ingressIp(ns, "kept");
    const savedIp = saved.status!.loadBalancer!.ingress![0]!.ip;
    const savedId = saved.metadata.annotations![loadBalancerId]!;

    // kubectl delete waits until the service controller has released the balancer (its finalizer).
    expect(await k(["-n", ns, "delete", "service", "kept"])).toContain(`service "kept" deleted`);
    expect((await kr(["-n", ns, "get", "service", "kept"])).code).not.toBe(0);

    const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, selfLink: _sl, ...metadata } = saved.metadata;
    const restored = { ...saved, metadata, status: undefined };
    await k(["-n", ns, "create", "-f", "-"], JSON.stringify(restored));
    const back = await ingressIp(ns, "kept");
    expect(back.metadata.uid).not.toBe(saved.metadata.uid);
    expect(back.metadata.annotations![loadBalancerId]).toBe(savedId);
    expect(back.status!.loadBalancer!.ingress![0]!.ip).toBe(savedIp);

    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(loadBalancer("fresh")));
    const fresh = await ingressIp(ns, "fresh");
    expect(fresh.metadata.annotations![loadBalancerId]).not.toBe(savedId);
    expect(fresh.status!.loadBalancer!.ingress![0]!.ip).not.toBe(savedIp);
  }, slowTest);

  it.concurrent("a LoadBalancer turned ClusterIP loses its address, its finalizer and its node ports", async ({ expect }) => {
    const ns = await namespace("svc-lb-flip");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(loadBalancer("flip", { externalTrafficPolicy: "Local" })));
    const lb = await ingressIp(ns, "flip");
    expect(lb.spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    const patch = { spec: { type: "ClusterIP", externalTrafficPolicy: null, healthCheckNodePort: null, ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }] } };
    await k(["-n", ns, "patch", "service", "flip", "--type=merge", "-p", JSON.stringify(patch)]);
    const plain = await eventually("the load balancer to go", async () => {
      const svc = await getJson(["-n", ns, "get", "service", "flip"]);
      return svc.status?.loadBalancer?.ingress === undefined && !svc.metadata.finalizers ? svc : undefined;
    });
    expect(plain.spec.type).toBe("ClusterIP");
    expect(plain.spec.ports[0]!.nodePort).toBeUndefined();
    expect(plain.spec.clusterIP).toBe(lb.spec.clusterIP);
    expect(plain.status).toEqual({ loadBalancer: {} });
    const events = await getJson<EventList>(["-n", ns, "get", "events", "--field-selector", "involvedObject.name=flip"]);
    expect(events.items.map((e) => e.reason)).toEqual(expect.arrayContaining(["DeletingLoadBalancer", "DeletedLoadBalancer"]));

    // The freed node ports can be asked for again.
    const freed = [lb.spec.ports[0]!.nodePort!, lb.spec.healthCheckNodePort!];
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "taker" }, spec: { type: "NodePort", ports: freed.map((nodePort, i) => ({ name: `p${i}`, port: 80 + i, nodePort })) } }));
    expect((await getJson(["-n", ns, "get", "service", "taker"])).spec.ports.map((p) => p.nodePort)).toEqual(freed);
  }, slowTest);

  it.concurrent("the clusterIP of a Service cannot be changed", async ({ expect }) => {
    const ns = await namespace("svc-cip");
    await k(["-n", ns, "create", "service", "clusterip", "fixed", "--tcp=80:8080"]);
    const refused = await kr(["-n", ns, "patch", "service", "fixed", "--type=merge", "-p", JSON.stringify({ spec: { clusterIP: "10.96.200.200", clusterIPs: ["10.96.200.200"] } })]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`The Service "fixed" is invalid`);
    expect(refused.stderr).toContain("may not change once set");
  });
});

describe.each(matrix)("Services through client-node against $version over $transport", ({ version, transport }) => {
  const c = useClientNode({ k8sVersion: version, tls: transport === "https" }, "svc");
  const nodePortService = (name: string, nodePort?: number): V1Service => ({
    metadata: { name },
    spec: { type: "NodePort", ports: [{ name: "http", port: 80, ...(nodePort ? { nodePort } : {}) }] },
  });

  it.concurrent("a taken node port answers 422 Invalid naming the field", async ({ expect }) => {
    const namespace = await c.namespace();
    const first = await c.core.createNamespacedService({ namespace, body: nodePortService("first") });
    const taken = first.spec!.ports![0]!.nodePort!;
    const failure = await apiFailure(c.core.createNamespacedService({ namespace, body: nodePortService("second", taken) }));
    expect(failure.code).toBe(422);
    expect(failure.status).toMatchObject({
      reason: "Invalid",
      message: `Service "second" is invalid: spec.ports[0].nodePort: Invalid value: ${taken}: provided port is already allocated`,
      details: { name: "second", kind: "Service", causes: [{ reason: "FieldValueInvalid", field: "spec.ports[0].nodePort", message: `Invalid value: ${taken}: provided port is already allocated` }] },
    });
    // A replace that leaves the node port out keeps it (patchAllocatedValues) from 1.22; older servers pick another.
    const replaced = await c.core.replaceNamespacedService({ name: "first", namespace, body: { ...first, spec: { ...first.spec, ports: [{ name: "http", port: 80 }] } } });
    if (version === "1.30") expect(replaced.spec!.ports![0]!.nodePort).toBe(taken);
    else expect(replaced.spec!.ports![0]!.nodePort).not.toBe(taken);
  });

  it.concurrent("a LoadBalancer's address shows through the status subresource", async ({ expect }) => {
    const namespace = await c.namespace();
    await c.core.createNamespacedService({ namespace, body: { metadata: { name: "edge" }, spec: { type: "LoadBalancer", ports: [{ port: 443 }] } } });
    const status = await eventually("the edge's address", async () => {
      const svc = await c.core.readNamespacedServiceStatus({ name: "edge", namespace });
      return svc.status?.loadBalancer?.ingress?.length ? svc.status : undefined;
    });
    expect(status.loadBalancer!.ingress![0]!.ip).toMatch(documentationIp);
  });
});
