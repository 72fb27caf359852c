import { describe, expect, it } from "vitest";
import type { DiscoveredResource } from "../../kube/index.js";
import { toBackupResources } from "./discover.js";

function discovered(resource: string, verbs: string[], fields: Partial<DiscoveredResource> = {}): DiscoveredResource {
  return { group: "", resource, kind: "K", namespaced: true, versions: ["v1"], preferredVersion: "v1", verbs, subresources: [], shortNames: [], categories: [], ...fields };
}

describe("discovering what a backup can read", () => {
  it("keeps only resources it can list and get", () => {
    const resources = toBackupResources([
      discovered("configmaps", ["create", "get", "list", "watch"]),
      discovered("bindings", ["create"]),
      discovered("tokenreviews", ["create"]),
      discovered("componentstatuses", ["get", "list"]),
      discovered("events-only-list", ["list"]),
    ]);
    expect(resources.map((r) => r.resource)).toEqual(["configmaps", "componentstatuses"]);
  });

  it("puts the preferred version first among every served version", () => {
    const [hpa] = toBackupResources([discovered("horizontalpodautoscalers", ["get", "list"], { group: "autoscaling", versions: ["v1", "v2"], preferredVersion: "v2" })]);
    expect(hpa).toMatchObject({ versions: ["v2", "v1"], preferredVersion: "v2" });
  });
});
