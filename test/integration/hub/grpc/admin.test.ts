import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { ClusterState, RegistrationTokenState, TaskState } from "@lifeboat/proto";
import { startRedis, type RunningRedis } from "../../../harness/src/redis-server.js";
import { TestFleet } from "./support/hub-fixture.js";
import { registerAgent } from "./support/test-agent.js";

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

describe("AdminService authentication", () => {
  it("refuses every call without the admin credential or with a wrong one, UNAUTHENTICATED saying which", async () => {
    fleet = await TestFleet.create({ redisUrl: redis.url });
    const hub = await fleet.startHub();
    const anonymous = fleet.admin(hub, null);
    const wrong = fleet.admin(hub, "lba_guess");
    const calls: [string, (c: typeof anonymous) => Promise<unknown>][] = [
      ["CreateToken", (c) => c.createToken({})],
      ["ListTokens", (c) => c.listTokens({})],
      ["ListClusters", (c) => c.listClusters({})],
      ["GetCluster", (c) => c.getCluster({ id: "x" })],
      ["DeleteCluster", (c) => c.deleteCluster({ id: "x" })],
      ["CreateTask", (c) => c.createTask({ clusterId: "x" })],
      ["CreateTasks", (c) => c.createTasks({ clusterIds: ["x"] })],
      ["ListTasks", (c) => c.listTasks({})],
      ["CancelTask", (c) => c.cancelTask({ id: "x" })],
      [
        "WatchEvents",
        async (c) => {
          for await (const _ of c.watchEvents({})) break;
        },
      ],
    ];
    for (const [method, call] of calls) {
      await expect(call(anonymous), method).rejects.toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringMatching(/requires the admin credential/) });
      await expect(call(wrong), method).rejects.toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringMatching(/admin credential is not valid/) });
    }
    expect((await fleet.admin(hub).listTokens({})).tokens).toEqual([]);
  });
});

describe("AdminService", () => {
  it("creates, lists, pages and revokes tokens; a used one cannot be revoked", async () => {
    fleet = await TestFleet.create({ redisUrl: redis.url });
    const hub = await fleet.startHub();
    const admin = fleet.admin(hub);
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await admin.createToken({ description: `t${i}`, ttl: durationFromMs(60_000) }));
    const first = await admin.listTokens({ pageSize: 2 });
    expect(first.tokens.map((t) => t.description)).toEqual(["t2", "t1"]);
    const second = await admin.listTokens({ pageSize: 2, pageToken: first.nextPageToken });
    expect(second.tokens.map((t) => t.description)).toEqual(["t0"]);
    expect(second.nextPageToken).toBe("");

    const revoked = await admin.revokeToken({ id: made[0]!.token!.id });
    expect(revoked.token?.state).toBe(RegistrationTokenState.REVOKED);
    expect((await admin.revokeToken({ id: made[0]!.token!.id })).token?.state).toBe(RegistrationTokenState.REVOKED);
    await registerAgent(fleet, hub, { token: made[1]!.secret, fingerprint: "fp-1" });
    await expect(admin.revokeToken({ id: made[1]!.token!.id })).rejects.toMatchObject({ code: "FAILED_PRECONDITION", message: expect.stringMatching(/it is used/) });
    expect((await admin.listTokens({ state: RegistrationTokenState.ACTIVE })).tokens.map((t) => t.description)).toEqual(["t2"]);
    await expect(admin.revokeToken({ id: "tok-nope" })).rejects.toMatchObject({ code: "NOT_FOUND", field: "id" });
    await expect(admin.createToken({ ttl: durationFromMs(400 * 86_400_000) })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "ttl" });
    await expect(admin.createToken({ labels: { env: "not valid!" } })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "labels.env" });
  });

  it("lists clusters by name with label selectors and state, and pages through them", async () => {
    fleet = await TestFleet.create({ redisUrl: redis.url });
    const hub = await fleet.startHub();
    const admin = fleet.admin(hub);
    for (const [name, env] of [["c-a", "prod"], ["c-b", "dev"], ["c-c", "prod"], ["c-d", "prod"]] as const) {
      await registerAgent(fleet, hub, { token: (await admin.createToken({ labels: { env } })).secret, fingerprint: `fp-${name}`, clusterName: name });
    }
    const prod = await admin.listClusters({ labelSelector: "env=prod", pageSize: 2 });
    expect(prod.clusters.map((c) => c.name)).toEqual(["c-a", "c-c"]);
    const rest = await admin.listClusters({ labelSelector: "env=prod", pageSize: 2, pageToken: prod.nextPageToken });
    expect(rest.clusters.map((c) => c.name)).toEqual(["c-d"]);
    expect((await admin.listClusters({ labelSelector: "env notin (prod)" })).clusters.map((c) => c.name)).toEqual(["c-b"]);
    expect((await admin.listClusters({ state: ClusterState.CONNECTED })).clusters).toEqual([]);
    await expect(admin.listClusters({ labelSelector: "env in (prod" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "label_selector" });
  });

  it("creates, lists, gets and cancels tasks, refusing bad input with the field named", async () => {
    fleet = await TestFleet.create({ redisUrl: redis.url });
    const hub = await fleet.startHub();
    const admin = fleet.admin(hub);
    const agent = await registerAgent(fleet, hub, { token: (await admin.createToken({})).secret, fingerprint: "fp-t" });
    const { task } = await admin.createTask({ clusterId: agent.clusterId, spec: { kind: { case: "inventory", value: {} } }, maxAttempts: 5 });
    expect(task).toMatchObject({ clusterId: agent.clusterId, state: TaskState.QUEUED, maxAttempts: 5, attempt: 0 });
    expect((await admin.listTasks({ clusterId: agent.clusterId })).tasks.map((t) => t.id)).toEqual([task!.id]);
    expect((await admin.getTask({ id: task!.id })).task?.spec?.kind.case).toBe("inventory");
    const cancelled = await admin.cancelTask({ id: task!.id, reason: "changed my mind" });
    expect(cancelled.task).toMatchObject({ state: TaskState.CANCELLED, cancelReason: "changed my mind" });
    expect((await admin.listTasks({ state: TaskState.CANCELLED })).tasks).toHaveLength(1);

    await expect(admin.createTask({ clusterId: "no-such-cluster", spec: { kind: { case: "inventory", value: {} } } })).rejects.toMatchObject({
      code: "NOT_FOUND",
      field: "cluster_id",
    });
    await expect(admin.createTask({ clusterId: agent.clusterId })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "spec" });
    await expect(admin.createTask({ clusterId: "bad:id", spec: { kind: { case: "inventory", value: {} } } })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      field: "cluster_id",
    });
    await expect(admin.getTask({ id: "missing" })).rejects.toMatchObject({ code: "NOT_FOUND", field: "id" });
    await expect(admin.getCluster({ id: "" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "id" });
  });

  it("fans a task out to named clusters or a label selector in one call, queuing nothing for bad input", async () => {
    fleet = await TestFleet.create({ redisUrl: redis.url });
    const hub = await fleet.startHub();
    const admin = fleet.admin(hub);
    const ids: Record<string, string> = {};
    for (const [name, env] of [["f-a", "prod"], ["f-b", "dev"], ["f-c", "prod"]] as const) {
      ids[name] = (await registerAgent(fleet, hub, { token: (await admin.createToken({ labels: { env } })).secret, fingerprint: `fp-${name}`, clusterName: name })).clusterId;
    }
    const spec = { kind: { case: "inventory" as const, value: {} } };
    const liveTasks = async () => (await admin.listTasks({ state: TaskState.QUEUED })).tasks.length;
    const queuedBefore = await liveTasks();

    // Each refusal names the field and queues nothing.
    const refusals: [Parameters<typeof admin.createTasks>[0], string, string][] = [
      [{ clusterIds: [ids["f-a"]!, randomUUID()], spec }, "NOT_FOUND", "cluster_ids[1]"],
      [{ clusterIds: [ids["f-a"]!, ids["f-a"]!], spec }, "INVALID_ARGUMENT", "cluster_ids[1]"],
      [{ clusterIds: [ids["f-a"]!], labelSelector: "env=prod", spec }, "INVALID_ARGUMENT", "label_selector"],
      [{ spec }, "INVALID_ARGUMENT", "cluster_ids"],
      [{ labelSelector: "env=staging", spec }, "NOT_FOUND", "label_selector"],
      [{ labelSelector: "env in (prod", spec }, "INVALID_ARGUMENT", "label_selector"],
      [{ clusterIds: [ids["f-a"]!] }, "INVALID_ARGUMENT", "spec"],
    ];
    for (const [request, code, field] of refusals) {
      await expect(admin.createTasks(request), JSON.stringify(request)).rejects.toMatchObject({ code, field });
    }
    expect(await liveTasks()).toBe(queuedBefore);

    const byIds = await admin.createTasks({ clusterIds: [ids["f-c"]!, ids["f-b"]!], spec, maxAttempts: 2 });
    expect(byIds.tasks.map((t) => [t.clusterId, t.state, t.maxAttempts])).toEqual([
      [ids["f-c"], TaskState.QUEUED, 2],
      [ids["f-b"], TaskState.QUEUED, 2],
    ]);
    const bySelector = await admin.createTasks({ labelSelector: "env=prod", spec });
    expect(bySelector.tasks.map((t) => t.clusterId)).toEqual([ids["f-a"], ids["f-c"]]);
    expect(await liveTasks()).toBe(queuedBefore + 4);
  });
});
