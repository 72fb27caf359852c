import { describe, expect, it } from "vitest";
import type { JsonObject, KubeObject, ResourceInfo } from "../api-types.js";
import { seedNamespaces } from "../bootstrap.js";
import { getPersona } from "../personas/index.js";
import { ResourceRegistry } from "../registry/index.js";
import { ObjectStore } from "../store/index.js";
import { statusErrorOf } from "../testing/status-error-of.js";
import { ObjectService } from "./object-service.js";

function cluster(version: string): { service: ObjectService; info: ResourceInfo } {
  const persona = getPersona(version);
  const store = new ObjectStore();
  seedNamespaces(store, persona.minor);
  const registry = new ResourceRegistry(persona);
  return { service: new ObjectService(store, registry, persona.minor), info: registry.lookup("", "v1", "services")! };
}

function svc(name: string, spec: JsonObject): KubeObject {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec };
}

const ports = (s: KubeObject): JsonObject[] => (s.spec as { ports: JsonObject[] }).ports;
const nodePorts = (s: KubeObject): unknown[] => ports(s).map((p) => p.nodePort);
const spec = (s: KubeObject): JsonObject => s.spec as JsonObject;

describe("node port allocation", () => {
  it("gives each port of a NodePort Service a node port in 30000-32767, above the static band from 1.27", () => {
    for (const [version, low] of [["1.16", 30000], ["1.30", 30086]] as const) {
      const { service, info } = cluster(version);
      const created = service.create(info, "default", svc("web", { type: "NodePort", ports: [{ name: "http", port: 80 }, { name: "https", port: 443 }] }));
      const [a, b] = nodePorts(created) as number[];
      for (const p of [a!, b!]) expect(p >= low && p <= 32767).toBe(true);
      expect(a).not.toBe(b);
    }
  });

  it("shares one node port between ports of the same number (TCP and UDP 53)", () => {
    const { service, info } = cluster("1.30");
    const created = service.create(info, "default", svc("dns", { type: "NodePort", ports: [{ name: "tcp", port: 53, protocol: "TCP" }, { name: "udp", port: 53, protocol: "UDP" }] }));
    const [a, b] = nodePorts(created);
    expect(a).toBe(b);
  });

  it("refuses a requested node port that is taken or out of range, with upstream's words, and frees ports on delete", () => {
    for (const version of ["1.16", "1.30"]) {
      const { service, info } = cluster(version);
      service.create(info, "default", svc("first", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }));
      const taken = statusErrorOf(() => service.create(info, "default", svc("second", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] })));
      expect(taken.code).toBe(422);
      expect(taken.message).toBe(`Service "second" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated`);
      expect(service.store.get("/services", "default", "second")).toBeUndefined();

      const outside = statusErrorOf(() => service.create(info, "default", svc("third", { type: "NodePort", ports: [{ port: 80, nodePort: 8080 }] })));
      expect(outside.message).toBe(
        `Service "third" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767`,
      );

      service.delete(info, "default", "first");
      const again = service.create(info, "default", svc("second", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }));
      expect(nodePorts(again)).toEqual([30080]);
    }
  });

  it("refuses one node port twice in a Service: Duplicate value by validation before 1.22, already allocated after", () => {
    const twice = svc("twice", { type: "NodePort", ports: [{ name: "a", port: 80, nodePort: 30100 }, { name: "b", port: 81, nodePort: 30100 }] });
    const old = cluster("1.16");
    expect(statusErrorOf(() => old.service.create(old.info, "default", twice)).message).toBe(`Service "twice" is invalid: spec.ports[1].nodePort: Duplicate value: 30100`);
    const current = cluster("1.30");
    expect(statusErrorOf(() => current.service.create(current.info, "default", twice)).message).toBe(
      `Service "twice" is invalid: spec.ports[1].nodePort: Invalid value: 30100: provided port is already allocated`,
    );
  });

  it("does not reserve ports on a dry run", () => {
    const { service, info } = cluster("1.30");
    service.create(info, "default", svc("dry", { type: "NodePort", ports: [{ port: 80, nodePort: 30200 }] }), { dryRun: true });
    expect(nodePorts(service.create(info, "default", svc("real", { type: "NodePort", ports: [{ port: 80, nodePort: 30200 }] })))).toEqual([30200]);
  });

  it("keeps node ports an update leaves out from 1.22 on (patchAllocatedValues), allocates afresh before", () => {
    const current = cluster("1.30");
    const created = current.service.create(current.info, "default", svc("keep", { type: "NodePort", ports: [{ name: "http", port: 80 }] }));
    const replaced = current.service.update(current.info, "default", "keep", svc("keep", { type: "NodePort", ports: [{ name: "http", port: 80 }] }));
    expect(nodePorts(replaced)).toEqual(nodePorts(created));

    const old = cluster("1.16");
    const first = old.service.create(old.info, "default", svc("keep", { type: "NodePort", ports: [{ name: "http", port: 80, nodePort: 30300 }] }));
    const second = old.service.update(old.info, "default", "keep", svc("keep", { type: "NodePort", ports: [{ name: "http", port: 80 }] }));
    expect(nodePorts(first)).toEqual([30300]);
    expect(nodePorts(second)[0]).not.toBe(30300);
    // The old port went back to the pool.
    expect(nodePorts(old.service.create(old.info, "default", svc("other", { type: "NodePort", ports: [{ port: 80, nodePort: 30300 }] })))).toEqual([30300]);
  });

  it("releases node ports when the type changes to ClusterIP (wiping unchanged ones from 1.20) and allocates on the way back", () => {
    const current = cluster("1.30");
    current.service.create(current.info, "default", svc("flip", { type: "NodePort", ports: [{ name: "http", port: 80, nodePort: 30400 }] }));
    const live = current.service.get(current.info, "default", "flip");
    const asClusterIp = current.service.update(current.info, "default", "flip", { ...live, spec: { ...spec(live), type: "ClusterIP" } });
    expect(nodePorts(asClusterIp)).toEqual([undefined]);
    expect(nodePorts(current.service.create(current.info, "default", svc("taker", { type: "NodePort", ports: [{ port: 80, nodePort: 30400 }] })))).toEqual([30400]);
    const back = current.service.get(current.info, "default", "flip");
    const asNodePort = current.service.update(current.info, "default", "flip", { ...back, spec: { ...spec(back), type: "NodePort" } });
    expect(nodePorts(asNodePort)[0]).toEqual(expect.any(Number));
    expect(nodePorts(asNodePort)[0]).not.toBe(30400);

    const old = cluster("1.16");
    old.service.create(old.info, "default", svc("flip", { type: "NodePort", ports: [{ name: "http", port: 80, nodePort: 30400 }] }));
    const oldLive = old.service.get(old.info, "default", "flip");
    const refused = statusErrorOf(() => old.service.update(old.info, "default", "flip", { ...oldLive, spec: { ...spec(oldLive), type: "ClusterIP" } }));
    expect(refused.message).toBe(`Service "flip" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when \`type\` is 'ClusterIP'`);
  });

  it("allocates LoadBalancer node ports unless allocateLoadBalancerNodePorts is false (a field served from 1.22)", () => {
    const current = cluster("1.30");
    const without = current.service.create(current.info, "default", svc("lb", { type: "LoadBalancer", allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }] }));
    expect(nodePorts(without)).toEqual([undefined]);
    const withPorts = current.service.create(current.info, "default", svc("lb2", { type: "LoadBalancer", ports: [{ port: 80 }] }));
    expect(spec(withPorts).allocateLoadBalancerNodePorts).toBe(true);
    expect(nodePorts(withPorts)[0]).toEqual(expect.any(Number));

    const older = cluster("1.20");
    const dropped = older.service.create(older.info, "default", svc("lb", { type: "LoadBalancer", allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }] }));
    expect(spec(dropped).allocateLoadBalancerNodePorts).toBeUndefined();
    expect(nodePorts(dropped)[0]).toEqual(expect.any(Number));
  });

  it("gives a Local LoadBalancer a health check node port and frees it when the policy goes back to Cluster", () => {
    const { service, info } = cluster("1.30");
    const created = service.create(info, "default", svc("local", { type: "LoadBalancer", externalTrafficPolicy: "Local", ports: [{ port: 80 }] }));
    const hc = spec(created).healthCheckNodePort as number;
    expect(hc >= 30000 && hc <= 32767).toBe(true);
    expect(hc).not.toBe(nodePorts(created)[0]);
    const live = service.get(info, "default", "local");
    const cluster_ = service.update(info, "default", "local", { ...live, spec: { ...spec(live), externalTrafficPolicy: "Cluster" } });
    expect(spec(cluster_).healthCheckNodePort).toBeUndefined();
    expect(nodePorts(service.create(info, "default", svc("taker", { type: "NodePort", ports: [{ port: 80, nodePort: hc }] })))).toEqual([hc]);
  });

  it("still refuses a changed clusterIP", () => {
    const { service, info } = cluster("1.30");
    const created = service.create(info, "default", svc("fixed", { type: "NodePort", ports: [{ port: 80 }] }));
    const refused = statusErrorOf(() => service.update(info, "default", "fixed", { ...created, spec: { ...spec(created), clusterIP: "10.96.200.200", clusterIPs: ["10.96.200.200"] } }));
    expect(refused.code).toBe(422);
    expect(refused.message).toContain("may not change once set");
  });
});
