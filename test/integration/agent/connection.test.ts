import { join } from "node:path";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import type { RunningAgent } from "@lifeboat/agent";
import { startEmulator, type RunningEmulator } from "@lifeboat/kube-emulator";
import type { TaskResultReport } from "@lifeboat/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLogs, startTestAgent, tempDir, waitUntil } from "./support/agent-fixture.js";
import { startFakeHub, type FakeHub, type RecordedStream } from "./support/fake-hub.js";
import { startKubeGate, type KubeGate } from "./support/kube-gate.js";

let emulator: RunningEmulator;
let gate: KubeGate;
let dir: Awaited<ReturnType<typeof tempDir>>;
let kubeconfig: string;

beforeAll(async () => {
  dir = await tempDir("lifeboat-agent-connection-");
  emulator = await startEmulator({ k8sVersion: "1.30", kubeconfigPath: join(dir.path, "emulator.kubeconfig"), controllers: [] });
  gate = await startKubeGate(emulator.url);
  kubeconfig = join(dir.path, "gated.kubeconfig");
  await gate.writeKubeconfig(emulator.kubeconfig, emulator.url, kubeconfig);
});

afterAll(async () => {
  gate?.release();
  await gate?.close();
  await emulator?.stop();
  await dir?.remove();
});

function inventoryAssignment(id: string, attempt = 1) {
  return { kind: { case: "assignment" as const, value: { task: { id, attempt, spec: { kind: { case: "inventory" as const, value: {} } } } } } };
}

/** Index of the first message on `stream` after `afterIndex` that satisfies `predicate`, or -1. */
function indexAfter(stream: RecordedStream, afterIndex: number, predicate: (m: RecordedStream["messages"][number]) => boolean): number {
  return stream.messages.findIndex((m, i) => i > afterIndex && predicate(m));
}

describe("an agent connected to the hub", () => {
  let hub: FakeHub;
  let state: Awaited<ReturnType<typeof tempDir>>;
  let agent: RunningAgent;
  let stream: RecordedStream;

  beforeAll(async () => {
    // Short heartbeats and leases, so renewals and liveness show within a test.
    hub = await startFakeHub({ tokens: ["t0k3n-conn"], configuration: { heartbeatIntervalMs: 200, leaseDurationMs: 600, inventoryIntervalMs: 1_500 } });
    state = await tempDir("lifeboat-agent-state-");
    agent = await startTestAgent(hub, { stateDir: state.path, kubeconfig, token: "t0k3n-conn", concurrency: 2, logger: captureLogs().logger });
    stream = await hub.nextStream();
  });

  afterAll(async () => {
    gate.release();
    await agent?.stop();
    await hub?.close();
    await state?.remove();
  });

  it("opens with hello, then grants its credits, heartbeats, and sends an inventory one interval later", async () => {
    const hello = await stream.waitFor("hello");
    expect(hello).toMatchObject({ fingerprint: emulator.kubeSystemUid, kubernetesVersion: emulator.persona.version.gitVersion, activeTaskIds: [] });
    expect(hello.build).toMatchObject({ component: "agent" });
    expect((await stream.waitFor("credits")).credits).toBe(2);
    expect(stream.kinds().slice(0, 2)).toEqual(["hello", "credits"]);

    // Not at connect (the hub queues an inventory task then), but every configured interval.
    // Heartbeats go every 200 ms, so an interval of 1.5 s shows as several before the inventory.
    const inventory = await stream.waitFor("inventory");
    const kinds = stream.kinds();
    expect(kinds.slice(0, kinds.indexOf("inventory")).filter((k) => k === "heartbeat").length).toBeGreaterThanOrEqual(4);
    expect(inventory.namespaces.map((n) => n.name)).toContain("kube-system");
    expect(inventory.kubernetesVersion).toBe(emulator.persona.version.gitVersion);
    const heartbeat = await stream.waitFor("heartbeat");
    expect(heartbeat.sendTime).toBeDefined();
  });

  it("runs an inventory assignment: progress, a result with the cluster's namespaces and API resources, then a credit", async () => {
    const kc = new KubeConfig();
    kc.loadFromString(emulator.kubeconfig);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: "inventory-me" } } });

    const before = stream.messages.length - 1;
    await stream.send(inventoryAssignment("task-inventory-1"));
    const progress = await stream.waitFor("progress", (p) => p.taskId === "task-inventory-1");
    expect(progress.attempt).toBe(1);
    const report = await stream.waitFor("result", (r) => r.taskId === "task-inventory-1");
    expect(report.attempt).toBe(1);
    expect(report.outcome.case).toBe("result");
    const result = report.outcome.value as Extract<TaskResultReport["outcome"], { case: "result" }>["value"];
    if (result.kind.case !== "inventory") throw new Error(`expected an inventory result, got ${result.kind.case}`);
    const inventory = result.kind.value.inventory!;
    expect(inventory.namespaces.map((n) => n.name)).toEqual(expect.arrayContaining(["default", "kube-system", "inventory-me"]));
    expect(inventory.apiResources.find((r) => r.group === "apps" && r.resource === "deployments")).toMatchObject({
      kind: "Deployment",
      preferredVersion: "v1",
      namespaced: true,
    });
    expect(inventory.apiResources.find((r) => r.group === "networking.k8s.io" && r.resource === "ingresses")?.versions).toEqual(["v1"]);

    const resultAt = indexAfter(stream, before, (m) => m.kind.case === "result");
    await waitUntil(() => indexAfter(stream, resultAt, (m) => m.kind.case === "credits") > 0, 5_000, "a credit after the result");
    const credit = stream.messages[indexAfter(stream, resultAt, (m) => m.kind.case === "credits")]!;
    expect(credit.kind.value).toMatchObject({ credits: 1 });
  });

  it("renews a running task's lease with progress every third of the lease, and names it in heartbeats", async () => {
    gate.hold();
    await stream.send(inventoryAssignment("task-held-renew"));
    await stream.waitFor("heartbeat", (h) => h.activeTaskIds.includes("task-held-renew"));
    const started = Date.now();
    await waitUntil(() => stream.all("progress").filter((p) => p.taskId === "task-held-renew").length >= 4, 5_000, "four progress reports");
    // Reports at about 200 ms (a third of 600 ms), after the first one at the start.
    expect(Date.now() - started).toBeLessThan(2_000);
    gate.release();
    const report = await stream.waitFor("result", (r) => r.taskId === "task-held-renew");
    expect(report.outcome.case).toBe("result");
  });

  it("a cancel aborts the running task: its API request is dropped, no result is sent, and the credit comes back", async () => {
    gate.hold();
    const abandonedBefore = gate.abandoned;
    await stream.send(inventoryAssignment("task-to-cancel"));
    await stream.waitFor("progress", (p) => p.taskId === "task-to-cancel");
    await waitUntil(() => gate.waiting > 0, 5_000, "a held API request");
    const cancelAt = stream.messages.length - 1;
    await stream.send({ kind: { case: "cancel", value: { taskId: "task-to-cancel", reason: "cancelled by the test" } } });

    await waitUntil(() => indexAfter(stream, cancelAt, (m) => m.kind.case === "credits") > 0, 5_000, "a credit after the cancel");
    await waitUntil(() => gate.abandoned > abandonedBefore, 5_000, "the held request to be aborted");
    gate.release();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stream.all("result").filter((r) => r.taskId === "task-to-cancel")).toEqual([]);
    expect(stream.all("heartbeat").at(-1)?.activeTaskIds).not.toContain("task-to-cancel");
  });

  it("a task handed out again while it runs is run once, reports under the new attempt, and returns the extra credit", async () => {
    gate.hold();
    await stream.send(inventoryAssignment("task-twice", 1));
    await stream.waitFor("progress", (p) => p.taskId === "task-twice");
    const againAt = stream.messages.length - 1;
    await stream.send(inventoryAssignment("task-twice", 2));
    await waitUntil(() => indexAfter(stream, againAt, (m) => m.kind.case === "credits") > 0, 5_000, "the extra credit back");
    gate.release();
    const report = await stream.waitFor("result", (r) => r.taskId === "task-twice");
    expect(report.attempt).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stream.all("result").filter((r) => r.taskId === "task-twice")).toHaveLength(1);
  });

  it("keeps a task running when the hub drops the stream, reconnects, and reports it on the new stream", async () => {
    gate.hold();
    await stream.send(inventoryAssignment("task-across-reconnect"));
    await stream.waitFor("progress", (p) => p.taskId === "task-across-reconnect");
    stream.drop();

    const next = await hub.nextStream();
    const hello = await next.waitFor("hello");
    expect(hello.activeTaskIds).toEqual(["task-across-reconnect"]);
    // One slot is busy with the task that kept running.
    expect((await next.waitFor("credits")).credits).toBe(1);
    await next.waitFor("progress", (p) => p.taskId === "task-across-reconnect");

    gate.release();
    const report = await next.waitFor("result", (r) => r.taskId === "task-across-reconnect");
    expect(report.outcome.case).toBe("result");
    expect(stream.all("result").filter((r) => r.taskId === "task-across-reconnect")).toEqual([]);
    stream = next;
  });

  it("stopping interrupts a running task, which reports a retryable error before the stream closes", async () => {
    gate.hold();
    await stream.send(inventoryAssignment("task-interrupted"));
    await stream.waitFor("progress", (p) => p.taskId === "task-interrupted");
    await agent.stop();
    const report = await stream.waitFor("result", (r) => r.taskId === "task-interrupted", 2_000);
    expect(report.outcome).toMatchObject({ case: "error", value: { code: "UNAVAILABLE", retryable: true } });
    await waitUntil(() => stream.ended, 5_000, "the stream to end");
    gate.release();
  });
});

describe("a stream the hub stops answering", () => {
  let hub: FakeHub;
  let state: Awaited<ReturnType<typeof tempDir>>;
  let agent: RunningAgent;

  beforeAll(async () => {
    hub = await startFakeHub({ tokens: ["t0k3n-silent"], ackHeartbeats: false, configuration: { heartbeatIntervalMs: 100 } });
    state = await tempDir("lifeboat-agent-state-");
    agent = await startTestAgent(hub, { stateDir: state.path, kubeconfig, token: "t0k3n-silent", logger: captureLogs().logger });
  });

  afterAll(async () => {
    await agent?.stop();
    await hub?.close();
    await state?.remove();
  });

  it("is given up after three silent heartbeat intervals and replaced by a new one", async () => {
    const first = await hub.nextStream();
    await first.waitFor("heartbeat");
    const second = await hub.nextStream(5_000);
    await second.waitFor("hello");
    await waitUntil(() => first.ended, 5_000, "the silent stream to end");
  });
});
