import type { IncomingMessage, ServerResponse } from "node:http";
import type { ResourceInfo } from "../../api-types.js";
import type { DeleteOptions } from "../../api/deleter.js";
import { mediaType } from "../body.js";
import { sendJson } from "../respond.js";
import { StatusError } from "../status-error.js";
import { handleExec, handleUnservedStream, type StreamHandlerContext } from "./exec.js";
import { handleLog } from "./log.js";
import { handleBinding } from "./pod-binding.js";
import { updateEphemeralContainers } from "./pod-ephemeral-containers.js";
import { evictPod } from "./pod-eviction.js";
import { proxyToPod } from "./pod-proxy.js";

export interface PodSubresourceContext extends StreamHandlerContext {
  readJsonBody(): Promise<unknown>;
  deleteOptions(body: unknown): DeleteOptions;
  dryRun(): boolean;
}

/** The pod subresources besides status: exec, attach, portforward, log, proxy, binding, eviction, ephemeralcontainers. */
export async function servePodSubresource(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  info: ResourceInfo,
  ns: string | undefined,
  name: string,
  sub: string,
  ctx: PodSubresourceContext,
): Promise<void> {
  const method = req.method ?? "GET";
  const only = (...methods: string[]): void => {
    if (!methods.includes(method)) throw new StatusError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource (${method})`);
  };
  switch (sub) {
    case "exec":
      return handleExec(req, res, url, info, ns, name, ctx);
    case "attach":
    case "portforward":
      return handleUnservedStream(req, sub, info, ns, name, url, ctx);
    case "log":
      return handleLog(req, res, url, info, ns, name, ctx);
    case "proxy":
      return proxyToPod(ctx.service, info, ns, name);
    case "binding":
      only("POST");
      return sendJson(res, 201, handleBinding(ctx.service, info, ns, name, await ctx.readJsonBody(), ctx.dryRun()));
    case "eviction":
      only("POST");
      return sendJson(res, 201, evictPod(ctx.service, info, ns, name, await ctx.readJsonBody(), ctx.deleteOptions));
    case "ephemeralcontainers":
      only("GET", "PUT", "PATCH");
      if (method === "GET") return sendJson(res, 200, ctx.service.get(info, ns, name));
      if (method === "PUT") return sendJson(res, 200, updateEphemeralContainers(ctx.service, info, ns, name, { body: await ctx.readJsonBody() }, ctx.dryRun()));
      return sendJson(res, 200, updateEphemeralContainers(ctx.service, info, ns, name, { patchType: mediaType(req.headers["content-type"]), patch: await ctx.readJsonBody() }, ctx.dryRun()));
    default:
      throw new StatusError(404, "NotFound", "the server could not find the requested resource");
  }
}
