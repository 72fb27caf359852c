import http from "node:http";

export interface HttpTarget {
  url: URL;
  token?: string;
  agent: http.Agent;
}

export interface HttpResponse {
  status: number;
  body: Buffer;
}

export function makeTarget(url: string, token: string | undefined, maxSockets: number): HttpTarget {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:") throw new Error(`the benchmark speaks plain HTTP only, got ${url}`);
  return { url: parsed, token, agent: new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }) };
}

function once(target: HttpTarget, method: string, path: string, body?: string): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { Accept: "application/json" };
    if (target.token) headers.Authorization = `Bearer ${target.token}`;
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = Buffer.byteLength(body);
    }
    const req = http.request(
      { host: target.url.hostname, port: target.url.port, path, method, headers, agent: target.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** One request; a connection reset on a reused keep-alive socket is retried once. */
export async function request(target: HttpTarget, method: string, path: string, body?: string): Promise<HttpResponse> {
  try {
    return await once(target, method, path, body);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ECONNRESET") throw err;
    return once(target, method, path, body);
  }
}

/** Runs `work` over the items of `source` with at most `concurrency` in flight; the first error stops it. */
export async function runPool<T>(source: Iterator<T>, concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let failed: unknown;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (failed !== undefined) return;
      const next = source.next();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (err) {
        failed ??= err;
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failed !== undefined) throw failed;
}
