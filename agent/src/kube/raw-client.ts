// Plain HTTP requests to the API server with the kubeconfig's credentials, for the backup and the
// restore, which read and write objects as raw JSON (client-node's typed clients turn JSON into
// model classes, which does not give back the JSON the server stored).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

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
 * A client over one keep-alive connection pool. client-node's applyToHTTPSOptions makes a new
 * agent (so a new TCP and TLS connection) per call: fine for a few lists, ruinous for a restore's
 * hundred thousand creates. Here the credentials are applied once a minute and the connections
 * reused; the TLS settings come from the first application.
 */
export function createRawClient(kc: KubeConfig, maxSockets = 32): RawClient {
  let prepared: { at: number; options: Promise<{ base: string; headers: Record<string, string>; agent: HttpAgent }> } | undefined;
  let agent: HttpAgent | undefined;
  const prepare = async (): Promise<{ base: string; headers: Record<string, string>; agent: HttpAgent }> => {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error("the kubeconfig names no current cluster");
    const options: RequestOptions & { headers: Record<string, string> } & Record<string, unknown> = { headers: {} };
    await kc.applyToHTTPSOptions(options);
    const base = cluster.server.replace(/\/+$/, "");
    agent ??= base.startsWith("https:")
      ? new HttpsAgent({ keepAlive: true, maxSockets, ca: options.ca, cert: options.cert, key: options.key, pfx: options.pfx, passphrase: options.passphrase, rejectUnauthorized: options.rejectUnauthorized, servername: options.servername } as ConstructorParameters<typeof HttpsAgent>[0])
      : new HttpAgent({ keepAlive: true, maxSockets });
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString("base64")}`;
    return { base, headers, agent };
  };
  const current = (): Promise<{ base: string; headers: Record<string, string>; agent: HttpAgent }> => {
    if (!prepared || Date.now() - prepared.at > CREDENTIALS_REFRESH_MS) {
      const options = prepare();
      prepared = { at: Date.now(), options };
      options.catch(() => prepared?.options === options && (prepared = undefined));
    }
    return prepared.options;
  };
  return {
    async send({ method, path, body, contentType, signal, timeoutMs }) {
      const { base, headers, agent: pool } = await current();
      const url = new URL(base + path);
      const requestHeaders: Record<string, string> = { ...headers, Accept: "application/json" };
      if (body) {
        requestHeaders["Content-Type"] = contentType ?? "application/json";
        requestHeaders["Content-Length"] = String(body.length);
      }
      const open = url.protocol === "https:" ? httpsRequest : httpRequest;
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = open(url, { method, headers: requestHeaders, agent: pool, signal }, resolve);
        if (timeoutMs !== undefined) req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on("error", reject);
        req.end(body);
      });
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      return { status: response.statusCode ?? 0, body: Buffer.concat(chunks) };
    },
  };
}
