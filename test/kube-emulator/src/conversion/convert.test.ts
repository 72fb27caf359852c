import { describe, expect, it } from "vitest";
import { formatGroupVersion, parseApiVersion, type KubeObject } from "../api-types.js";
import { StatusError } from "../http/status-error.js";
import { getPersona, storageVersions, supportedVersions } from "../personas/index.js";
import { conversionTable, convertObject, PDB_V1BETA1_LABEL } from "./index.js";

describe("convertObject", () => {
  it("returns a copy in the same version", () => {
    const cm: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } };
    const out = convertObject(cm, { group: "", version: "v1", kind: "ConfigMap" });
    expect(out).toEqual(cm);
    expect(out).not.toBe(cm);
    expect(out.metadata).not.toBe(cm.metadata);
  });

  it("renames apiVersion for custom resources and same-schema versions", () => {
    const cr: KubeObject = { apiVersion: "example.com/v1alpha1", kind: "Widget", metadata: { name: "w" }, spec: { size: 3 } };
    expect(convertObject(cr, { group: "example.com", version: "v1", kind: "Widget" })).toEqual({ ...cr, apiVersion: "example.com/v1" });
    const role: KubeObject = { apiVersion: "rbac.authorization.k8s.io/v1beta1", kind: "Role", metadata: { name: "r" }, rules: [] };
    expect(convertObject(role, { group: "rbac.authorization.k8s.io", version: "v1", kind: "Role" }).apiVersion).toBe("rbac.authorization.k8s.io/v1");
    const csi: KubeObject = { apiVersion: "storage.k8s.io/v1beta1", kind: "CSIDriver", metadata: { name: "d" }, spec: { attachRequired: true } };
    expect(convertObject(csi, { group: "storage.k8s.io", version: "v1", kind: "CSIDriver" })).toEqual({ ...csi, apiVersion: "storage.k8s.io/v1" });
  });

  it("throws an InternalError naming source and target when no conversion exists", () => {
    const dep: KubeObject = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } };
    const attempt = (to: { group: string; version: string; kind: string }) => {
      try {
        convertObject(dep, to);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    for (const to of [
      { group: "batch", version: "v1", kind: "CronJob" },
      { group: "batch", version: "v1", kind: "Deployment" },
      { group: "example.com", version: "v1", kind: "Deployment" },
    ]) {
      const err = attempt(to);
      expect(err).toBeInstanceOf(StatusError);
      expect(err).toMatchObject({ code: 500, reason: "InternalError" });
      expect((err as Error).message).toContain("apps/v1, Kind=Deployment");
      expect((err as Error).message).toContain(`${formatGroupVersion(to)}, Kind=${to.kind}`);
    }
    const cr: KubeObject = { apiVersion: "a.example.com/v1", kind: "Widget", metadata: { name: "w" } };
    expect(() => convertObject(cr, { group: "b.example.com", version: "v1", kind: "Widget" })).toThrow(StatusError);
  });

  it("rejects an object without apiVersion or kind", () => {
    expect(() => convertObject({ apiVersion: "", kind: "Pod", metadata: {} }, { group: "", version: "v1", kind: "Pod" })).toThrow(
      expect.objectContaining({ code: 400, reason: "BadRequest" }),
    );
  });

  it("uses the persona storage version of every storage key as its hub", () => {
    for (const family of conversionTable.values()) {
      const storageGroup = family.storageKey.slice(0, family.storageKey.lastIndexOf("/"));
      expect(family.hub.group).toBe(storageGroup);
      expect(storageVersions.get(family.storageKey)).toBe(family.hub.version);
    }
  });

  it("converts every served version of every persona to its storage version and back", () => {
    for (const v of supportedVersions) {
      for (const legacyApis of [false, true]) {
        for (const g of getPersona(v, { legacyApis }).groups) {
          for (const r of g.resources) {
            const obj: KubeObject = { apiVersion: formatGroupVersion(r), kind: r.kind, metadata: { name: "x", namespace: "default" } };
            const storageGroup = r.storageKey.slice(0, r.storageKey.lastIndexOf("/"));
            const stored = convertObject(obj, { group: storageGroup, version: r.storageVersion, kind: r.kind });
            expect(parseApiVersion(stored.apiVersion)).toEqual({ group: storageGroup, version: r.storageVersion });
            expect(convertObject(stored, r).apiVersion).toBe(obj.apiVersion);
          }
        }
      }
    }
  });
});

describe("CronJob batch/v1beta1 <-> v1", () => {
  it("only renames", () => {
    const cj: KubeObject = {
      apiVersion: "batch/v1beta1",
      kind: "CronJob",
      metadata: { name: "report", namespace: "ops" },
      spec: {
        schedule: "0 3 * * *",
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
        jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "r", image: "busybox" }] } } } },
      },
      status: { lastScheduleTime: "2024-05-01T03:00:00Z" },
    };
    const v1 = convertObject(cj, { group: "batch", version: "v1", kind: "CronJob" });
    expect(v1).toEqual({ ...cj, apiVersion: "batch/v1" });
    expect(convertObject(v1, { group: "batch", version: "v1beta1", kind: "CronJob" })).toEqual(cj);
  });
});

describe("PodDisruptionBudget policy/v1beta1 <-> v1", () => {
  const pdb = (apiVersion: string, selector: unknown): KubeObject =>
    ({ apiVersion, kind: "PodDisruptionBudget", metadata: { name: "p" }, spec: { minAvailable: 1, selector } }) as KubeObject;
  const toV1 = { group: "policy", version: "v1", kind: "PodDisruptionBudget" };
  const toV1beta1 = { group: "policy", version: "v1beta1", kind: "PodDisruptionBudget" };
  const matchNone = { matchExpressions: [{ key: PDB_V1BETA1_LABEL, operator: "Exists" }] };
  const matchAll = { matchExpressions: [{ key: PDB_V1BETA1_LABEL, operator: "DoesNotExist" }] };

  it("keeps an ordinary selector", () => {
    const p = pdb("policy/v1beta1", { matchLabels: { app: "web" } });
    expect(convertObject(p, toV1)).toEqual({ ...p, apiVersion: "policy/v1" });
  });

  it("keeps the meaning of an empty selector in each version", () => {
    // v1beta1 {} selects nothing: in v1 that needs a never-matching selector.
    expect((convertObject(pdb("policy/v1beta1", {}), toV1).spec as any).selector).toEqual(matchNone);
    expect((convertObject(pdb("policy/v1", matchNone), toV1beta1).spec as any).selector).toEqual({});
    // v1 {} selects everything: in v1beta1 that needs an always-matching selector.
    expect((convertObject(pdb("policy/v1", {}), toV1beta1).spec as any).selector).toEqual(matchAll);
    expect((convertObject(pdb("policy/v1beta1", matchAll), toV1).spec as any).selector).toEqual({});
    expect((convertObject(pdb("policy/v1beta1", { matchLabels: {} }), toV1).spec as any).selector).toEqual(matchNone);
  });

  it("leaves a missing selector missing", () => {
    const p: KubeObject = { apiVersion: "policy/v1beta1", kind: "PodDisruptionBudget", metadata: { name: "p" }, spec: { maxUnavailable: 1 } };
    expect(convertObject(p, toV1).spec).toEqual({ maxUnavailable: 1 });
  });

  it("PodSecurityPolicy extensions/v1beta1 <-> policy/v1beta1 only renames", () => {
    const psp: KubeObject = { apiVersion: "extensions/v1beta1", kind: "PodSecurityPolicy", metadata: { name: "restricted" }, spec: { privileged: false } };
    expect(convertObject(psp, { group: "policy", version: "v1beta1", kind: "PodSecurityPolicy" })).toEqual({ ...psp, apiVersion: "policy/v1beta1" });
  });
});

describe("EndpointSlice discovery.k8s.io/v1beta1 <-> v1", () => {
  it("splits topology into zone, nodeName and deprecatedTopology", () => {
    const beta: KubeObject = {
      apiVersion: "discovery.k8s.io/v1beta1",
      kind: "EndpointSlice",
      metadata: { name: "web-abc", namespace: "shop", labels: { "kubernetes.io/service-name": "web" } },
      addressType: "IPv4",
      endpoints: [
        {
          addresses: ["10.0.0.5"],
          conditions: { ready: true },
          nodeName: "node-1",
          topology: { "kubernetes.io/hostname": "node-1", "topology.kubernetes.io/zone": "eu-west-1a", "example.com/rack": "r1" },
        },
        { addresses: ["10.0.0.6"], conditions: { ready: false } },
      ],
      ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    };
    const v1 = convertObject(beta, { group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice" });
    expect((v1 as any).endpoints).toEqual([
      { addresses: ["10.0.0.5"], conditions: { ready: true }, nodeName: "node-1", zone: "eu-west-1a", deprecatedTopology: { "example.com/rack": "r1" } },
      { addresses: ["10.0.0.6"], conditions: { ready: false } },
    ]);
    expect(convertObject(v1, { group: "discovery.k8s.io", version: "v1beta1", kind: "EndpointSlice" })).toEqual(beta);
  });
});

describe("PriorityLevelConfiguration flowcontrol", () => {
  it("renames assuredConcurrencyShares to nominalConcurrencyShares", () => {
    const plc: KubeObject = {
      apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2",
      kind: "PriorityLevelConfiguration",
      metadata: { name: "workload-low" },
      spec: { type: "Limited", limited: { assuredConcurrencyShares: 100, limitResponse: { type: "Queue" } } },
    };
    const v1 = convertObject(plc, { group: "flowcontrol.apiserver.k8s.io", version: "v1", kind: "PriorityLevelConfiguration" });
    expect(v1.spec).toEqual({ type: "Limited", limited: { nominalConcurrencyShares: 100, limitResponse: { type: "Queue" } } });
    expect(convertObject(v1, { group: "flowcontrol.apiserver.k8s.io", version: "v1beta1", kind: "PriorityLevelConfiguration" })).toEqual({
      ...plc,
      apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1",
    });
    expect(convertObject(v1, { group: "flowcontrol.apiserver.k8s.io", version: "v1beta3", kind: "PriorityLevelConfiguration" }).spec).toEqual(v1.spec);
  });
});
