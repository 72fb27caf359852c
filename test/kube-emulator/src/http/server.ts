import { ServerResponse, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { JsonObject } from "../api-types.js";
import type { ObjectService } from "../api/object-service.js";
import type { ContainerRuntime } from "../exec/container-runtime.js";
import type { Persona } from "../personas/index.js";
import { authenticate, authorize, type User } from "./authenticate.js";
import { group, groupList, legacyVersions, notFoundPath, resourceList } from "./handlers/discovery.js";
import { OpenApiEndpoints } from "./handlers/openapi.js";
import type { UpgradeRequest } from "./handlers/exec.js";
import { handleResource } from "./handlers/resources.js";
import { parseRequestPath } from "./request-info.js";
import { sendError, sendJson } from "./respond.js";

export interface ServerContext {
  persona: Persona;
  service: ObjectService;
  /** Runs pods' exec'd commands and keeps their logs. */
  runtime: ContainerRuntime;
  /** The first user is the admin. */
  users: User[];
  /** Plain HTTP: requests without credentials act as the admin (see authenticate). */
  insecurePort: boolean;
  bookmarkIntervalMs: number;
  /** host:port clients reach this server at, for /api's serverAddressByClientCIDRs. */
  serverAddress(): string;
  /** Called with method, path and status of each request, for --log-requests. */
  onRequest?: (line: string) => void;
}

const streamSubresources = new Set(["exec", "attach", "portforward"]);

/** The request listener for node's http/https server. */
export function createRequestListener(ctx: ServerContext): (req: IncomingMessage, res: ServerResponse) => void {
  const openapi = new OpenApiEndpoints(ctx.service.registry, ctx.persona);
  return (req, res) => {
    if (ctx.onRequest) {
      const log = ctx.onRequest;
      res.on("finish", () => log(`${req.method} ${req.url} ${res.statusCode}`));
    }
    route(req, res, ctx, openapi).catch((err: unknown) => sendError(res, err));
  };
}

/**
 * The listener for the server's `upgrade` event: requests asking to switch protocols
 * (exec over WebSocket, or SPDY). They are routed like any other request, with an HTTP
 * response on the raw socket for every answer but a switch, so that errors before the
 * upgrade read exactly as they do on a plain request.
 */
export function createUpgradeListener(ctx: ServerContext): { listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void; destroyAll(): void } {
  const openapi = new OpenApiEndpoints(ctx.service.registry, ctx.persona);
  // Upgraded sockets leave the server's bookkeeping, so closeAllConnections misses them.
  const sockets = new Set<Duplex>();
  const listener = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.on("finish", () => {
      ctx.onRequest?.(`${req.method} ${req.url} ${res.statusCode}`);
      socket.end();
    });
    socket.on("error", () => socket.destroy());
    route(req, res, ctx, openapi, { socket: socket as Socket, head }).catch((err: unknown) => sendError(res, err));
  };
  return {
    listener,
    destroyAll: () => {
      for (const s of sockets) s.destroy();
    },
  };
}

async function route(req: IncomingMessage, res: ServerResponse, ctx: ServerContext, openapi: OpenApiEndpoints, upgrade?: UpgradeRequest): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator");
  const target = parseRequestPath(url.pathname);
  // /version and health checks are public to anonymous requests (system:public-info-viewer),
  // but a request with bad credentials is refused everywhere, as kube-apiserver's
  // fail-on-error authenticator chain does.
  const anonymous = req.headers.authorization === undefined;
  if (target.type === "version") {
    if (!anonymous) authenticate(req, ctx.users, ctx.insecurePort);
    return sendJson(res, 200, ctx.persona.version as unknown as JsonObject);
  }
  if (target.type === "health") {
    if (!anonymous) authenticate(req, ctx.users, ctx.insecurePort);
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end("ok");
    return;
  }
  const user = authenticate(req, ctx.users, ctx.insecurePort);
  const registry = ctx.service.registry;
  switch (target.type) {
    case "legacy-versions":
      return sendJson(res, 200, legacyVersions(ctx.serverAddress()));
    case "groups":
      return sendJson(res, 200, groupList(registry));
    case "group":
      return sendJson(res, 200, group(registry, target.group));
    case "resource-list":
      return sendJson(res, 200, resourceList(registry, target.group, target.version, ctx.persona.minor));
    case "openapi-v2":
      return openapi.serveV2(req, res);
    case "openapi-v3-index":
      return openapi.serveV3Index(res);
    case "openapi-v3-doc":
      return openapi.serveV3Doc(req, res, target.group, target.version);
    case "resource":
      // Opening a stream into a pod is a create, whatever the method (AuthorizePodWebsocketUpgradeCreatePermission).
      authorize(user, streamSubresources.has(target.subresource ?? "") ? "POST" : (req.method ?? "GET"), target);
      return handleResource(req, res, url, target, {
        service: ctx.service,
        bookmarkIntervalMs: ctx.bookmarkIntervalMs,
        runtime: ctx.runtime,
        upgrade,
        onRequest: ctx.onRequest,
      });
    default:
      throw notFoundPath();
  }
}
