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
  /**
   * Persist every write to an append-only file in `dir` (appendonly yes), as the hub
   * expects of its Redis, so data survives `restart()`. Default false: a throwaway server
   * that writes nothing to disk.
   */
  appendOnly?: boolean;
  /** With appendOnly: when the AOF is fsynced (default "everysec", the hub's expectation). */
  appendFsync?: "always" | "everysec" | "no";
}

export interface RestartOptions {
  /**
   * How the running server is stopped: "kill" (SIGKILL, a crash: no final fsync) or
   * "shutdown" (the SHUTDOWN command: a clean stop). Default "kill".
   */
  how?: "kill" | "shutdown";
}

export interface RunningRedis {
  host: string;
  port: number;
  /** redis://127.0.0.1:PORT, for ioredis and the agent's/hub's config. */
  url: string;
  /** The redis-server process, also its process group id (a new one after `restart`). */
  readonly pid: number;
  /** The directory redis-server runs in (and keeps its AOF in). */
  dir: string;
  /**
   * Stops the server (see RestartOptions) and starts it again on the same port and dir;
   * resolves once it answers PING. Clients reconnect by themselves. Fails if another
   * process took the port meanwhile.
   */
  restart(options?: RestartOptions): Promise<void>;
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

/** Sends one command over a raw socket and resolves when the server closes the connection (or the timeout). */
function sendAndAwaitClose(port: number, command: string, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    const done = (): void => {
      socket.destroy();
      resolve();
    };
    socket.setTimeout(timeoutMs, done);
    socket.once("error", done);
    socket.once("close", done);
    socket.once("connect", () => socket.write(`${command}\r\n`));
    socket.on("data", () => {});
  });
}

function redisArgs(port: number, dir: string, options: RedisOptions): string[] {
  const persistence = options.appendOnly
    ? ["--save", "", "--appendonly", "yes", "--appendfsync", options.appendFsync ?? "everysec"]
    : // A throwaway server: nothing is written to disk.
      ["--save", "", "--appendonly", "no"];
  return [
    "--port", String(port),
    "--bind", HOST,
    "--protected-mode", "yes",
    "--daemonize", "no",
    ...persistence,
    "--dir", dir,
  ];
}

async function spawnRedis(binary: string, port: number, dir: string, options: RedisOptions): Promise<ProcessGroup> {
  const group = await spawnGroup(binary, redisArgs(port, dir, options), { cwd: dir });
  try {
    await group.waitReady(() => ping(port), {
      what: `redis-server on ${HOST}:${port}`,
      timeoutMs: options.startTimeoutMs ?? 15_000,
    });
  } catch (err) {
    await group.stop();
    throw err;
  }
  return group;
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
      try {
        group = await spawnRedis(binary, port, dir, options);
      } catch (err) {
        const portTaken = /address already in use/i.test(String((err as Error).message));
        if (!portTaken || attempt >= PORT_ATTEMPTS) throw err;
      }
    }
  } catch (err) {
    await removeDir();
    throw err;
  }

  let running = group;
  let stopping: Promise<void> | undefined;
  return {
    host: HOST,
    port,
    url: `redis://${HOST}:${port}`,
    get pid() {
      return running.pid;
    },
    dir,
    async restart(restart: RestartOptions = {}) {
      if (stopping) throw new Error("restart: redis-server was stopped");
      if ((restart.how ?? "kill") === "shutdown") {
        // SHUTDOWN (with AOF on: a final fsync) closes the connection as the server exits.
        await sendAndAwaitClose(port, "SHUTDOWN");
        await running.stop();
      } else {
        // A crash: no chance to flush anything that is not in the AOF already.
        try {
          process.kill(-running.pid, "SIGKILL");
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
        }
        await running.stop();
      }
      running = await spawnRedis(binary, port, dir, options);
    },
    // Idempotent, so afterAll hooks and error paths may both call it.
    stop: () => (stopping ??= running.stop().then(removeDir)),
  };
}
