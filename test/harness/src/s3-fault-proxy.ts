import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** What the proxy does to a request it faults. */
export type S3FaultKind =
  /** 503 with an S3 `SlowDown` error body: the server asks the client to back off. */
  | "slow-down"
  /** 500 with an S3 `InternalError` body. */
  | "internal-error"
  /** Closes the connection without an answer. */
  | "drop"
  /** Reads the request and never answers, until the client gives up or the proxy stops. */
  | "stall";

export interface S3FaultProxy {
  /** http://127.0.0.1:PORT: use as the S3 endpoint instead of the server's. */
  endpoint: string;
  /** Fault the next `count` requests. */
  failNext(count: number, kind: S3FaultKind): void;
  /** Fault every request for the next `ms` milliseconds. */
  failFor(ms: number, kind: S3FaultKind): void;
  /** Stop faulting; requests pass through again. */
  heal(): void;
  /** Requests seen, and how many of them were faulted, since the proxy started. */
  readonly requests: number;
  readonly faulted: number;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const ERRORS = {
  "slow-down": { status: 503, code: "SlowDown", message: "Please reduce your request rate." },
  "internal-error": { status: 500, code: "InternalError", message: "We encountered an internal error. Please try again." },
} as const;

/**
 * An HTTP proxy on a loopback port in front of an S3 server (`target`, e.g. the harness's
 * startS3Server().endpoint), which passes requests through or answers them with S3 faults.
 */
export async function startS3FaultProxy(target: string): Promise<S3FaultProxy> {
  const upstream = new URL(target);
  let remaining = 0;
  let remainingKind: S3FaultKind = "slow-down";
  let until = 0;
  let untilKind: S3FaultKind = "slow-down";
  let requests = 0;
  let faulted = 0;
  const sockets = new Set<Socket>();

  const chooseFault = (): S3FaultKind | undefined => {
    if (remaining > 0) {
      remaining -= 1;
      return remainingKind;
    }
    return Date.now() < until ? untilKind : undefined;
  };

  const server = createServer((req, res) => {
    requests += 1;
    const fault = chooseFault();
    if (fault === undefined) return forward(upstream, req, res);
    faulted += 1;
    if (fault === "drop") return void req.socket.destroy();
    // Read the whole body first, as S3 does, so the client is not cut off mid-upload.
    req.resume();
    req.on("end", () => {
      if (fault === "stall") return;
      const { status, code, message } = ERRORS[fault];
      const body =
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
        `<RequestId>lifeboat-fault-${faulted}</RequestId></Error>`;
      res.writeHead(status, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://${HOST}:${port}`,
    failNext(count, kind) {
      remaining = count;
      remainingKind = kind;
    },
    failFor(ms, kind) {
      until = Date.now() + ms;
      untilKind = kind;
    },
    heal() {
      remaining = 0;
      until = 0;
    },
    get requests() {
      return requests;
    },
    get faulted() {
      return faulted;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function forward(upstream: URL, req: IncomingMessage, res: ServerResponse): void {
  const headers = { ...req.headers };
  // Node's server already answered any "100-continue"; the upstream gets the body straight away.
  delete headers.expect;
  const out = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on("error", () => req.socket.destroy());
  req.pipe(out);
}
