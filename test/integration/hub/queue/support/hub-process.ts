import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { connectHubRedis, Dispatcher, EventLog, LeaseSweeper, TaskQueue, type HubRedis } from "@lifeboat/hub";

/** A key prefix of a test's own, so tests share one redis-server without seeing each other. */
export function testPrefix(): string {
  return `t-${randomUUID().slice(0, 8)}:`;
}

export interface HubProcessOptions {
  prefix: string;
  /** Names the connections in CLIENT LIST. */
  name?: string;
  leaseMs?: number;
  /** Start the BullMQ lease sweeper too (default false: tests sweep by hand). */
  sweeper?: boolean;
  sweepEveryMs?: number;
  recheckMs?: number;
}

/** What one hub process holds for the queue: its connections, queue, dispatcher, event log, sweeper. */
export interface HubProcess {
  readonly name: string;
  readonly redis: HubRedis;
  readonly queue: TaskQueue;
  readonly dispatcher: Dispatcher;
  readonly events: EventLog;
  readonly sweeper?: LeaseSweeper;
  /** Errors the dispatcher and sweeper reported. */
  readonly errors: unknown[];
  /** Connection errors (expected while Redis restarts). */
  readonly connectionErrors: Error[];
  close(): Promise<void>;
}

export async function startHubProcess(url: string, options: HubProcessOptions): Promise<HubProcess> {
  const name = options.name ?? `hub-${randomUUID().slice(0, 6)}`;
  const errors: unknown[] = [];
  const connectionErrors: Error[] = [];
  const redis = connectHubRedis({ url, clientName: name, onError: (err) => void connectionErrors.push(err) });
  const queue = new TaskQueue({ redis: redis.command, prefix: options.prefix });
  const dispatcher = new Dispatcher({
    queue,
    subscriber: redis.subscriber,
    leaseMs: options.leaseMs ?? 30_000,
    recheckMs: options.recheckMs,
    hubId: name,
    onError: (err) => errors.push(err),
  });
  await dispatcher.start();
  const events = new EventLog({ redis: redis.command, reader: () => redis.eventReader(), prefix: options.prefix, blockMs: 500 });
  let sweeper: LeaseSweeper | undefined;
  if (options.sweeper) {
    sweeper = new LeaseSweeper({ queue, connection: redis.bullmq, everyMs: options.sweepEveryMs ?? 1_000, onError: (err) => errors.push(err) });
    await sweeper.start();
  }
  return {
    name,
    redis,
    queue,
    dispatcher,
    events,
    sweeper,
    errors,
    connectionErrors,
    async close() {
      events.close();
      await sweeper?.close();
      await dispatcher.stop();
      await redis.close();
    },
  };
}

/** A plain client for assertions (CLIENT LIST, raw reads); disconnect it after. */
export function inspector(url: string): Redis {
  return new Redis(url, { connectionName: "test-inspector", maxRetriesPerRequest: 3 });
}

/** Names of the connected clients whose name starts with `prefix`. */
export async function clientNames(redis: Redis, prefix: string): Promise<string[]> {
  const list = (await redis.client("LIST")) as string;
  return list
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => /(?:^| )name=(\S*)/.exec(line)?.[1] ?? "")
    .filter((n) => n.startsWith(prefix));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true or `timeoutMs` passes (then throws, naming `what`). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
