/**
 * The REST operations a set of resources serves, described once and rendered by both the
 * swagger 2.0 (/openapi/v2) and the OpenAPI 3.0 (/openapi/v3/...) builders.
 *
 * Shapes follow what kube-apiserver's endpoint installer publishes (path layout,
 * operationId naming, `x-kubernetes-action`, `x-kubernetes-group-version-kind`), minus the
 * schema references: no definitions/components are published (see index.ts for why).
 */
import type { ResourceInfo } from "../api-types.js";

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export type HttpMethod = "get" | "put" | "post" | "delete" | "patch";

/** Values of `x-kubernetes-action`, as kube-apiserver names them. */
export type KubeAction = "get" | "list" | "put" | "post" | "patch" | "delete" | "deletecollection";

export interface ParameterSpec {
  name: string;
  in: "query" | "path";
  description: string;
  type: "string" | "boolean" | "integer";
  required?: boolean;
}

export interface OperationSpec {
  method: HttpMethod;
  action: KubeAction;
  operationId: string;
  description: string;
  tag: string;
  gvk: GroupVersionKind;
  /** Query parameters specific to the operation. */
  parameters: ParameterSpec[];
  /** The operation takes a request body: PATCH documents or a full object (or DeleteOptions). */
  body: "none" | "object" | "patch" | "deleteOptions";
  /** MIME types accepted for the body (swagger `consumes`). */
  consumes: string[];
  /** MIME types the response may use (swagger `produces`). */
  produces: string[];
  /** Response codes besides 401, in kube-apiserver's order. */
  responses: Array<{ code: string; description: string }>;
}

export interface PathSpec {
  path: string;
  /** Path-level parameters ({namespace}, {name}, pretty). */
  parameters: ParameterSpec[];
  operations: OperationSpec[];
}

export interface OperationOptions {
  /** Publish the `fieldValidation` query parameter on POST/PUT/PATCH (server-side field validation, 1.23+). */
  fieldValidation: boolean;
}

/**
 * API groups compiled into kube-apiserver. Their objects accept strategic-merge patches and
 * protobuf; custom resources accept neither. The lists only change what the documents
 * advertise (kubectl picks the patch type from its own compiled-in scheme, see index.ts).
 */
const BUILT_IN_GROUPS = new Set([
  "",
  "apps",
  "batch",
  "autoscaling",
  "policy",
  "extensions",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "certificates.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "events.k8s.io",
  "flowcontrol.apiserver.k8s.io",
  "internal.apiserver.k8s.io",
  "networking.k8s.io",
  "node.k8s.io",
  "rbac.authorization.k8s.io",
  "resource.k8s.io",
  "scheduling.k8s.io",
  "settings.k8s.io",
  "storage.k8s.io",
  "storagemigration.k8s.io",
  "auditregistration.k8s.io",
]);

export function isBuiltInGroup(group: string): boolean {
  return BUILT_IN_GROUPS.has(group);
}

/** "api/v1" or "apis/apps/v1": the key of a group/version in the /openapi/v3 index. */
export function groupVersionApiPath(gv: { group: string; version: string }): string {
  return gv.group === "" ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
}

function capitalize(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

/** "CoreV1", "AppsV1", "RbacAuthorizationV1", "StableExampleComV1beta1": operationId infix. */
function groupVersionCamel(group: string, version: string): string {
  const g = group === "" ? "core" : group.replace(/\.k8s\.io$/, "");
  const words = g.split(/[.-]/).filter((w) => w.length > 0);
  return words.map(capitalize).join("") + capitalize(version);
}

/** "core_v1", "apps_v1", "rbacAuthorization_v1": the tag kube-apiserver puts on operations. */
function groupVersionTag(group: string, version: string): string {
  const g = group === "" ? "core" : group.replace(/\.k8s\.io$/, "");
  const words = g.split(/[.-]/).filter((w) => w.length > 0);
  const camel = words.map((w, i) => (i === 0 ? w : capitalize(w))).join("");
  return `${camel}_${version}`;
}

/** The kind a `/scale` subresource speaks: the group's own Scale in old apps/extensions versions, else autoscaling/v1. */
function scaleKind(r: ResourceInfo): GroupVersionKind {
  if ((r.group === "extensions" || r.group === "apps") && (r.version === "v1beta1" || r.version === "v1beta2")) {
    return { group: r.group, version: r.version, kind: "Scale" };
  }
  return { group: "autoscaling", version: "v1", kind: "Scale" };
}

const q = (name: string, type: ParameterSpec["type"], description: string): ParameterSpec => ({ name, in: "query", type, description });

const PRETTY = q("pretty", "string", "If 'true', then the output is pretty printed.");
const NAMESPACE: ParameterSpec = { name: "namespace", in: "path", type: "string", required: true, description: "object name and auth scope, such as for teams and projects" };
const nameParam = (kind: string): ParameterSpec => ({ name: "name", in: "path", type: "string", required: true, description: `name of the ${kind}` });

const DRY_RUN = q("dryRun", "string", "When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed");
const FIELD_MANAGER = q("fieldManager", "string", "fieldManager is a name associated with the actor or entity that is making these changes.");
const FIELD_VALIDATION = q(
  "fieldValidation",
  "string",
  "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict",
);
const FORCE = q("force", "boolean", "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people.");

const LIST_PARAMS: ParameterSpec[] = [
  q("allowWatchBookmarks", "boolean", "allowWatchBookmarks requests watch events with type \"BOOKMARK\"."),
  q("continue", "string", "The continue option should be set when retrieving more results from the server."),
  q("fieldSelector", "string", "A selector to restrict the list of returned objects by their fields. Defaults to everything."),
  q("labelSelector", "string", "A selector to restrict the list of returned objects by their labels. Defaults to everything."),
  q("limit", "integer", "limit is a maximum number of responses to return for a list call."),
  q("resourceVersion", "string", "resourceVersion sets a constraint on what resource versions a request may be served from."),
  q("timeoutSeconds", "integer", "Timeout for the list/watch call."),
  q("watch", "boolean", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications."),
];

const DELETE_PARAMS: ParameterSpec[] = [
  DRY_RUN,
  q("gracePeriodSeconds", "integer", "The duration in seconds before the object should be deleted."),
  q("orphanDependents", "boolean", "Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7."),
  q("propagationPolicy", "string", "Whether and how garbage collection will be performed."),
];

function writeParams(opts: OperationOptions, extra: ParameterSpec[] = []): ParameterSpec[] {
  return [DRY_RUN, FIELD_MANAGER, ...(opts.fieldValidation ? [FIELD_VALIDATION] : []), ...extra];
}

function patchConsumes(builtIn: boolean): string[] {
  return builtIn
    ? ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"]
    : ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];
}

const OK = { code: "200", description: "OK" };
const CREATED = { code: "201", description: "Created" };
const ACCEPTED = { code: "202", description: "Accepted" };

/**
 * All paths one resource serves, in kube-apiserver's layout:
 *   <prefix>[/namespaces/{namespace}]/<resource>            list, create, deletecollection
 *   <prefix>[/namespaces/{namespace}]/<resource>/{name}     read, replace, patch, delete
 *   <prefix>/<resource>                                    list across namespaces (namespaced only)
 *   .../{name}/status, .../{name}/scale                    subresources
 * Deprecated /watch/ paths are not published.
 */
export function resourcePaths(r: ResourceInfo, opts: OperationOptions): PathSpec[] {
  const builtIn = isBuiltInGroup(r.group);
  const produces = builtIn ? ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"] : ["application/json", "application/yaml"];
  const listProduces = [...produces, "application/json;stream=watch", ...(builtIn ? ["application/vnd.kubernetes.protobuf;stream=watch"] : [])];
  const gvk: GroupVersionKind = { group: r.group, version: r.version, kind: r.kind };
  const gv = groupVersionCamel(r.group, r.version);
  const tag = groupVersionTag(r.group, r.version);
  const ns = r.namespaced ? "Namespaced" : "";
  const prefix = r.group === "" ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const collection = `${prefix}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.resource}`;
  const item = `${collection}/{name}`;
  const verbs = new Set(r.verbs);
  const scopeParams = r.namespaced ? [NAMESPACE] : [];
  const itemParams = [nameParam(r.kind), ...scopeParams, PRETTY];

  const op = (o: Omit<OperationSpec, "tag" | "consumes" | "produces"> & Partial<Pick<OperationSpec, "consumes" | "produces">>): OperationSpec => ({
    tag,
    consumes: ["*/*"],
    produces,
    ...o,
  });

  const paths: PathSpec[] = [];

  const collectionOps: OperationSpec[] = [];
  if (verbs.has("list")) {
    collectionOps.push(
      op({ method: "get", action: "list", operationId: `list${gv}${ns}${r.kind}`, description: `list or watch objects of kind ${r.kind}`, gvk, parameters: LIST_PARAMS, body: "none", produces: listProduces, responses: [OK] }),
    );
  }
  if (verbs.has("create")) {
    collectionOps.push(
      op({ method: "post", action: "post", operationId: `create${gv}${ns}${r.kind}`, description: `create a ${r.kind}`, gvk, parameters: writeParams(opts), body: "object", responses: [OK, CREATED, ACCEPTED] }),
    );
  }
  if (verbs.has("deletecollection")) {
    collectionOps.push(
      op({ method: "delete", action: "deletecollection", operationId: `deleteCollection${gv}${ns}${r.kind}`, description: `delete collection of ${r.kind}`, gvk, parameters: [...DELETE_PARAMS, ...LIST_PARAMS.filter((p) => p.name !== "watch" && p.name !== "allowWatchBookmarks")], body: "deleteOptions", responses: [OK] }),
    );
  }
  if (collectionOps.length > 0) paths.push({ path: collection, parameters: [...scopeParams, PRETTY], operations: collectionOps });

  const itemOps: OperationSpec[] = [];
  if (verbs.has("get")) {
    itemOps.push(op({ method: "get", action: "get", operationId: `read${gv}${ns}${r.kind}`, description: `read the specified ${r.kind}`, gvk, parameters: [], body: "none", responses: [OK] }));
  }
  if (verbs.has("update")) {
    itemOps.push(op({ method: "put", action: "put", operationId: `replace${gv}${ns}${r.kind}`, description: `replace the specified ${r.kind}`, gvk, parameters: writeParams(opts), body: "object", responses: [OK, CREATED] }));
  }
  if (verbs.has("patch")) {
    itemOps.push(
      op({ method: "patch", action: "patch", operationId: `patch${gv}${ns}${r.kind}`, description: `partially update the specified ${r.kind}`, gvk, parameters: writeParams(opts, [FORCE]), body: "patch", consumes: patchConsumes(builtIn), responses: [OK, CREATED] }),
    );
  }
  if (verbs.has("delete")) {
    itemOps.push(op({ method: "delete", action: "delete", operationId: `delete${gv}${ns}${r.kind}`, description: `delete a ${r.kind}`, gvk, parameters: DELETE_PARAMS, body: "deleteOptions", responses: [OK, ACCEPTED] }));
  }
  if (itemOps.length > 0) paths.push({ path: item, parameters: itemParams, operations: itemOps });

  if (r.namespaced && verbs.has("list")) {
    paths.push({
      path: `${prefix}/${r.resource}`,
      parameters: [PRETTY],
      operations: [
        op({ method: "get", action: "list", operationId: `list${gv}${r.kind}ForAllNamespaces`, description: `list or watch objects of kind ${r.kind}`, gvk, parameters: LIST_PARAMS, body: "none", produces: listProduces, responses: [OK] }),
      ],
    });
  }

  for (const sub of r.subresources) {
    // Pod connect subresources (exec, log, …) are not published.
    if (sub !== "status" && sub !== "scale") continue;
    const subGvk = sub === "scale" ? scaleKind(r) : gvk;
    const Sub = sub === "scale" ? "Scale" : "Status";
    const what = sub === "scale" ? "scale" : "status";
    paths.push({
      path: `${item}/${sub}`,
      parameters: itemParams,
      operations: [
        op({ method: "get", action: "get", operationId: `read${gv}${ns}${r.kind}${Sub}`, description: `read ${what} of the specified ${r.kind}`, gvk: subGvk, parameters: [], body: "none", responses: [OK] }),
        op({ method: "put", action: "put", operationId: `replace${gv}${ns}${r.kind}${Sub}`, description: `replace ${what} of the specified ${r.kind}`, gvk: subGvk, parameters: writeParams(opts), body: "object", responses: [OK, CREATED] }),
        op({ method: "patch", action: "patch", operationId: `patch${gv}${ns}${r.kind}${Sub}`, description: `partially update ${what} of the specified ${r.kind}`, gvk: subGvk, parameters: writeParams(opts, [FORCE]), body: "patch", consumes: patchConsumes(builtIn), responses: [OK, CREATED] }),
      ],
    });
  }

  return paths;
}

/** Paths of all resources, de-duplicated by path (first wins) and sorted like kube-apiserver's output. */
export function allPaths(resources: readonly ResourceInfo[], opts: OperationOptions): PathSpec[] {
  const byPath = new Map<string, PathSpec>();
  for (const r of resources) {
    for (const p of resourcePaths(r, opts)) {
      if (!byPath.has(p.path)) byPath.set(p.path, p);
    }
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
