// Discovery through client-node: /version, /api, /apis, and per group-version resource lists,
// checked against what a stock API server of each persona's version serves.
import { ApisApi, CoreApi, CoreV1Api, CustomObjectsApi, VersionApi, type V1APIGroup } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { useClientNode } from "../support/client-node.js";
import { personaGrid } from "../support/clusters.js";

describe.each(personaGrid)("discovery on %s (tls: %s)", (version, tls) => {
  const k = useClientNode({ k8sVersion: version, tls });
  const groups = new Map<string, V1APIGroup>();

  beforeAll(async () => {
    const list = await k.kc.makeApiClient(ApisApi).getAPIVersions();
    for (const g of list.groups) groups.set(g.name, g);
  });

  const served = (group: string) => groups.get(group)?.versions.map((v) => v.version) ?? [];
  const preferred = (group: string) => groups.get(group)?.preferredVersion?.version;
  const resources = async (group: string, v: string) => {
    const list = await k.kc.makeApiClient(CustomObjectsApi).getAPIResources({ group, version: v });
    expect(list.groupVersion).toBe(`${group}/${v}`);
    return list.resources.map((r) => r.name);
  };

  it("answers /version with the persona's version", async () => {
    const info = await k.kc.makeApiClient(VersionApi).getCode();
    const minor = version.split(".")[1]!;
    expect(info.major).toBe("1");
    expect(info.minor.replace(/\+$/, "")).toBe(minor);
    expect(info.gitVersion).toMatch(new RegExp(`^v1\\.${minor}\\.\\d+`));
    expect(info.platform).toMatch(/\//);
  });

  it("serves the core group v1 with its resources", async () => {
    const versions = await k.kc.makeApiClient(CoreApi).getAPIVersions();
    expect(versions.versions).toEqual(["v1"]);
    expect(versions.serverAddressByClientCIDRs?.length).toBeGreaterThan(0);
    const list = await k.kc.makeApiClient(CoreV1Api).getAPIResources();
    expect(list.groupVersion).toBe("v1");
    const names = list.resources.map((r) => r.name);
    for (const r of ["configmaps", "secrets", "pods", "pods/status", "services", "namespaces", "namespaces/finalize", "namespaces/status", "nodes", "persistentvolumeclaims", "serviceaccounts", "replicationcontrollers/scale"]) {
      expect(names).toContain(r);
    }
    const cm = list.resources.find((r) => r.name === "configmaps")!;
    expect(cm).toMatchObject({ kind: "ConfigMap", namespaced: true });
    expect(cm.verbs).toEqual(expect.arrayContaining(["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]));
    expect(list.resources.find((r) => r.name === "namespaces")).toMatchObject({ kind: "Namespace", namespaced: false });
  });

  it("lists groups with apps/v1 everywhere and no core group in /apis", () => {
    expect(groups.has("")).toBe(false);
    expect(served("apps")).toContain("v1");
    expect(preferred("apps")).toBe("v1");
    expect(served("apiextensions.k8s.io")).toContain("v1");
    expect(served("rbac.authorization.k8s.io")).toContain("v1");
    expect(served("storage.k8s.io")).toContain("v1");
    for (const g of groups.values()) {
      // Every group's preferred version is one of its served versions.
      expect(g.versions.map((v) => v.groupVersion)).toContain(g.preferredVersion?.groupVersion);
      for (const v of g.versions) expect(v.groupVersion).toBe(`${g.name}/${v.version}`);
    }
  });

  if (version === "1.16") {
    it("1.16: extensions/v1beta1 preferred and serving ingresses", async () => {
      expect(served("extensions")).toEqual(["v1beta1"]);
      expect(preferred("extensions")).toBe("v1beta1");
      const ext = await resources("extensions", "v1beta1");
      expect(ext).toContain("ingresses");
      // Stock 1.16 stopped serving workloads, PSPs and network policies from extensions.
      for (const gone of ["deployments", "daemonsets", "replicasets", "podsecuritypolicies", "networkpolicies"]) expect(ext).not.toContain(gone);
    });

    it("1.16: ingresses in networking.k8s.io/v1beta1, network policies in v1", async () => {
      expect(served("networking.k8s.io")).toEqual(expect.arrayContaining(["v1", "v1beta1"]));
      expect(preferred("networking.k8s.io")).toBe("v1");
      expect(await resources("networking.k8s.io", "v1beta1")).toContain("ingresses");
      const v1 = await resources("networking.k8s.io", "v1");
      expect(v1).toContain("networkpolicies");
      expect(v1).not.toContain("ingresses");
      expect(v1).not.toContain("ingressclasses");
    });

    it("1.16: batch/v1beta1 cronjobs, batch/v1 preferred", async () => {
      expect(served("batch")).toEqual(expect.arrayContaining(["v1", "v1beta1"]));
      expect(preferred("batch")).toBe("v1");
      expect(await resources("batch", "v1beta1")).toContain("cronjobs");
      expect(await resources("batch", "v1")).not.toContain("cronjobs");
    });

    it("1.16: policy/v1beta1 with poddisruptionbudgets and podsecuritypolicies, no policy/v1", async () => {
      expect(served("policy")).toEqual(["v1beta1"]);
      const policy = await resources("policy", "v1beta1");
      expect(policy).toEqual(expect.arrayContaining(["poddisruptionbudgets", "podsecuritypolicies"]));
    });

    it("1.16: autoscaling v1, v2beta1, v2beta2 with v1 preferred", async () => {
      expect([...served("autoscaling")].sort()).toEqual(["v1", "v2beta1", "v2beta2"]);
      expect(preferred("autoscaling")).toBe("v1");
      expect(await resources("autoscaling", "v2beta2")).toContain("horizontalpodautoscalers");
    });

    it("1.16: none of the later groups", () => {
      expect(groups.has("discovery.k8s.io")).toBe(false);
      expect(groups.has("flowcontrol.apiserver.k8s.io")).toBe(false);
      expect(served("apps")).toEqual(["v1"]);
    });
  } else {
    it("1.30: networking.k8s.io/v1 serves ingresses and ingressclasses; no v1beta1", async () => {
      expect(served("networking.k8s.io")).toEqual(["v1"]);
      const v1 = await resources("networking.k8s.io", "v1");
      expect(v1).toEqual(expect.arrayContaining(["ingresses", "ingresses/status", "ingressclasses", "networkpolicies"]));
    });

    it("1.30: batch/v1 cronjobs only", async () => {
      expect(served("batch")).toEqual(["v1"]);
      expect(await resources("batch", "v1")).toEqual(expect.arrayContaining(["jobs", "cronjobs", "cronjobs/status"]));
    });

    it("1.30: policy/v1 without podsecuritypolicies", async () => {
      expect(served("policy")).toEqual(["v1"]);
      const policy = await resources("policy", "v1");
      expect(policy).toContain("poddisruptionbudgets");
      expect(policy).not.toContain("podsecuritypolicies");
    });

    it("1.30: autoscaling v2 preferred, v1 still served", () => {
      expect([...served("autoscaling")].sort()).toEqual(["v1", "v2"]);
      expect(preferred("autoscaling")).toBe("v2");
    });

    it("1.30: discovery.k8s.io/v1 and flowcontrol v1 + v1beta3", async () => {
      expect(served("discovery.k8s.io")).toEqual(["v1"]);
      expect(await resources("discovery.k8s.io", "v1")).toContain("endpointslices");
      expect([...served("flowcontrol.apiserver.k8s.io")].sort()).toEqual(["v1", "v1beta3"]);
      expect(preferred("flowcontrol.apiserver.k8s.io")).toBe("v1");
      expect(await resources("flowcontrol.apiserver.k8s.io", "v1")).toEqual(expect.arrayContaining(["flowschemas", "prioritylevelconfigurations"]));
    });

    it("1.30: no extensions group and no PodSecurityPolicy anywhere", async () => {
      expect(groups.has("extensions")).toBe(false);
      for (const g of groups.values()) {
        for (const v of g.versions) {
          expect(await resources(g.name, v.version)).not.toContain("podsecuritypolicies");
        }
      }
    });
  }
});
