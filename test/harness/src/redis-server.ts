import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort } from "./free-port.js";
import { spawnGroup, type ProcessGroup } from "./process-group.js";

export interface RedisOptions {
  /** Working directory for redis-server; kept on stop. Without it a fresh temp dir is made and removed on stop. */
  dir?: string;
  startTimeoutMs?: number;
}

export interface RunningRedis {
  host: string;
  port: number;
  /** redis://127.0.0.1:PORT, for ioredis and the agent's/hub's config. */
  url: string;
  /** The redis-server process, also its process group id. */
  pid: number;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
// freePort cannot reserve the port; redis-server may lose it to another process in between.
const PORT_ATTEMPTS = 3;

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

/** One PING over a raw socket: readiness without pulling a Redis client into the harness. */
function ping(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    let reply = "";
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("latin1");
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

function redisArgs(port: number, dir: string): string[] {
  return [
    "--port", String(port),
    "--bind", HOST,
    "--protected-mode", "yes",
    "--daemonize", "no",
    // A throwaway server: nothing is written to disk.
    "--save", "",
    "--appendonly", "no",
    "--dir", dir,
  ];
}

/** Runs Debian's redis-server on a free loopback port until `stop`. */
export async function startRedis(options: RedisOptions = {}): Promise<RunningRedis> {
  const binary = findOnPath("redis-server");
  if (!binary) throw new Error("redis-server not found on PATH: run scripts/bootstrap.sh or apt-get install redis-server");

  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "lifeboat-redis-")));
  const removeDir = async (): Promise<void> => {
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };

  let group: ProcessGroup | undefined;
  let port = 0;
  try {
    for (let attempt = 1; group === undefined; attempt++) {
      port = await freePort();
      const candidate = await spawnGroup(binary, redisArgs(port, dir), { cwd: dir });
      try {
        await candidate.waitReady(() => ping(port), {
          what: `redis-server on ${HOST}:${port}`,
          timeoutMs: options.startTimeoutMs ?? 15_000,
        });
        group = candidate;
      } catch (err) {
        await candidate.stop();
        const portTaken = /address already in use/i.test(candidate.output());
        if (!portTaken || attempt >= PORT_ATTEMPTS) throw err;
      }
    }
  } catch (err) {
    await removeDir();
    throw err;
  }

  const running = group;
  let stopping: Promise<void> | undefined;
  return {
    host: HOST,
    port,
    url: `redis://${HOST}:${port}`,
    pid: running.pid,
    // Idempotent, so afterAll hooks and error paths may both call it.
    stop: () => (stopping ??= running.stop().then(removeDir)),
  };
}
