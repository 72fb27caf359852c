import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { ClusterStore, EventLog, TokenStore, hashTokenSecret, type ClusterId, type RecordEvent } from "@lifeboat/hub";
import { startRedis, type RunningRedis } from "../../../harness/src/redis-server.js";
import { sleep, testPrefix } from "./support/hub-fixture.js";

let redis: RunningRedis;
let connection: Redis;

beforeAll(async () => {
  redis = await startRedis();
  connection = new Redis(redis.url, { maxRetriesPerRequest: 3 });
});
afterAll(async () => {
  connection?.disconnect();
  await redis?.stop();
});

async function registered(prefix: string, id: string) {
  const clusters = new ClusterStore({ redis: connection, prefix });
  const tokens = new TokenStore({ redis: connection, prefix });
  const { secret } = await tokens.create({});
  const outcome = await clusters.register({
    tokenHash: hashTokenSecret(secret),
    clusterId: id as ClusterId,
    isKnown: false,
    fingerprint: `fp-${id}`,
    nameHint: id,
    kubernetesVersion: "v1.16.15",
    agentVersion: "0.1.0",
    certificate: { serial: `0a${id}`, notBefore: Date.now(), notAfter: Date.now() + 86_400_000 },
  });
  expect(outcome.status).toBe("ok");
  return clusters;
}

describe("cluster connection records", () => {
  it("follow the newest stream: an older stream's disconnect and heartbeats change nothing", async () => {
    const prefix = testPrefix();
    const clusters = await registered(prefix, "c1");
    const id = "c1" as ClusterId;
    await clusters.markConnected(id, "hub-a", "hub-a/old");
    await clusters.markConnected(id, "hub-b", "hub-b/new");
    expect(await clusters.markDisconnected(id, "hub-a/old")).toBe(false);
    expect(await clusters.heartbeat(id, "hub-a/old")).toBe(false);
    expect(await clusters.get(id)).toMatchObject({ state: "connected", connectedHub: "hub-b", connectionId: "hub-b/new" });
    expect(await clusters.markDisconnected(id, "hub-b/new")).toBe(true);
    const after = await clusters.get(id);
    expect(after).toMatchObject({ state: "disconnected" });
    expect(after?.connectedHub).toBeUndefined();
  });

  it("marks disconnected a cluster whose hub stopped hearing from it (a replica that crashed), once, with an event", async () => {
    const prefix = testPrefix();
    const clusters = await registered(prefix, "c2");
    const id = "c2" as ClusterId;
    await clusters.markConnected(id, "hub-gone", "hub-gone/1");
    expect(await clusters.disconnectStale(60_000)).toBe(0);
    await sleep(20);
    expect(await clusters.disconnectStale(10)).toBe(1);
    expect(await clusters.disconnectStale(10)).toBe(0);
    expect((await clusters.get(id))?.state).toBe("disconnected");
    const events = new EventLog({ redis: connection, reader: () => connection, prefix });
    const types = (await events.readAll("0", 100)).map((e) => e.type);
    expect(types).toEqual(["token.created", "token.used", "cluster.registered", "cluster.connected", "cluster.disconnected"]);
    const last = (await events.readAll("0", 100)).at(-1) as RecordEvent;
    expect(last.fields).toMatchObject({ id: "c2", state: "disconnected" });
  });

  it("never stores a token's secret, and shows none in its events", async () => {
    const prefix = testPrefix();
    const tokens = new TokenStore({ redis: connection, prefix });
    const { token, secret } = await tokens.create({ labels: { env: "prod" } });
    const keys = await connection.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const type = await connection.type(key);
      const content =
        type === "hash" ? await connection.hgetall(key)
        : type === "string" ? await connection.get(key)
        : type === "zset" ? await connection.zrange(key, 0, -1)
        : type === "stream" ? await connection.xrange(key, "-", "+")
        : `unexpected type ${type}`;
      expect(JSON.stringify(content), key).not.toContain(secret);
      expect(JSON.stringify(content), key).not.toContain(secret.slice(4));
    }
    const events = new EventLog({ redis: connection, reader: () => connection, prefix });
    const [created] = (await events.readAll("0", 10)) as RecordEvent[];
    expect(created?.fields).not.toHaveProperty("hash");
    expect(created?.tokenId).toBe(token.id);
  });
});
