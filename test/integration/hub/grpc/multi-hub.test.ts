import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ClusterState, TaskState } from "@lifeboat/proto";
import { startRedis, type RunningRedis } from "../../../harness/src/redis-server.js";
import { TestFleet, waitFor } from "./support/hub-fixture.js";
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

describe("several hub processes on one Redis", () => {
  it("delivers a task created through one hub to an agent connected to the other", async () => {
    fleet = await TestFleet.create({ redisUrl: redis.url });
    const hubA = await fleet.startHub("hub-a");
    const hubB = await fleet.startHub("hub-b");
    const adminA = fleet.admin(hubA);
    const adminB = fleet.admin(hubB);

    // Registered through either hub: one fleet.
    const onA = await registerAgent(fleet, hubA, { token: (await adminB.createToken({})).secret, fingerprint: "fp-on-a", clusterName: "on-a" });
    const onB = await registerAgent(fleet, hubB, { token: (await adminA.createToken({})).secret, fingerprint: "fp-on-b", clusterName: "on-b" });
    const agentA = new TestAgentStream(agentChannel(fleet, hubA, onA));
    const agentB = new TestAgentStream(agentChannel(fleet, hubB, onB));
    await agentA.hello("fp-on-a");
    await agentB.hello("fp-on-b");
    expect((await agentA.next("welcome")).hubInstance).toBe("hub-a");
    expect((await agentB.next("welcome")).hubInstance).toBe("hub-b");

    const clusters = (await adminA.listClusters({})).clusters;
    expect(clusters.map((c) => [c.name, c.state, c.connectedHub])).toEqual([
      ["on-a", ClusterState.CONNECTED, "hub-a"],
      ["on-b", ClusterState.CONNECTED, "hub-b"],
    ]);

    // Each agent first gets its connect-time inventory task; then one created through the other hub.
    await agentB.credits(2);
    const first = (await agentB.next("assignment")).task!;
    const { task } = await adminA.createTask({ clusterId: onB.clusterId, spec: { kind: { case: "inventory", value: {} } } });
    const second = (await agentB.next("assignment", 1)).task!;
    expect(second.id).toBe(task!.id);
    expect(first.clusterId).toBe(onB.clusterId);
    expect(agentA.all("assignment")).toEqual([]);

    await agentB.send({
      kind: { case: "result", value: { taskId: second.id, attempt: 1, outcome: { case: "result", value: { kind: { case: "inventory", value: { inventory: sampleInventory(["x"]) } } } } } },
    });
    await waitFor("completed, seen through hub-a", async () => (await adminA.getTask({ id: task!.id })).task?.state === TaskState.COMPLETED);
    expect((await adminA.getCluster({ id: onB.clusterId })).cluster?.inventory?.namespaces.map((n) => n.name)).toEqual(["x"]);

    // A cluster deleted through hub-a loses its stream on hub-b.
    await adminA.deleteCluster({ id: onB.clusterId });
    expect(await agentB.end()).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringMatching(/was revoked/) });
    agentA.close();
  });

  it("marks the clusters of a stopped hub disconnected, and their agents reconnect to the other", async () => {
    fleet = await TestFleet.create({ redisUrl: redis.url });
    const hubA = await fleet.startHub("hub-a");
    const hubB = await fleet.startHub("hub-b");
    const admin = fleet.admin(hubB);
    const identity = await registerAgent(fleet, hubA, { token: (await admin.createToken({})).secret, fingerprint: "fp-move" });
    const agent = new TestAgentStream(agentChannel(fleet, hubA, identity));
    await agent.hello("fp-move");
    await agent.next("welcome");

    await hubA.stop();
    expect(await agent.end()).toMatchObject({ code: "UNAVAILABLE", message: expect.stringMatching(/hub hub-a is shutting down/) });
    expect((await admin.getCluster({ id: identity.clusterId })).cluster?.state).toBe(ClusterState.DISCONNECTED);

    const moved = new TestAgentStream(agentChannel(fleet, hubB, identity));
    await moved.hello("fp-move");
    expect((await moved.next("welcome")).hubInstance).toBe("hub-b");
    expect((await admin.getCluster({ id: identity.clusterId })).cluster).toMatchObject({ state: ClusterState.CONNECTED, connectedHub: "hub-b" });
    moved.close();
  });
});
