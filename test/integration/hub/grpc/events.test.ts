import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ClusterChangeType, TaskChangeType, TokenChangeType, type Event } from "@lifeboat/proto";
import { startRedis, type RunningRedis } from "../../../harness/src/redis-server.js";
import { TestFleet, waitFor, type AdminClient } from "./support/hub-fixture.js";
import { agentChannel, registerAgent, sampleInventory, TestAgentStream } from "./support/test-agent.js";

let redis: RunningRedis;
let fleet: TestFleet;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await fleet?.close();
});

/** Collects a WatchEvents stream in the background until aborted. */
function watch(admin: AdminClient, request: { afterEventId?: string; clusterId?: string } = {}) {
  const abort = new AbortController();
  const events: Event[] = [];
  const done = (async () => {
    try {
      for await (const response of admin.watchEvents(request, { signal: abort.signal })) events.push(response.event!);
    } catch (err) {
      if (!abort.signal.aborted) throw err;
    }
  })();
  return { events, stop: async () => (abort.abort(), await done) };
}

function describeEvent(event: Event): string {
  switch (event.change.case) {
    case "cluster":
      return `cluster ${ClusterChangeType[event.change.value.type]}`;
    case "task":
      return `task ${TaskChangeType[event.change.value.type]}`;
    case "token":
      return `token ${TokenChangeType[event.change.value.type]}`;
    default:
      return "?";
  }
}

describe("WatchEvents", () => {
  it("shows a cluster's life: registered, connected, task queued, leased, completed, disconnected", async () => {
    fleet = await TestFleet.create({ redisUrl: redis.url });
    const hub = await fleet.startHub();
    const admin = fleet.admin(hub);
    const { token, secret } = await admin.createToken({});
    // From the first event on: the token's creation.
    const everything = watch(admin, { afterEventId: "0" });
    await waitFor("the token event", () => everything.events.length >= 1);

    const identity = await registerAgent(fleet, hub, { token: secret, fingerprint: "fp-events" });
    const agent = new TestAgentStream(agentChannel(fleet, hub, identity));
    await agent.hello("fp-events");
    await agent.next("welcome");
    await agent.credits(1);
    const task = (await agent.next("assignment")).task!;
    await agent.send({ kind: { case: "progress", value: { taskId: task.id, attempt: 1, progress: { percent: 50, message: "listing namespaces" } } } });
    await agent.send({
      kind: { case: "result", value: { taskId: task.id, attempt: 1, outcome: { case: "result", value: { kind: { case: "inventory", value: { inventory: sampleInventory() } } } } } },
    });
    await waitFor("the inventory update", () => everything.events.some((e) => describeEvent(e) === "cluster UPDATED"));
    agent.close();
    await waitFor("the disconnect", () => everything.events.some((e) => describeEvent(e) === "cluster DISCONNECTED"));
    await everything.stop();

    expect(everything.events.map(describeEvent)).toEqual([
      "token CREATED",
      "token USED",
      "cluster REGISTERED",
      "cluster CONNECTED",
      "task QUEUED",
      "task LEASED",
      "task PROGRESSED",
      "task COMPLETED",
      "cluster UPDATED",
      "cluster DISCONNECTED",
    ]);
    const [created, used, registered, connected, queued, leased, progressed] = everything.events;
    expect(created?.change).toMatchObject({ value: { token: { id: token!.id } } });
    expect(used?.change).toMatchObject({ value: { token: { id: token!.id, clusterId: identity.clusterId } } });
    expect(registered?.change).toMatchObject({ value: { cluster: { id: identity.clusterId, fingerprint: "fp-events" } } });
    expect(connected?.change).toMatchObject({ value: { cluster: { connectedHub: "hub-1" } } });
    expect(queued?.change).toMatchObject({ value: { task: { id: task.id, clusterId: identity.clusterId, spec: { kind: { case: "inventory" } } } } });
    expect(leased?.change).toMatchObject({ value: { task: { attempt: 1 } } });
    expect(progressed?.change).toMatchObject({ value: { task: { progress: { percent: 50, message: "listing namespaces" } } } });
    // Ids order the events and resume a watch.
    const ids = everything.events.map((e) => e.id);
    const order = (id: string) => id.split("-").map(Number) as [number, number];
    expect([...ids].sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1])).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);

    const resumed = watch(admin, { afterEventId: ids[6]!, clusterId: identity.clusterId });
    await waitFor("the replay", () => resumed.events.length >= 3);
    await resumed.stop();
    expect(resumed.events.map(describeEvent)).toEqual(["task COMPLETED", "cluster UPDATED", "cluster DISCONNECTED"]);
  });

  it("refuses a malformed resume id, naming the field", async () => {
    fleet = await TestFleet.create({ redisUrl: redis.url });
    const hub = await fleet.startHub();
    const admin = fleet.admin(hub);
    const stream = admin.watchEvents({ afterEventId: "yesterday" });
    await expect((async () => {
      for await (const _ of stream) break;
    })()).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "after_event_id" });
  });
});
