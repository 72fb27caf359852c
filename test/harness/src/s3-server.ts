import { fileURLToPath } from "node:url";
import { spawnGroup } from "./process-group.js";

// Why fauxqs 1.9.2 and what it lacks (no If-None-Match, no ListMultipartUploads):
// see ../S3-SERVER.md.

export interface S3ServerOptions {
  /** Buckets to create before returning. */
  buckets?: string[];
  startTimeoutMs?: number;
}

export interface RunningS3Server {
  /** http://127.0.0.1:PORT; use with forcePathStyle: true. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The server process, also its process group id. */
  pid: number;
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const REGION = "us-east-1";
// The server accepts any signature; fixed values keep clients' configs uniform.
const ACCESS_KEY_ID = "lifeboat";
const SECRET_ACCESS_KEY = "lifeboat-secret";
// fauxqs caps request bodies at 11 MiB, but S3 takes parts and single PUTs of up to 5 GiB;
// 1 GiB covers any test while the server still buffers each body in memory.
const MAX_BODY_BYTES = 1024 * 1024 * 1024;
const READY_LINE = /^s3 listening on (\d+)$/m;

// Runs in the child. It listens on port 0 so the OS picks the port and no other process
// can take it between choosing and binding; the chosen port is reported on stdout.
const CHILD_SCRIPT = `
const { buildApp } = await import("fauxqs");
const app = buildApp({ logger: false });
app.removeContentTypeParser("*");
app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: ${MAX_BODY_BYTES} }, (_req, body, done) => done(null, body));
await app.listen({ host: "${HOST}", port: 0 });
process.stdout.write("s3 listening on " + app.server.address().port + "\\n");
`;

// The package folder, from src/ or dist/ alike: the child resolves "fauxqs" from there.
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

/**
 * Runs an S3-speaking server (fauxqs, in its own Node process and process group) on a
 * loopback port until `stop`. Objects live in that process's memory and end with it.
 */
export async function startS3Server(options: S3ServerOptions = {}): Promise<RunningS3Server> {
  const group = await spawnGroup(process.execPath, ["--input-type=module", "--eval", CHILD_SCRIPT], { cwd: PACKAGE_DIR });
  let port = 0;
  await group.waitReady(
    () => {
      const match = READY_LINE.exec(group.output());
      if (match?.[1]) port = Number(match[1]);
      return port > 0;
    },
    { what: "S3 server (fauxqs)", timeoutMs: options.startTimeoutMs ?? 20_000 },
  );

  const endpoint = `http://${HOST}:${port}`;
  const createBucket = async (name: string): Promise<void> => {
    // Path-style CreateBucket; the server checks no signature, so plain HTTP suffices.
    const res = await fetch(`${endpoint}/${encodeURIComponent(name)}`, { method: "PUT" });
    if (!res.ok) throw new Error(`createBucket ${name}: HTTP ${res.status} ${await res.text()}`);
  };

  let stopping: Promise<void> | undefined;
  const server: RunningS3Server = {
    endpoint,
    region: REGION,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    pid: group.pid,
    createBucket,
    stop: () => (stopping ??= group.stop()),
  };
  try {
    for (const bucket of options.buckets ?? []) await createBucket(bucket);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}
