import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { WebSocketServer } from "ws";
import type { KubeObject, ResourceInfo } from "../../api-types.js";
import type { ObjectService } from "../../api/object-service.js";
import { negotiateProtocol } from "../../exec/channel-protocol.js";
import type { ContainerRuntime } from "../../exec/container-runtime.js";
import { serveExecSession } from "../../exec/exec-session.js";
import { isContainerRunning, nodeNameOf, resolveContainer } from "../../exec/pod-containers.js";
import { badRequest, StatusError } from "../status-error.js";

/** The socket of a request that asked to switch protocols (the server's `upgrade` event). */
export interface UpgradeRequest {
  socket: Socket;
  head: Buffer;
}

export interface StreamHandlerContext {
  service: ObjectService;
  runtime: ContainerRuntime;
  upgrade?: UpgradeRequest;
  /** For --log-requests: an upgraded request never finishes an HTTP response. */
  onRequest?: (line: string) => void;
}

/** Go's strconv.ParseBool, as query parameters are converted into PodExecOptions. */
function queryBool(q: URLSearchParams, name: string): boolean {
  return ["1", "t", "T", "true", "TRUE", "True"].includes(q.get(name) ?? "");
}

function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function isWebSocketRequest(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? "").toLowerCase() === "websocket";
}

/**
 * What kube-apiserver checks before it proxies a streaming request to the kubelet
 * (streamLocation in pkg/registry/core/pod/strategy.go), then the upgrade its proxy
 * handler requires.
 */
function locateStream(service: ObjectService, info: ResourceInfo, ns: string | undefined, name: string, container: string | undefined, upgrade: UpgradeRequest | undefined): { pod: KubeObject; container: string } {
  const pod = service.get(info, ns, name);
  const resolved = container === undefined ? "" : resolveContainer(pod, container);
  if (!nodeNameOf(pod)) throw badRequest(`pod ${name} does not have a host assigned`);
  if (!upgrade) throw badRequest("Upgrade request required");
  return { pod, container: resolved };
}

/**
 * GET/POST .../pods/{name}/exec: the command runs in the container's sandbox over a
 * WebSocket channel protocol. SPDY, which kubectl falls back to, is declined with a Status
 * saying so. Errors the kubelet would answer (no stream asked for, container not running)
 * come as its plain-text bodies, which kubectl shows as "unable to upgrade connection: …".
 */
export function handleExec(req: IncomingMessage, res: ServerResponse, url: URL, info: ResourceInfo, ns: string | undefined, name: string, ctx: StreamHandlerContext): void {
  const method = req.method ?? "GET";
  if (method !== "GET" && method !== "POST") throw methodNotAllowed(method);
  const q = url.searchParams;
  const located = locateStream(ctx.service, info, ns, name, q.get("container") ?? "", ctx.upgrade);
  const upgrade = ctx.upgrade!;
  const tty = queryBool(q, "tty");
  const streams = { stdin: queryBool(q, "stdin"), stdout: queryBool(q, "stdout"), stderr: queryBool(q, "stderr") && !tty };
  // The kubelet's remotecommand.NewOptions.
  if (!streams.stdin && !streams.stdout && !streams.stderr) return sendText(res, 400, "you must specify at least 1 of stdin, stdout, stderr");
  // kubelet GetExec: only running containers can be found (GetPods(all=false)).
  if (!isContainerRunning(located.pod, located.container)) return sendText(res, 500, `container not found ("${located.container}")`);
  const argv = q.getAll("command");
  if (argv.length === 0) throw badRequest("you must specify at least one command for the container");
  if (!isWebSocketRequest(req)) throw declinedUpgrade("exec", req);

  const offered = (req.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim()).filter(Boolean);
  const protocol = negotiateProtocol(offered);
  if (protocol === undefined) {
    // The websocket handshake of wsstream refuses unknown subprotocols with a bare 403.
    res.writeHead(403, { "Content-Length": 0 });
    res.end();
    return;
  }
  res.detachSocket(upgrade.socket);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: () => protocol || false });
  wss.handleUpgrade(req, upgrade.socket, upgrade.head, (ws) => {
    ctx.onRequest?.(`${method} ${req.url} 101`);
    serveExecSession(ws, protocol, ctx.runtime, { pod: located.pod, container: located.container, argv, ...streams, tty });
  });
}

/**
 * pods/attach and pods/portforward: the request is checked as the real server checks it,
 * and the stream itself declined, since the emulator's containers have no main process and
 * no ports.
 */
export function handleUnservedStream(req: IncomingMessage, sub: "attach" | "portforward", info: ResourceInfo, ns: string | undefined, name: string, url: URL, ctx: StreamHandlerContext): never {
  const method = req.method ?? "GET";
  if (method !== "GET" && method !== "POST") throw methodNotAllowed(method);
  locateStream(ctx.service, info, ns, name, sub === "attach" ? (url.searchParams.get("container") ?? "") : undefined, ctx.upgrade);
  throw declinedUpgrade(sub, req);
}

function declinedUpgrade(sub: string, req: IncomingMessage): StatusError {
  if (sub !== "exec") return badRequest(`pods/${sub} is not supported by the emulator`);
  const asked = req.headers.upgrade ?? "";
  return badRequest(
    `the emulator serves pods/exec over WebSocket (v5.channel.k8s.io, v4.channel.k8s.io) only, not ${asked}: use kubectl 1.30 or later (1.29 with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=true)`,
  );
}

function methodNotAllowed(method: string): StatusError {
  return new StatusError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource (${method})`);
}
