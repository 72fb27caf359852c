import { hostname } from "node:os";
import { Redis, type RedisOptions } from "ioredis";
import { defineTaskScripts, type TaskScriptCommands } from "./define-scripts.js";

export interface RedisSettings {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Names the connections in CLIENT LIST: `<name>:command`, `<name>:subscriber`, ... */
  clientName?: string;
  /** Extra ioredis options for every connection (TLS, timeouts). */
  options?: RedisOptions;
  /**
   * Told of connection errors (ioredis reconnects by itself; commands wait in its offline
   * queue meanwhile). Default: one line on stderr per error.
   */
  onError?: (err: Error, role: string) => void;
}

/**
 * The Redis connections of one hub process. Their number is fixed whatever the number of
 * clusters or agents: one for commands, one for pub/sub, one for BullMQ (which makes one
 * more for its worker's blocking reads), and one for the event-log reader once anyone
 * watches. Nothing here blocks per cluster.
 */
export interface HubRedis {
  /** Commands and the task scripts; auto-pipelined, so concurrent callers share round trips. */
  readonly command: Redis & TaskScriptCommands;
  /** SUBSCRIBE only: the queued and cancel channels (see Dispatcher). */
  readonly subscriber: Redis;
  /** For BullMQ's Queue and Worker (BullMQ requires maxRetriesPerRequest: null). */
  readonly bullmq: Redis;
  /** The one blocking XREAD connection of this process's event-log reader, made on first use. */
  eventReader(): Redis;
  /** Closes every connection made here (QUIT, then disconnect). */
  close(): Promise<void>;
}

export function defaultClientName(): string {
  return `lifeboat-hub:${hostname()}:${process.pid}`;
}

/** Opens the command, subscriber and BullMQ connections of one hub process. */
export function connectHubRedis(settings: RedisSettings): HubRedis {
  const name = settings.clientName ?? defaultClientName();
  const onError = settings.onError ?? ((err: Error, role: string) => console.error(`lifeboat hub: redis ${role} connection: ${err.message}`));
  const open = (role: string, extra: RedisOptions = {}): Redis => {
    const connection = new Redis(settings.url, { ...settings.options, connectionName: `${name}:${role}`, ...extra });
    // Without a listener ioredis reports every failed reconnect as an unhandled error.
    connection.on("error", (err: Error) => onError(err, role));
    return connection;
  };

  const command = defineTaskScripts(open("command", { enableAutoPipelining: true }));
  const subscriber = open("subscriber");
  const bullmq = open("bullmq", { maxRetriesPerRequest: null });
  let eventReader: Redis | undefined;
  const all = (): Redis[] => [command, subscriber, bullmq, ...(eventReader ? [eventReader] : [])];

  return {
    command,
    subscriber,
    bullmq,
    eventReader: () => (eventReader ??= open("events", { maxRetriesPerRequest: null })),
    async close() {
      await Promise.all(
        all().map(async (c) => {
          try {
            if (c.status === "ready") await c.quit();
          } catch {
            // closing anyway
          }
          c.disconnect();
        }),
      );
    },
  };
}
