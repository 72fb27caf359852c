import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { raisedOpenFileLimit } from "./open-files.js";
import type { ConnectReply, GeneratorConfig, GeneratorReply, GeneratorRequest, HeartbeatReply, RegisterReply, StatusReply } from "./protocol.js";

const GENERATOR = fileURLToPath(new URL("./generator.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;
type Request = WithoutId<GeneratorRequest>;

/** One load-generator child process, spoken to over IPC. */
class Generator {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;

  constructor(
    readonly index: number,
    private readonly child: ChildProcess,
  ) {
    child.on("message", (reply: GeneratorReply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new Error(`generator ${index}: ${reply.error}`));
    });
    child.once("exit", (code, signal) => {
      this.exited = true;
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`generator ${index} exited (${code ?? signal})`));
      this.waiting.clear();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<T>(request: Request): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`generator ${this.index} has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...request, id } as GeneratorRequest);
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    await Promise.race([this.call({ op: "stop" }).catch(() => undefined), new Promise((r) => setTimeout(r, 5_000))]);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    await gone;
    clearTimeout(timer);
  }
}

/**
 * Load-generator processes holding the simulated agents, agents split evenly between them.
 * Each runs under tsx with the open-file limit raised to the hard limit (one socket per agent).
 */
export class GeneratorPool {
  private constructor(private readonly generators: Generator[]) {}

  static async start(count: number, config: Omit<GeneratorConfig, "index">): Promise<GeneratorPool> {
    const generators: Generator[] = [];
    for (let index = 0; index < count; index++) {
      const env = { ...process.env, FLEET_GENERATOR_CONFIG: JSON.stringify({ ...config, index } satisfies GeneratorConfig) };
      const [command, args] = raisedOpenFileLimit(process.execPath, ["--max-old-space-size=4096", "--no-deprecation", "--import", "tsx", GENERATOR]);
      const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "inherit", "inherit", "ipc"] });
      // Never left behind, whatever ends the benchmark.
      process.once("exit", () => child.kill("SIGKILL"));
      generators.push(new Generator(index, child));
    }
    const pool = new GeneratorPool(generators);
    // Loaded and answering (tsx compiles on start), so that no phase's time includes it.
    await pool.status();
    return pool;
  }

  get pids(): number[] {
    return this.generators.map((g) => g.pid);
  }

  /** Registers one agent per token, tokens split between the generators; resolves when all are done. */
  async register(tokens: string[], concurrency: number): Promise<RegisterReply[]> {
    const parts = this.generators.map((_, i) => tokens.filter((__, t) => t % this.generators.length === i));
    return Promise.all(this.generators.map((g, i) => g.call<RegisterReply>({ op: "register", tokens: parts[i]!, concurrency })));
  }

  async connect(concurrency: number, heartbeatIntervalMs: number, credits: number): Promise<ConnectReply[]> {
    return Promise.all(this.generators.map((g) => g.call<ConnectReply>({ op: "connect", concurrency, heartbeatIntervalMs, credits })));
  }

  async recordHeartbeats(on: boolean): Promise<HeartbeatReply> {
    const replies = await Promise.all(this.generators.map((g) => g.call<HeartbeatReply>({ op: "record-heartbeats", on })));
    return {
      roundTripsUs: replies.flatMap((r) => r.roundTripsUs),
      unanswered: replies.reduce((n, r) => n + r.unanswered, 0),
      loopDelayP99Ms: Math.max(...replies.map((r) => r.loopDelayP99Ms)),
      loopDelayMaxMs: Math.max(...replies.map((r) => r.loopDelayMaxMs)),
    };
  }

  async status(): Promise<StatusReply> {
    const replies = await Promise.all(this.generators.map((g) => g.call<StatusReply>({ op: "status" })));
    return {
      open: sum(replies.map((r) => r.open)),
      welcomed: sum(replies.map((r) => r.welcomed)),
      tasksCompleted: sum(replies.map((r) => r.tasksCompleted)),
      cancels: sum(replies.map((r) => r.cancels)),
      ended: sum(replies.map((r) => r.ended)),
      errors: replies.flatMap((r) => r.errors),
      rssBytes: sum(replies.map((r) => r.rssBytes)),
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.generators.map((g) => g.stop()));
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
