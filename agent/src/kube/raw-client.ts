// Plain HTTP requests to the API server with the kubeconfig's credentials, for the backup and the
// restore, which read and write objects as raw JSON (client-node's typed clients turn JSON into
// model classes, which does not give back the JSON the server stored).
import type { KubeConfig } from "@kubernetes/client-node";
import { Pool, type Dispatcher } from "undici";

export interface RawResponse {
  status: number;
  body: Buffer;
}

export interface RawRequest {
  method: string;
  /** Path and query under the server's URL, e.g. "/api/v1/namespaces". */
  path: string;
  body?: Buffer;
  contentType?: string;
  signal?: AbortSignal;
  /** Give up on an answer after this long (none by default). */
  timeoutMs?: number;
}

export interface RawClient {
  /** Sends the request and reads the whole answer; rejects only when there is no answer. */
  send(request: RawRequest): Promise<RawResponse>;
}

// Credentials are read again this often, so tokens that an exec plugin or a projected
// service-account file renews are picked up without a request per read.
const CREDENTIALS_REFRESH_MS = 60_000;

/**
 * A client over one keep-alive connection pool (undici's: about half the CPU a request costs
 * through node:http, which matters when a restore makes a hundred thousand). client-node's
 * applyToHTTPSOptions makes a new agent (so a new TCP and TLS connection) per call: fine for a few
 * lists, ruinous for a restore. Here the credentials are applied once a minute and the
 * connections reused; the TLS settings come from the first application.
 */
export function createRawClient(kc: KubeConfig, connections = 32): RawClient {
  // The server URL may carry a path prefix (a proxy in front of the API server).
  type Prepared = { headers: Record<string, string>; pool: Pool; prefix: string };
  let prepared: { at: number; options: Promise<Prepared> } | undefined;
  let pool: Pool | undefined;
  const prepare = async (): Promise<Prepared> => {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error("the kubeconfig names no current cluster");
    const options: { headers: Record<string, string>; auth?: string } & Record<string, unknown> = { headers: {} };
    await kc.applyToHTTPSOptions(options as never);
    const server = new URL(cluster.server);
    pool ??= new Pool(server.origin, {
      connections,
      connect: { ca: options.ca, cert: options.cert, key: options.key, rejectUnauthorized: options.rejectUnauthorized, servername: options.servername } as never,
    });
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth) headers.authorization = `Basic ${Buffer.from(options.auth).toString("base64")}`;
    return { headers, pool, prefix: server.pathname.replace(/\/+$/, "") };
  };
  const current = (): Promise<Prepared> => {
    if (!prepared || Date.now() - prepared.at > CREDENTIALS_REFRESH_MS) {
      const options = prepare();
      prepared = { at: Date.now(), options };
      options.catch(() => prepared?.options === options && (prepared = undefined));
    }
    return prepared.options;
  };
  return {
    async send({ method, path, body, contentType, signal, timeoutMs }) {
      const { headers, pool: connections, prefix } = await current();
      const requestHeaders: Record<string, string> = { ...headers, accept: "application/json" };
      if (body) requestHeaders["content-type"] = contentType ?? "application/json";
      const response = await connections.request({
        method: method as Dispatcher.HttpMethod,
        path: prefix + path,
        headers: requestHeaders,
        body,
        signal,
        ...(timeoutMs !== undefined ? { headersTimeout: timeoutMs, bodyTimeout: timeoutMs } : {}),
      });
      return { status: response.statusCode, body: Buffer.from(await response.body.arrayBuffer()) };
    },
  };
}
