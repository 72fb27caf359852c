/**
 * The /openapi/v2 document: swagger 2.0 JSON plus its gnostic protobuf encoding.
 * See index.ts for what kubectl does with it and why it carries no definitions.
 */
import type { JsonObject, ResourceInfo } from "../api-types.js";
import { encodeSwaggerAsGnostic } from "./gnostic-v2.js";
import { allPaths, type OperationSpec, type ParameterSpec } from "./operations.js";

/**
 * Content-Type to send with the protobuf body. kubectl asks with the older "...v2@v1.0+protobuf"
 * spelling, but kube-openapi answers with this one: client-go runs the response Content-Type
 * through Go's mime.ParseMediaType, which rejects the "@" ("mime: unexpected content after
 * media subtype", surfaced by kubectl 1.27 as an InternalError).
 */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

const PROTOBUF_SUBTYPES = new Set(["com.github.proto-openapi.spec.v2.v1.0+protobuf", "com.github.proto-openapi.spec.v2@v1.0+protobuf"]);

/**
 * Content negotiation of /openapi/v2 as kube-openapi does it: the Accept clauses are tried in
 * order of preference (q), each against [application/json, protobuf, protobuf-deprecated];
 * the first match wins, so wildcards pick JSON. Returns "json", "protobuf", or undefined when
 * nothing is acceptable (kube-openapi answers 406 then). A missing Accept means JSON.
 */
export function negotiateOpenApiV2(accept: string | undefined): "json" | "protobuf" | undefined {
  if (accept === undefined || accept.trim() === "") return "json";
  const clauses = accept
    .split(",")
    .map((raw, i) => {
      const [range = "", ...params] = raw.split(";").map((s) => s.trim());
      const qParam = params.find((p) => p.startsWith("q="));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      const slash = range.indexOf("/");
      return { type: slash < 0 ? range : range.slice(0, slash), subType: slash < 0 ? "" : range.slice(slash + 1), q: Number.isNaN(q) ? 0 : q, i };
    })
    .filter((c) => c.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const c of clauses) {
    if (c.type !== "application" && c.type !== "*") continue;
    if (c.subType === "json" || c.subType === "*") return "json";
    if (PROTOBUF_SUBTYPES.has(c.subType)) return "protobuf";
  }
  return undefined;
}

export interface OpenApiV2Input {
  /** info.title; kube-apiserver says "Kubernetes". */
  title: string;
  /** info.version; kube-apiserver puts its git version here, e.g. "v1.30.2". */
  version: string;
  resources: ResourceInfo[];
  /**
   * Publish the `fieldValidation` query parameter on POST/PUT/PATCH operations. Defaults to
   * whether `version` parses as Kubernetes 1.23 or later (the release that added it).
   */
  fieldValidation?: boolean;
}

export interface OpenApiV2Document {
  json: JsonObject;
  protobuf: Uint8Array;
}

/** True for "v1.23.0", "1.30", "v1.27.3-lifeboat"; false for older or unparsable versions. */
export function versionHasFieldValidation(version: string): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 1 || (major === 1 && minor >= 23);
}

function v2Parameter(p: ParameterSpec): JsonObject {
  const out: JsonObject = { uniqueItems: true, type: p.type, description: p.description, name: p.name, in: p.in };
  if (p.required) out.required = true;
  return out;
}

function v2Operation(o: OperationSpec): JsonObject {
  const parameters: JsonObject[] = [];
  if (o.body !== "none") {
    // No schema $refs: nothing is published under definitions (see index.ts).
    parameters.push({ name: "body", in: "body", required: o.body !== "deleteOptions", schema: { type: "object" } });
  }
  parameters.push(...o.parameters.map(v2Parameter));
  const responses: JsonObject = {};
  for (const r of o.responses) responses[r.code] = { description: r.description };
  responses["401"] = { description: "Unauthorized" };
  return {
    description: o.description,
    consumes: o.consumes,
    produces: o.produces,
    schemes: ["https"],
    tags: [o.tag],
    operationId: o.operationId,
    parameters,
    responses,
    "x-kubernetes-action": o.action,
    "x-kubernetes-group-version-kind": { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version },
  };
}

export function buildOpenApiV2Json(input: OpenApiV2Input): JsonObject {
  const fieldValidation = input.fieldValidation ?? versionHasFieldValidation(input.version);
  const paths: JsonObject = {};
  for (const p of allPaths(input.resources, { fieldValidation })) {
    const item: JsonObject = {};
    for (const o of p.operations) item[o.method] = v2Operation(o);
    item.parameters = p.parameters.map(v2Parameter);
    paths[p.path] = item;
  }
  return {
    swagger: "2.0",
    info: { title: input.title, version: input.version },
    paths,
    // Deliberately empty: kubectl validates only kinds it finds here (see index.ts).
    definitions: {},
  };
}

export function buildOpenApiV2(input: OpenApiV2Input): OpenApiV2Document {
  const json = buildOpenApiV2Json(input);
  return { json, protobuf: encodeSwaggerAsGnostic(json) };
}
