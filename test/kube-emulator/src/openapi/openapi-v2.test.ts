import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import type { JsonObject, ResourceInfo } from "../api-types.js";
import { resourceInfo } from "../testing/resource-info.js";
import { buildOpenApiV2, encodeSwaggerAsGnostic, negotiateOpenApiV2, versionHasFieldValidation } from "./index.js";

/** A decoded protobuf message: field number -> raw values (bytes for length-delimited, bigint-free numbers for varints). */
type Fields = Map<number, Array<Uint8Array | number>>;

function decode(buf: Uint8Array): Fields {
  const r = new BinaryReader(buf);
  const out: Fields = new Map();
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    let v: Uint8Array | number;
    if (wt === WireType.LengthDelimited) v = r.bytes();
    else if (wt === WireType.Varint) v = r.uint32();
    else throw new Error(`unexpected wire type ${wt} for field ${no}`);
    const list = out.get(no) ?? [];
    list.push(v);
    out.set(no, list);
  }
  return out;
}

const text = new TextDecoder();
const bytesOf = (f: Fields, no: number): Uint8Array[] => (f.get(no) ?? []).map((v) => (v instanceof Uint8Array ? v : fail(`field ${no} is not length-delimited`)));
const strOf = (f: Fields, no: number): string | undefined => {
  const b = bytesOf(f, no)[0];
  return b === undefined ? undefined : text.decode(b);
};
const msgOf = (f: Fields, no: number): Fields | undefined => {
  const b = bytesOf(f, no)[0];
  return b === undefined ? undefined : decode(b);
};
const msgsOf = (f: Fields, no: number): Fields[] => bytesOf(f, no).map(decode);
function fail(msg: string): never {
  throw new Error(msg);
}

/** NamedAny list -> { name: parsed YAML value }. */
function extensions(f: Fields, no: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const named of msgsOf(f, no)) {
    const any = msgOf(named, 2)!;
    out[strOf(named, 1)!] = parseYaml(strOf(any, 2)!);
  }
  return out;
}

/** Document.paths (8) -> Paths.path (2) NamedPathItem {name 1, value 2}. */
function pathItems(doc: Fields): Map<string, Fields> {
  const paths = msgOf(doc, 8)!;
  return new Map(msgsOf(paths, 2).map((named) => [strOf(named, 1)!, msgOf(named, 2)!]));
}

/** Names of the query parameters of an Operation (parameters = 8). */
function queryParamNames(op: Fields): string[] {
  const names: string[] = [];
  for (const item of msgsOf(op, 8)) {
    const nonBody = msgOf(msgOf(item, 1)!, 2); // ParametersItem.parameter -> Parameter.non_body_parameter
    const query = nonBody && msgOf(nonBody, 3); // NonBodyParameter.query_parameter_sub_schema
    if (query) names.push(strOf(query, 4)!); // QueryParameterSubSchema.name
  }
  return names;
}

const resources: ResourceInfo[] = [
  resourceInfo("", "v1", "namespaces", "Namespace", false, { verbs: ["create", "delete", "get", "list", "patch", "update", "watch"], subresources: ["status"] }),
  resourceInfo("", "v1", "pods", "Pod", true, { subresources: ["status"] }),
  resourceInfo("apps", "v1", "deployments", "Deployment", true, { subresources: ["status", "scale"] }),
  resourceInfo("stable.example.com", "v1", "crontabs", "CronTab", true),
  resourceInfo("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", false, { verbs: ["create"] }),
];

describe("buildOpenApiV2", () => {
  it("encodes swagger, info and paths as a gnostic Document", () => {
    const { json, protobuf } = buildOpenApiV2({ title: "Kubernetes", version: "v1.30.2", resources });
    const doc = decode(protobuf);
    expect(strOf(doc, 1)).toBe("2.0"); // Document.swagger
    const info = msgOf(doc, 2)!; // Document.info
    expect(strOf(info, 1)).toBe("Kubernetes");
    expect(strOf(info, 2)).toBe("v1.30.2");
    expect(json.swagger).toBe("2.0");
    expect(json.info).toEqual({ title: "Kubernetes", version: "v1.30.2" });

    const items = pathItems(doc);
    expect([...items.keys()]).toEqual(Object.keys(json.paths as JsonObject));
    expect(items.has("/api/v1/namespaces/{namespace}/pods/{name}")).toBe(true);
    expect(items.has("/api/v1/pods")).toBe(true);
    expect(items.has("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale")).toBe(true);
    expect(items.has("/apis/stable.example.com/v1/namespaces/{namespace}/crontabs")).toBe(true);
  });

  it("publishes no definitions, so kubectl's schema validation skips every kind", () => {
    const { json, protobuf } = buildOpenApiV2({ title: "Kubernetes", version: "v1.30.2", resources });
    expect(json.definitions).toEqual({});
    const definitions = msgOf(decode(protobuf), 9)!; // Document.definitions
    expect(definitions.size).toBe(0);
  });

  it("carries the PATCH operation's GVK and action as YAML vendor extensions", () => {
    const { protobuf } = buildOpenApiV2({ title: "Kubernetes", version: "v1.30.2", resources });
    const item = pathItems(decode(protobuf)).get("/api/v1/namespaces/{namespace}/pods/{name}")!;
    const patch = msgOf(item, 8)!; // PathItem.patch
    expect(strOf(patch, 5)).toBe("patchCoreV1NamespacedPod"); // Operation.operation_id
    expect(extensions(patch, 13)).toEqual({
      "x-kubernetes-action": "patch",
      "x-kubernetes-group-version-kind": { group: "", kind: "Pod", version: "v1" },
    });
    // Operation.consumes: a built-in kind advertises strategic merge patch.
    expect(bytesOf(patch, 7).map((b) => text.decode(b))).toContain("application/strategic-merge-patch+json");
    for (const method of [2, 3, 5]) expect(msgOf(item, method)).toBeDefined(); // get, put, delete
    expect(msgOf(item, 4)).toBeUndefined(); // no post on the item path

    const scale = msgOf(pathItems(decode(protobuf)).get("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale")!, 8)!;
    expect(extensions(scale, 13)["x-kubernetes-group-version-kind"]).toEqual({ group: "autoscaling", kind: "Scale", version: "v1" });
  });

  it("does not advertise strategic merge patch for custom resources", () => {
    const { protobuf } = buildOpenApiV2({ title: "Kubernetes", version: "v1.30.2", resources });
    const patch = msgOf(pathItems(decode(protobuf)).get("/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}")!, 8)!;
    const consumes = bytesOf(patch, 7).map((b) => text.decode(b));
    expect(consumes).toContain("application/merge-patch+json");
    expect(consumes).not.toContain("application/strategic-merge-patch+json");
  });

  it("advertises fieldValidation on PATCH from 1.23 on, not before", () => {
    const patchOf = (version: string) =>
      msgOf(pathItems(decode(buildOpenApiV2({ title: "Kubernetes", version, resources }).protobuf)).get("/api/v1/namespaces/{name}")!, 8)!;
    expect(queryParamNames(patchOf("v1.30.2"))).toContain("fieldValidation");
    expect(queryParamNames(patchOf("v1.30.2"))).toContain("dryRun");
    expect(queryParamNames(patchOf("v1.16.15"))).not.toContain("fieldValidation");
    expect(queryParamNames(patchOf("v1.16.15"))).toContain("dryRun");
  });

  it("lets the caller override the fieldValidation default", () => {
    const { json } = buildOpenApiV2({ title: "Kubernetes", version: "v1.16.15", resources, fieldValidation: true });
    const patch = ((json.paths as JsonObject)["/api/v1/namespaces/{name}"] as JsonObject).patch as JsonObject;
    expect((patch.parameters as JsonObject[]).map((p) => p.name)).toContain("fieldValidation");
  });

  it("serves only the verbs a resource has", () => {
    const { json } = buildOpenApiV2({ title: "Kubernetes", version: "v1.30.2", resources });
    const paths = json.paths as JsonObject;
    expect(Object.keys(paths["/apis/authentication.k8s.io/v1/tokenreviews"] as JsonObject).sort()).toEqual(["parameters", "post"]);
    expect(paths["/apis/authentication.k8s.io/v1/tokenreviews/{name}"]).toBeUndefined();
  });

  it("encodes an empty document", () => {
    const { protobuf } = buildOpenApiV2({ title: "Kubernetes", version: "v1.16.0", resources: [] });
    const doc = decode(protobuf);
    expect(strOf(doc, 1)).toBe("2.0");
    expect(msgOf(doc, 8)!.size).toBe(0);
  });
});

describe("encodeSwaggerAsGnostic", () => {
  it("refuses fields it has no mapping for", () => {
    expect(() => encodeSwaggerAsGnostic({ swagger: "2.0", securityDefinitions: {} })).toThrow(/securityDefinitions/);
    expect(() => encodeSwaggerAsGnostic({ swagger: "2.0", paths: { "/x": { get: { summary: "s", bogus: 1 } } } })).toThrow(/bogus/);
  });
});

describe("negotiateOpenApiV2", () => {
  it("follows kube-openapi's preference order", () => {
    expect(negotiateOpenApiV2("application/com.github.proto-openapi.spec.v2@v1.0+protobuf")).toBe("protobuf");
    expect(negotiateOpenApiV2("application/com.github.proto-openapi.spec.v2.v1.0+protobuf")).toBe("protobuf");
    expect(negotiateOpenApiV2("application/json")).toBe("json");
    expect(negotiateOpenApiV2(undefined)).toBe("json");
    expect(negotiateOpenApiV2("*/*")).toBe("json");
    expect(negotiateOpenApiV2("application/json;q=0.5, application/com.github.proto-openapi.spec.v2@v1.0+protobuf")).toBe("protobuf");
    expect(negotiateOpenApiV2("text/html")).toBeUndefined();
  });
});

describe("versionHasFieldValidation", () => {
  it("parses Kubernetes git versions", () => {
    expect(versionHasFieldValidation("v1.16.15")).toBe(false);
    expect(versionHasFieldValidation("v1.22.0")).toBe(false);
    expect(versionHasFieldValidation("v1.23.0")).toBe(true);
    expect(versionHasFieldValidation("1.30")).toBe(true);
    expect(versionHasFieldValidation("unversioned")).toBe(false);
  });
});
