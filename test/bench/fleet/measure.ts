import { createHistogram } from "node:perf_hooks";
import { Redis } from "ioredis";

/** p50, p99 and max of round trips given in microseconds, in milliseconds. */
export function roundTripPercentiles(samplesUs: number[]): { count: number; p50Ms: number; p99Ms: number; maxMs: number } {
  if (samplesUs.length === 0) return { count: 0, p50Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN };
  const histogram = createHistogram();
  for (const us of samplesUs) histogram.record(Math.max(1, us));
  return { count: samplesUs.length, p50Ms: histogram.percentile(50) / 1000, p99Ms: histogram.percentile(99) / 1000, maxMs: histogram.max / 1000 };
}

/** The benchmark's own view of the hub's Redis: client count and the event stream's head. */
export class RedisProbe {
  private readonly redis: Redis;

  constructor(url: string) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  }

  /** Clients connected to Redis other than this probe (i.e. the hub's connections). */
  async hubClients(): Promise<number> {
    const info = await this.redis.info("clients");
    const m = /^connected_clients:(\d+)/m.exec(info);
    if (!m) throw new Error(`INFO clients has no connected_clients:\n${info}`);
    return Number(m[1]) - 1;
  }

  /** Round trip of one PING, microseconds. */
  async pingUs(): Promise<number> {
    const started = performance.now();
    await this.redis.ping();
    return Math.round((performance.now() - started) * 1000);
  }

  /** Id of the newest entry of the hub's event stream ("0-0" when empty). */
  async newestEventId(keyPrefix: string): Promise<string> {
    const newest = (await this.redis.xrevrange(`${keyPrefix}events`, "+", "-", "COUNT", 1)) as [string, string[]][];
    return newest[0]?.[0] ?? "0-0";
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * Samples, every `everyMs` until stopped, the round trips of a Redis PING and of a cheap hub call:
 * what the machine (scheduling, Redis) and the hub's event loop add to any round trip meanwhile.
 */
export function sampleLatencies(probe: RedisProbe, hubCall: () => Promise<unknown>, everyMs = 100): { stop(): Promise<{ redisPingUs: number[]; hubCallUs: number[] }> } {
  const redisPingUs: number[] = [];
  const hubCallUs: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      redisPingUs.push(await probe.pingUs());
      const started = performance.now();
      await hubCall();
      hubCallUs.push(Math.round((performance.now() - started) * 1000));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { redisPingUs, hubCallUs };
    },
  };
}
