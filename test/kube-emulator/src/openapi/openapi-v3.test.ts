import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { JsonObject, ResourceInfo } from "../api-types.js";
import { resourceInfo } from "../testing/resource-info.js";
import { buildOpenApiV3, buildOpenApiV3GroupVersion, buildOpenApiV3Index, groupVersionApiPath, openApiV3Hash } from "./index.js";

const resources: ResourceInfo[] = [
  resourceInfo("", "v1", "namespaces", "Namespace", false, { subresources: ["status"] }),
  resourceInfo("", "v1", "configmaps", "ConfigMap", true),
  resourceInfo("apps", "v1", "deployments", "Deployment", true, { subresources: ["status", "scale"] }),
  resourceInfo("stable.example.com", "v1", "crontabs", "CronTab", true),
  resourceInfo("stable.example.com", "v2", "crontabs", "CronTab", true),
];

const obj = (v: unknown): JsonObject => v as JsonObject;

/** The PATCH operations of a document whose GVK extension (a single object) matches, like kubectl's hasGVKExtensionV3. */
function patchOpsFor(doc: JsonObject, gvk: { group: string; version: string; kind: string }): JsonObject[] {
  const out: JsonObject[] = [];
  for (const item of Object.values(obj(doc.paths))) {
    const patch = obj(item).patch as JsonObject | undefined;
    if (!patch) continue;
    const ext = obj(patch["x-kubernetes-group-version-kind"]);
    if (ext.group === gvk.group && ext.version === gvk.version && ext.kind === gvk.kind) out.push(patch);
  }
  return out;
}

const hasQueryParam = (op: JsonObject, name: string) => (op.parameters as JsonObject[]).some((p) => p.name === name && p.in === "query");

describe("buildOpenApiV3", () => {
  it("indexes every group/version with the hash of the exact body served", () => {
    const set = buildOpenApiV3({ resources, info: { title: "Kubernetes", version: "v1.30.2" } });
    expect(Object.keys(obj(set.index.paths))).toEqual(["api/v1", "apis/apps/v1", "apis/stable.example.com/v1", "apis/stable.example.com/v2"]);
    for (const [gvPath, served] of set.groupVersions) {
      const sha = createHash("sha512").update(served.body).digest("hex").toUpperCase();
      expect(served.hash).toBe(sha);
      expect(JSON.parse(served.body)).toEqual(served.json);
      expect(obj(obj(set.index.paths)[gvPath]).serverRelativeURL).toBe(`/openapi/v3/${gvPath}?hash=${sha}`);
    }
    expect(JSON.parse(set.indexBody)).toEqual(set.index);
  });

  it("is stable across builds and changes when the resources do", () => {
    const a = buildOpenApiV3({ resources });
    const b = buildOpenApiV3({ resources });
    expect(b.indexBody).toBe(a.indexBody);
    const c = buildOpenApiV3({ resources: [...resources, resourceInfo("", "v1", "secrets", "Secret", true)] });
    expect(c.groupVersions.get("api/v1")!.hash).not.toBe(a.groupVersions.get("api/v1")!.hash);
    expect(c.groupVersions.get("apis/apps/v1")!.hash).toBe(a.groupVersions.get("apis/apps/v1")!.hash);
  });
});

describe("buildOpenApiV3GroupVersion", () => {
  it("describes only its own group/version", () => {
    const doc = buildOpenApiV3GroupVersion({ group: "stable.example.com", version: "v2", resources });
    expect(doc.openapi).toBe("3.0.0");
    expect(Object.keys(obj(doc.paths)).every((p) => p.startsWith("/apis/stable.example.com/v2/"))).toBe(true);
    expect(patchOpsFor(doc, { group: "stable.example.com", version: "v2", kind: "CronTab" })).toHaveLength(1);
    expect(patchOpsFor(doc, { group: "stable.example.com", version: "v1", kind: "CronTab" })).toHaveLength(0);
  });

  it("advertises fieldValidation on every PATCH by default", () => {
    const doc = buildOpenApiV3GroupVersion({ group: "", version: "v1", resources });
    const nsPatches = patchOpsFor(doc, { group: "", version: "v1", kind: "Namespace" });
    expect(nsPatches).toHaveLength(2); // the object and its status
    for (const op of nsPatches) expect(hasQueryParam(op, "fieldValidation")).toBe(true);
    expect(hasQueryParam(patchOpsFor(doc, { group: "", version: "v1", kind: "ConfigMap" })[0]!, "fieldValidation")).toBe(true);
    const post = obj(obj(obj(doc.paths)["/api/v1/namespaces/{namespace}/configmaps"]).post);
    expect(hasQueryParam(post, "fieldValidation")).toBe(true);
    expect(post["x-kubernetes-action"]).toBe("post");
  });

  it("omits fieldValidation when told to", () => {
    const doc = buildOpenApiV3GroupVersion({ group: "", version: "v1", resources, fieldValidation: false });
    for (const op of patchOpsFor(doc, { group: "", version: "v1", kind: "ConfigMap" })) expect(hasQueryParam(op, "fieldValidation")).toBe(false);
  });

  it("has components but no schemas, so kubectl patches with its compiled-in types", () => {
    const doc = buildOpenApiV3GroupVersion({ group: "apps", version: "v1", resources });
    expect(doc.components).toEqual({ schemas: {} });
  });

  it("lists strategic merge patch for built-in kinds only", () => {
    const patchContent = (doc: JsonObject, kind: string, group: string, version = "v1") =>
      Object.keys(obj(obj(patchOpsFor(doc, { group, version, kind })[0]!.requestBody).content));
    const apps = buildOpenApiV3GroupVersion({ group: "apps", version: "v1", resources });
    expect(patchContent(apps, "Deployment", "apps")).toContain("application/strategic-merge-patch+json");
    const custom = buildOpenApiV3GroupVersion({ group: "stable.example.com", version: "v1", resources });
    expect(patchContent(custom, "CronTab", "stable.example.com")).not.toContain("application/strategic-merge-patch+json");
    expect(patchContent(custom, "CronTab", "stable.example.com")).toContain("application/apply-patch+yaml");
  });

  it("points /scale at autoscaling/v1 Scale", () => {
    const doc = buildOpenApiV3GroupVersion({ group: "apps", version: "v1", resources });
    const scale = obj(obj(obj(doc.paths)["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]).patch);
    expect(scale["x-kubernetes-group-version-kind"]).toEqual({ group: "autoscaling", kind: "Scale", version: "v1" });
  });
});

describe("buildOpenApiV3Index", () => {
  it("maps core and named groups to hashed server-relative URLs", () => {
    const index = buildOpenApiV3Index(
      [
        { group: "", version: "v1" },
        { group: "apps", version: "v1" },
      ],
      (gvPath) => openApiV3Hash(gvPath),
    );
    expect(index).toEqual({
      paths: {
        "api/v1": { serverRelativeURL: `/openapi/v3/api/v1?hash=${openApiV3Hash("api/v1")}` },
        "apis/apps/v1": { serverRelativeURL: `/openapi/v3/apis/apps/v1?hash=${openApiV3Hash("apis/apps/v1")}` },
      },
    });
    expect(groupVersionApiPath({ group: "", version: "v1" })).toBe("api/v1");
  });
});
