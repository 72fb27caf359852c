import type { IncomingMessage, ServerResponse } from "node:http";
import type { JsonObject, KubeObject, ResourceInfo } from "../../api-types.js";
import type { DeleteOptions, PropagationPolicy } from "../../api/deleter.js";
import { parseLimit } from "../../api/list-query.js";
import type { ObjectService } from "../../api/object-service.js";
import { isJsonObject } from "../../api/object-meta.js";
import { mediaType, parseBody, readBody } from "../body.js";
import type { ResourceTarget } from "../request-info.js";
import { sendJson, sendJsonParts } from "../respond.js";
import { badRequest, StatusError } from "../status-error.js";
import { notFoundPath } from "./discovery.js";
import { toScale, updateScale } from "./scale.js";
import { serveWatch } from "./watch.js";
import { collectionPath, serializeList } from "./serialize-list.js";
import type { ContainerRuntime } from "../../exec/container-runtime.js";
import type { UpgradeRequest } from "./exec.js";
import { servePodSubresource } from "./pod-subresources.js";
import { supportedPatchTypes, unsupportedPatchType } from "../../patch/index.js";

export interface ResourceHandlerContext {
  service: ObjectService;
  bookmarkIntervalMs: number;
  runtime: ContainerRuntime;
  /** Set when the request came through the server's upgrade event (exec over WebSocket). */
  upgrade?: UpgradeRequest;
  onRequest?: (line: string) => void;
}

function methodNotAllowed(method: string): StatusError {
  return new StatusError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource (${method})`);
}

function parseDeleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
  const options: DeleteOptions = {};
  const opts = isJsonObject(body) ? body : {};
  const policy = (opts.propagationPolicy as string | undefined) ?? query.get("propagationPolicy") ?? undefined;
  if (policy !== undefined) {
    if (!["Orphan", "Background", "Foreground"].includes(policy)) {
      throw badRequest(`DeleteOptions.propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    options.propagationPolicy = policy as PropagationPolicy;
  }
  const orphan = opts.orphanDependents ?? (query.has("orphanDependents") ? query.get("orphanDependents") === "true" : undefined);
  if (orphan === true && options.propagationPolicy === undefined) options.propagationPolicy = "Orphan";
  if (isJsonObject(opts.preconditions)) options.preconditions = opts.preconditions as DeleteOptions["preconditions"];
  const dryRun = opts.dryRun ?? query.getAll("dryRun");
  options.dryRun = Array.isArray(dryRun) && dryRun.includes("All");
  return options;
}

function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll("dryRun");
  for (const v of values) if (v !== "All") throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

/** Serves one resource request: get, list, watch, create, update, patch, delete, deletecollection and subresources. */
export async function handleResource(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  target: ResourceTarget,
  ctx: ResourceHandlerContext,
): Promise<void> {
  const { service } = ctx;
  const info = service.registry.lookup(target.group, target.version, target.resource);
  if (!info) throw notFoundPath();
  if (!info.namespaced && target.namespace !== undefined) throw notFoundPath();
  const q = url.searchParams;
  const method = req.method ?? "GET";
  const ns = info.namespaced ? target.namespace : undefined;
  const sub = target.subresource;
  if (sub !== undefined && !isServedSubresource(info, sub)) throw notFoundPath();
  const readJsonBody = async (): Promise<unknown> => parseBody(await readBody(req), req.headers["content-type"]);
  if (method === "PATCH") {
    // The patch type decides how the body is read; refuse an unknown one before reading it.
    const accepted = supportedPatchTypes(service.isCustomResource(info) && sub !== "scale");
    if (!accepted.includes(mediaType(req.headers["content-type"]))) throw unsupportedPatchType(accepted);
  }

  if (target.name === undefined) {
    if (method === "GET") {
      const watch = target.watchPath || q.get("watch") === "true" || q.get("watch") === "1";
      if (watch) {
        const timeout = q.get("timeoutSeconds");
        serveWatch(req, res, service, {
          info,
          namespace: ns,
          filter: service.filterFor(info, q.get("labelSelector") ?? undefined, q.get("fieldSelector") ?? undefined),
          resourceVersion: q.get("resourceVersion") ?? undefined,
          allowBookmarks: q.get("allowWatchBookmarks") === "true",
          sendInitialEvents: sendInitialEvents(q, service.minor),
          timeoutSeconds: timeout ? Number(timeout) : undefined,
          bookmarkIntervalMs: ctx.bookmarkIntervalMs,
        });
        return;
      }
      const page = service.list(info, ns, {
        labelSelector: q.get("labelSelector") ?? undefined,
        fieldSelector: q.get("fieldSelector") ?? undefined,
        limit: parseLimit(q.get("limit")),
        continue: q.get("continue") ?? undefined,
      });
      sendJsonParts(res, 200, serializeList(info, page, { typedItems: !service.isCustomResource(info), selfLink: service.minor < 20 ? collectionPath(info, ns) : undefined }));
      return;
    }
    if (method === "POST") {
      const created = service.create(info, ns, await readJsonBody(), { dryRun: isDryRun(q) });
      sendJson(res, 201, created);
      return;
    }
    if (method === "DELETE") {
      const body = req.headers["content-length"] && req.headers["content-length"] !== "0" ? await readJsonBody() : undefined;
      const deleted = service.deleteCollection(
        info,
        ns,
        { labelSelector: q.get("labelSelector") ?? undefined, fieldSelector: q.get("fieldSelector") ?? undefined },
        parseDeleteOptions(body, q),
      );
      sendJsonParts(res, 200, serializeList(info, { items: deleted, resourceVersion: String(service.store.resourceVersion) }, { typedItems: !service.isCustomResource(info) }));
      return;
    }
    throw methodNotAllowed(method);
  }

  const name = target.name;
  if (info.storageKey === "/pods" && sub !== undefined && sub !== "status") {
    return servePodSubresource(req, res, url, info, ns, name, sub, { ...ctx, readJsonBody, deleteOptions: (body) => parseDeleteOptions(body, q), dryRun: () => isDryRun(q) });
  }
  if (sub === "scale") {
    if (method === "GET") return sendJson(res, 200, toScale(info, service.get(info, ns, name)));
    if (method === "PUT") return sendJson(res, 200, updateScale(service, info, ns, name, { body: await readJsonBody() }, isDryRun(q)));
    if (method === "PATCH") {
      const patchType = mediaType(req.headers["content-type"]);
      return sendJson(res, 200, updateScale(service, info, ns, name, { patchType, patch: await readJsonBody() }, isDryRun(q)));
    }
    throw methodNotAllowed(method);
  }
  if (sub === "finalize") {
    if (method !== "PUT") throw methodNotAllowed(method);
    return sendJson(res, 200, finalizeNamespace(service, info, name, await readJsonBody()));
  }
  const subresource = sub === "status" ? ("status" as const) : undefined;
  switch (method) {
    case "GET":
      return sendJson(res, 200, service.get(info, ns, name));
    case "PUT":
      return sendJson(res, 200, service.update(info, ns, name, await readJsonBody(), { dryRun: isDryRun(q), subresource }));
    case "PATCH": {
      const patchType = mediaType(req.headers["content-type"]);
      const existed = service.store.get(info.storageKey, ns ?? "", name) !== undefined;
      const patched = service.patch(info, ns, name, patchType, await readJsonBody(), { dryRun: isDryRun(q), subresource, force: q.get("force") === "true", fieldManager: q.get("fieldManager") ?? undefined });
      return sendJson(res, existed ? 200 : 201, patched);
    }
    case "DELETE": {
      if (subresource) throw methodNotAllowed(method);
      const body = req.headers["content-length"] && req.headers["content-length"] !== "0" ? await readJsonBody() : undefined;
      const options = parseDeleteOptions(body, q);
      const result: KubeObject = service.delete(info, ns, name, options);
      const gone = !options.dryRun && service.store.get(info.storageKey, ns ?? "", name) === undefined;
      // Most stores answer an immediate delete with a Success Status; a few (and any
      // delete held by finalizers) answer with the object (registry/generic/registry/store.go).
      if (gone && !returnsDeletedObject(info, service)) return sendJson(res, 200, deletedStatus(info, result));
      return sendJson(res, 200, result);
    }
    default:
      throw methodNotAllowed(method);
  }
}

const storesReturningObject = new Set(["/pods", "/serviceaccounts", "/namespaces", "storage.k8s.io/storageclasses", "policy/podsecuritypolicies"]);

function returnsDeletedObject(info: ResourceInfo, service: ObjectService): boolean {
  return storesReturningObject.has(info.storageKey) || service.isCustomResource(info);
}

function deletedStatus(info: ResourceInfo, obj: KubeObject): JsonObject {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { name: obj.metadata.name ?? "", ...(info.group ? { group: info.group } : {}), kind: info.resource, uid: obj.metadata.uid ?? "" },
  };
}

/**
 * Streaming lists (WatchList): unknown before 1.27, so ignored there; alpha and off by
 * default in 1.27-1.31, where asking for it is refused.
 */
function sendInitialEvents(q: URLSearchParams, minor: number): boolean {
  if (!q.has("sendInitialEvents") || minor < 27) return false;
  if (minor < 32) {
    throw new StatusError(422, "Invalid", `ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled`, {
      group: "meta.k8s.io",
      kind: "ListOptions",
      causes: [{ reason: "FieldValueForbidden", message: "Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled", field: "sendInitialEvents" }],
    });
  }
  return q.get("sendInitialEvents") === "true";
}

function isServedSubresource(info: ResourceInfo, sub: string): boolean {
  if (sub === "finalize") return info.storageKey === "/namespaces";
  return (info.subresources as string[]).includes(sub);
}

/** PUT /api/v1/namespaces/{name}/finalize: the namespace controller's way to clear spec.finalizers. */
function finalizeNamespace(service: ObjectService, info: ResourceInfo, name: string, body: unknown): KubeObject {
  const current = service.store.get(info.storageKey, "", name);
  if (!current) throw notFoundPath();
  const spec = isJsonObject(body) && isJsonObject(body.spec) ? body.spec : {};
  const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
  const next = { ...current, spec: { ...(current.spec as JsonObject), finalizers } } as KubeObject;
  const written = service.store.update(info.storageKey, next);
  return service.deleter.finalizeIfDone(info.storageKey, written);
}
