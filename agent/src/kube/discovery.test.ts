import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type RunningEmulator } from "@lifeboat/kube-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverApiResources, type DiscoveredResource } from "./discovery.js";
import { loadKubeConfig } from "./kube-config.js";

const STANDARD_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function find(resources: DiscoveredResource[], group: string, resource: string): DiscoveredResource | undefined {
  return resources.find((r) => r.group === group && r.resource === resource);
}

describe.each([
  { k8sVersion: "1.16" },
  { k8sVersion: "1.30" },
])("discovery against a $k8sVersion emulator", ({ k8sVersion }) => {
  let emulator: RunningEmulator;
  let dir: string;
  let resources: DiscoveredResource[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lifeboat-agent-discovery-"));
    emulator = await startEmulator({ k8sVersion, kubeconfigPath: join(dir, "kubeconfig"), controllers: [] });
    const discovery = await discoverApiResources(loadKubeConfig({ kubeconfig: join(dir, "kubeconfig") }));
    expect(discovery.failed).toEqual([]);
    resources = discovery.resources;
  });

  afterAll(async () => {
    await emulator?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("lists core resources with kind, scope and verbs, folding subresources into their resource", () => {
    expect(find(resources, "", "pods")).toMatchObject({
      kind: "Pod",
      namespaced: true,
      versions: ["v1"],
      preferredVersion: "v1",
      verbs: STANDARD_VERBS,
      shortNames: ["po"],
      categories: ["all"],
    });
    expect(find(resources, "", "pods")?.subresources).toEqual(expect.arrayContaining(["status", "log", "exec", "binding", "eviction"]));
    expect(find(resources, "", "namespaces")).toMatchObject({ namespaced: false, verbs: STANDARD_VERBS.filter((v) => v !== "deletecollection") });
    expect(resources.some((r) => r.resource.includes("/"))).toBe(false);
  });

  it("lists every served version of a resource, the group's preferred first", () => {
    expect(find(resources, "apps", "deployments")).toMatchObject({ versions: ["v1"], preferredVersion: "v1", kind: "Deployment" });
    expect(find(resources, "apps", "deployments")?.subresources).toEqual(expect.arrayContaining(["scale", "status"]));
  });

  if (k8sVersion === "1.16") {
    it("serves Ingress as extensions/v1beta1 and networking.k8s.io/v1beta1, preferring the version that serves it", () => {
      expect(find(resources, "extensions", "ingresses")).toMatchObject({ versions: ["v1beta1"], preferredVersion: "v1beta1", kind: "Ingress", verbs: STANDARD_VERBS });
      // networking.k8s.io prefers v1 on 1.16, where only NetworkPolicy lives; Ingress is v1beta1 there.
      expect(find(resources, "networking.k8s.io", "ingresses")).toMatchObject({ versions: ["v1beta1"], preferredVersion: "v1beta1" });
      expect(find(resources, "networking.k8s.io", "networkpolicies")).toMatchObject({ preferredVersion: "v1" });
    });

    it("serves CronJob only as batch/v1beta1 and Job as batch/v1", () => {
      expect(find(resources, "batch", "cronjobs")).toMatchObject({ versions: ["v1beta1"], preferredVersion: "v1beta1", kind: "CronJob", shortNames: ["cj"] });
      expect(find(resources, "batch", "jobs")).toMatchObject({ versions: ["v1"], preferredVersion: "v1" });
    });
  } else {
    it("serves Ingress only as networking.k8s.io/v1 and CronJob as batch/v1", () => {
      expect(find(resources, "networking.k8s.io", "ingresses")).toMatchObject({ versions: ["v1"], preferredVersion: "v1", verbs: STANDARD_VERBS, subresources: ["status"] });
      expect(find(resources, "extensions", "ingresses")).toBeUndefined();
      expect(find(resources, "batch", "cronjobs")).toMatchObject({ versions: ["v1"], preferredVersion: "v1" });
    });

    it("lists a version beside the preferred one when the group serves several", () => {
      const hpa = find(resources, "autoscaling", "horizontalpodautoscalers");
      expect(hpa?.preferredVersion).toBe("v2");
      expect(hpa?.versions).toEqual(expect.arrayContaining(["v2", "v1"]));
      expect(hpa?.versions[0]).toBe("v2");
    });
  }
});
