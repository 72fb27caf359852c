import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../api-types.js";
import { getPersona } from "../../personas/index.js";
import { ResourceRegistry } from "../../registry/index.js";
import { resourceList } from "./discovery.js";

function coreEntries(minor: number): JsonObject[] {
  const list = resourceList(new ResourceRegistry(getPersona(minor)), "", "v1", minor);
  return list.resources as JsonObject[];
}

describe("pod subresources in /api/v1", () => {
  it("lists them after pods, in sorted order, with the kinds and verbs of a 1.30 server", () => {
    const pods = coreEntries(30).filter((r) => String(r.name).startsWith("pods"));
    expect(pods.map((r) => [r.name, r.kind, r.verbs, r.group ?? "", r.version ?? ""])).toEqual([
      ["pods", "Pod", ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], "", ""],
      ["pods/attach", "PodAttachOptions", ["create", "get"], "", ""],
      ["pods/binding", "Binding", ["create"], "", ""],
      ["pods/ephemeralcontainers", "Pod", ["get", "patch", "update"], "", ""],
      ["pods/eviction", "Eviction", ["create"], "policy", "v1"],
      ["pods/exec", "PodExecOptions", ["create", "get"], "", ""],
      ["pods/log", "Pod", ["get"], "", ""],
      ["pods/portforward", "PodPortForwardOptions", ["create", "get"], "", ""],
      ["pods/proxy", "PodProxyOptions", ["create", "delete", "get", "patch", "update"], "", ""],
      ["pods/status", "Pod", ["get", "patch", "update"], "", ""],
    ]);
    expect(pods.slice(1).every((r) => r.singularName === "" && r.namespaced === true)).toBe(true);
  });

  it("has policy/v1beta1 evictions and no ephemeral containers before 1.22 and 1.23", () => {
    const names = coreEntries(16).map((r) => r.name);
    expect(names).not.toContain("pods/ephemeralcontainers");
    expect(coreEntries(16).find((r) => r.name === "pods/eviction")).toMatchObject({ group: "policy", version: "v1beta1" });
    expect(coreEntries(22).map((r) => r.name)).not.toContain("pods/ephemeralcontainers");
    expect(coreEntries(22).find((r) => r.name === "pods/eviction")).toMatchObject({ version: "v1" });
  });

  it("keeps the other resources' subresources sorted too", () => {
    const names = coreEntries(30).map((r) => r.name);
    expect(names.filter((n) => String(n).startsWith("namespaces"))).toEqual(["namespaces", "namespaces/finalize", "namespaces/status"]);
    expect(names.filter((n) => String(n).startsWith("replicationcontrollers"))).toEqual(["replicationcontrollers", "replicationcontrollers/scale", "replicationcontrollers/status"]);
  });
});
