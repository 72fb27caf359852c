/**
 * The /openapi/v3 index and its per-group-version OpenAPI 3.0 documents.
 * See index.ts for what kubectl does with them and why they carry no component schemas.
 */
import { createHash } from "node:crypto";
import type { JsonObject, ResourceInfo } from "../api-types.js";
import { allPaths, groupVersionApiPath, type OperationSpec, type ParameterSpec } from "./operations.js";

export { groupVersionApiPath } from "./operations.js";

export interface OpenApiV3GroupVersionInput {
  group: string;
  version: string;
  /** Resources to describe; entries of other group/versions are ignored. */
  resources: ResourceInfo[];
  /** Document info; kube-apiserver says { title: "Kubernetes", version: <git version> }. */
  info?: { title: string; version: string };
  /** Publish the `fieldValidation` query parameter on POST/PUT/PATCH. Defaults to true (every server with /openapi/v3 has it). */
  fieldValidation?: boolean;
}

/** Hash of a served group/version document, as kube-openapi's handler3 computes it: upper-case hex SHA-512 of the body. */
export function openApiV3Hash(body: string | Uint8Array): string {
  return createHash("sha512").update(body).digest("hex").toUpperCase();
}

/** The exact bytes to serve for a v3 document; hash these with openApiV3Hash. */
export function serializeOpenApiV3(doc: JsonObject): string {
  return JSON.stringify(doc);
}

/** `/openapi/v3` body: { paths: { "api/v1": { serverRelativeURL: "/openapi/v3/api/v1?hash=..." }, ... } }. */
export function buildOpenApiV3Index(groupVersions: Array<{ group: string; version: string }>, hashOf: (gvPath: string) => string): JsonObject {
  const paths: JsonObject = {};
  for (const gv of groupVersions) {
    const gvPath = groupVersionApiPath(gv);
    paths[gvPath] = { serverRelativeURL: `/openapi/v3/${gvPath}?hash=${encodeURIComponent(hashOf(gvPath))}` };
  }
  return { paths };
}

function v3Parameter(p: ParameterSpec): JsonObject {
  const out: JsonObject = { name: p.name, in: p.in, description: p.description, schema: { type: p.type, uniqueItems: true } };
  if (p.required) out.required = true;
  return out;
}

const OBJECT_SCHEMA: JsonObject = { type: "object" };

function content(mimeTypes: string[]): JsonObject {
  const out: JsonObject = {};
  for (const m of mimeTypes) out[m] = { schema: OBJECT_SCHEMA };
  return out;
}

function v3Operation(o: OperationSpec): JsonObject {
  const op: JsonObject = {
    tags: [o.tag],
    description: o.description,
    operationId: o.operationId,
  };
  if (o.parameters.length > 0) op.parameters = o.parameters.map(v3Parameter);
  if (o.body !== "none") {
    const body: JsonObject = { content: content(o.consumes) };
    if (o.body !== "deleteOptions") body.required = true;
    op.requestBody = body;
  }
  const responses: JsonObject = {};
  for (const r of o.responses) responses[r.code] = { description: r.description, content: content(o.produces) };
  responses["401"] = { description: "Unauthorized" };
  op.responses = responses;
  op["x-kubernetes-action"] = o.action;
  // A single object on operations (kubectl's gvkMatchesSingle / hasGVKExtensionV3 read it so).
  op["x-kubernetes-group-version-kind"] = { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version };
  return op;
}

/** OpenAPI 3.0 document for one group/version, as served at /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>. */
export function buildOpenApiV3GroupVersion(input: OpenApiV3GroupVersionInput): JsonObject {
  const resources = input.resources.filter((r) => r.group === input.group && r.version === input.version);
  const fieldValidation = input.fieldValidation ?? true;
  const paths: JsonObject = {};
  for (const p of allPaths(resources, { fieldValidation })) {
    const item: JsonObject = {};
    for (const o of p.operations) item[o.method] = v3Operation(o);
    item.parameters = p.parameters.map(v3Parameter);
    paths[p.path] = item;
  }
  return {
    openapi: "3.0.0",
    info: { title: input.info?.title ?? "Kubernetes", version: input.info?.version ?? "unversioned" },
    paths,
    // Present but empty: kubectl's OpenAPI v3 patch path needs `components` to exist, and
    // finding no schema for the kind makes it fall back to its compiled-in types (see index.ts).
    components: { schemas: {} },
  };
}

export interface OpenApiV3Served {
  /** The group/version document and its served bytes and hash. */
  json: JsonObject;
  body: string;
  hash: string;
}

export interface OpenApiV3Set {
  /** `/openapi/v3` document and its bytes. */
  index: JsonObject;
  indexBody: string;
  /** Keyed by "api/v1" / "apis/<group>/<version>" (the path after /openapi/v3/). */
  groupVersions: Map<string, OpenApiV3Served>;
}

/**
 * Everything /openapi/v3 serves for a set of resources, with hashes computed from the exact
 * bodies, so the index's `?hash=` always matches what the group/version URL returns.
 * Group/versions appear in the order their first resource does.
 */
export function buildOpenApiV3(input: { resources: ResourceInfo[]; info?: { title: string; version: string }; fieldValidation?: boolean }): OpenApiV3Set {
  const gvs: Array<{ group: string; version: string }> = [];
  const seen = new Set<string>();
  for (const r of input.resources) {
    const key = groupVersionApiPath(r);
    if (seen.has(key)) continue;
    seen.add(key);
    gvs.push({ group: r.group, version: r.version });
  }
  const groupVersions = new Map<string, OpenApiV3Served>();
  for (const gv of gvs) {
    const json = buildOpenApiV3GroupVersion({
      ...gv,
      resources: input.resources,
      ...(input.info ? { info: input.info } : {}),
      ...(input.fieldValidation !== undefined ? { fieldValidation: input.fieldValidation } : {}),
    });
    const body = serializeOpenApiV3(json);
    groupVersions.set(groupVersionApiPath(gv), { json, body, hash: openApiV3Hash(body) });
  }
  const index = buildOpenApiV3Index(gvs, (gvPath) => groupVersions.get(gvPath)?.hash ?? "");
  return { index, indexBody: serializeOpenApiV3(index), groupVersions };
}
