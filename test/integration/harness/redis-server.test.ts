import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RunningRedis } from "../../harness/src/redis-server.js";

/** A client that fails fast instead of reconnecting forever. */
function client(url: string): Redis {
  return new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

describe("startRedis", () => {
  let redis: RunningRedis;

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  it("serves SET and GET on its loopback port", async () => {
    expect(redis.host).toBe("127.0.0.1");
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    const c = client(redis.url);
    try {
      await c.connect();
      expect(await c.set("lifeboat:harness", "afloat")).toBe("OK");
      expect(await c.get("lifeboat:harness")).toBe("afloat");
    } finally {
      c.disconnect();
    }
  });

  it("gives two instances distinct ports and separate data", async () => {
    const second = await startRedis();
    try {
      expect(second.port).not.toBe(redis.port);
      const c = client(second.url);
      try {
        await c.connect();
        expect(await c.get("lifeboat:harness")).toBeNull();
      } finally {
        c.disconnect();
      }
    } finally {
      await second.stop();
    }
  });

  it("keeps data across restart with appendOnly, on the same port, however it is stopped", async () => {
    const durable = await startRedis({ appendOnly: true });
    try {
      const port = durable.port;
      const firstPid = durable.pid;
      const c = client(durable.url);
      await c.connect();
      expect(await c.config("GET", "appendonly")).toEqual(["appendonly", "yes"]);
      await c.set("lifeboat:kept", "1");
      c.disconnect();

      await durable.restart(); // SIGKILL
      expect(durable.port).toBe(port);
      expect(durable.pid).not.toBe(firstPid);
      expect(processExists(firstPid)).toBe(false);
      const afterKill = client(durable.url);
      await afterKill.connect();
      expect(await afterKill.get("lifeboat:kept")).toBe("1");
      await afterKill.set("lifeboat:kept", "2");
      afterKill.disconnect();

      await durable.restart({ how: "shutdown" });
      const afterShutdown = client(durable.url);
      await afterShutdown.connect();
      expect(await afterShutdown.get("lifeboat:kept")).toBe("2");
      afterShutdown.disconnect();
    } finally {
      await durable.stop();
    }
  });

  it("loses everything on restart without appendOnly (the default)", async () => {
    const throwaway = await startRedis();
    try {
      const c = client(throwaway.url);
      await c.connect();
      await c.set("lifeboat:gone", "1");
      c.disconnect();
      await throwaway.restart({ how: "shutdown" });
      const after = client(throwaway.url);
      await after.connect();
      expect(await after.get("lifeboat:gone")).toBeNull();
      after.disconnect();
    } finally {
      await throwaway.stop();
    }
  });

  it("ends the server on stop: connecting afterwards fails", async () => {
    const doomed = await startRedis();
    expect(processExists(doomed.pid)).toBe(true);
    const before = client(doomed.url);
    await before.connect();
    expect(await before.ping()).toBe("PONG");
    before.disconnect();

    await doomed.stop();
    await doomed.stop(); // idempotent

    expect(processExists(doomed.pid)).toBe(false);
    const after = client(doomed.url);
    after.on("error", () => {}); // the rejected connect() below is the assertion
    await expect(after.connect()).rejects.toThrow(/ECONNREFUSED|Connection is closed/);
    after.disconnect();
  });
});
