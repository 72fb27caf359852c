// A real HTTP server between the agent and an emulator that forwards every request, except that
// it answers the first N requests matching a rule itself, with a metav1.Status failure (500
// InternalError, 409 Conflict, …): the API server faults a restore must ride out, on the wire.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface FaultRule {
  method: string;
  /** The request path without its query, e.g. /api/v1/namespaces/shop/configmaps. */
  path: string;
  /** Only requests whose JSON body has this metadata.name (a POST names its object only there). */
  name?: string;
  /** How many matching requests to answer with the fault; the rest go through. */
  times: number;
  code: number;
  reason: string;
  message: string;
  /** Forward the request first and answer the fault in place of the server's answer: a write that happened, whose answer was lost. */
  afterForward?: boolean;
}

export interface FaultProxy {
  url: string;
  /** Answers the next `rule.times` requests matching it with its failure. */
  fail(rule: FaultRule): void;
  /** Requests seen that match, faulted or forwarded: "POST /api/v1/…/configmaps flaky". */
  seen(method: string, path: string, name?: string): number;
  close(): Promise<void>;
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const rules: FaultRule[] = [];
  const counts = new Map<string, number>();
  const keyOf = (method: string, path: string, name?: string) => `${method} ${path} ${name ?? ""}`;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? "/").split("?")[0]!;
      const name = nameIn(body);
      for (const key of new Set([keyOf(req.method ?? "", path), keyOf(req.method ?? "", path, name)])) counts.set(key, (counts.get(key) ?? 0) + 1);
      const rule = rules.find((r) => r.times > 0 && r.method === req.method && r.path === path && (r.name === undefined || r.name === name));
      const fault = () => {
        const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: rule!.message, reason: rule!.reason, code: rule!.code };
        res.writeHead(rule!.code, { "Content-Type": "application/json" });
        res.end(JSON.stringify(status));
      };
      if (rule) rule.times--;
      if (rule && !rule.afterForward) return fault();
      const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        if (rule) {
          answer.resume();
          answer.on("end", fault);
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    fail: (rule) => rules.push({ ...rule }),
    seen: (method, path, name) => counts.get(keyOf(method, path, name)) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function nameIn(body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  try {
    const name = (JSON.parse(body.toString("utf8")) as { metadata?: { name?: unknown } }).metadata?.name;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}
