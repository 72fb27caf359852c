import { create } from "@bufbuild/protobuf";
import { KubeConfig } from "@kubernetes/client-node";
import { InventoryResultSchema, TaskSchema, type Task, type TaskProgressReport, type TaskResultReport } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { Executor } from "./executor.js";
import type { TaskContext, TaskKindRegistry } from "./task-kind.js";

interface Recorded {
  progress: TaskProgressReport[];
  results: TaskResultReport[];
  ended: string[];
  events: string[];
}

function executorWith(run: (context: TaskContext) => Promise<void>, leaseDurationMs = 60_000) {
  const recorded: Recorded = { progress: [], results: [], ended: [], events: [] };
  const kinds: TaskKindRegistry = {
    inventory: {
      async run(_spec, context) {
        await run(context);
        return create(InventoryResultSchema, {});
      },
    },
    backup: { run: () => Promise.reject(new Error("the executor tests run inventory tasks only")) },
    restore: { run: () => Promise.reject(new Error("the executor tests run inventory tasks only")) },
  };
  const executor = new Executor({
    kinds,
    dependencies: { kube: new KubeConfig() },
    leaseDurationMs,
    logger: pino({ level: "silent" }),
    reports: {
      sendProgress: (report) => {
        recorded.progress.push(report);
        recorded.events.push(`progress ${report.taskId}`);
      },
      sendResult: (report) => {
        recorded.results.push(report);
        recorded.events.push(`result ${report.taskId}`);
      },
      taskEnded: (taskId) => {
        recorded.ended.push(taskId);
        recorded.events.push(`ended ${taskId}`);
      },
    },
  });
  return { executor, recorded };
}

function inventoryTask(id: string, attempt = 1): Task {
  return create(TaskSchema, { id, attempt, spec: { kind: { case: "inventory", value: {} } } });
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
};

describe("Executor", () => {
  it("reports progress at the start, then the result under the task's attempt, then frees the slot", async () => {
    const { executor, recorded } = executorWith(async (context) => context.progress({ percent: 50, message: "halfway", counters: { items: 3 } }));
    expect(executor.assign(inventoryTask("t-1", 3))).toBe("started");
    expect(executor.activeTaskIds()).toEqual(["t-1"]);
    await until(() => recorded.ended.length === 1);
    expect(recorded.progress[0]).toMatchObject({ taskId: "t-1", attempt: 3, progress: { percent: 0, message: "started" } });
    expect(recorded.results).toHaveLength(1);
    expect(recorded.results[0]).toMatchObject({ taskId: "t-1", attempt: 3, outcome: { case: "result", value: { kind: { case: "inventory" } } } });
    expect(recorded.events.slice(-2)).toEqual(["result t-1", "ended t-1"]);
    expect(executor.runningCount).toBe(0);
  });

  it("reports a LifeboatError with its code, field, value and retryable flag", async () => {
    const { executor, recorded } = executorWith(async () => {
      throw new LifeboatError("PERMISSION_DENIED", "listing nodes: the API server answered 403", { field: "nodes", value: "list", retryable: false });
    });
    executor.assign(inventoryTask("t-2"));
    await until(() => recorded.results.length === 1);
    expect(recorded.results[0]?.outcome).toMatchObject({
      case: "error",
      value: { code: "PERMISSION_DENIED", message: "listing nodes: the API server answered 403", field: "nodes", value: "list", retryable: false },
    });
  });

  it("reports any other error as INTERNAL without its text", async () => {
    const { executor, recorded } = executorWith(async () => {
      throw new Error("connect to https://user:hunter2@10.0.0.1 failed");
    });
    executor.assign(inventoryTask("t-3"));
    await until(() => recorded.results.length === 1);
    const outcome = recorded.results[0]?.outcome;
    expect(outcome).toMatchObject({ case: "error", value: { code: "INTERNAL" } });
    expect(JSON.stringify(outcome?.value)).not.toContain("hunter2");
  });

  it("fails a task without a spec INVALID_ARGUMENT, naming the field", async () => {
    const { executor, recorded } = executorWith(async () => {});
    executor.assign(create(TaskSchema, { id: "t-4", attempt: 1 }));
    await until(() => recorded.results.length === 1);
    expect(recorded.results[0]?.outcome).toMatchObject({ case: "error", value: { code: "INVALID_ARGUMENT", field: "spec.kind" } });
  });

  it("a cancel aborts the task's signal; it ends without a result", async () => {
    let signal: AbortSignal | undefined;
    const { executor, recorded } = executorWith(
      (context) =>
        new Promise<void>((_, reject) => {
          signal = context.signal;
          context.signal.addEventListener("abort", () => reject(context.signal.reason));
        }),
    );
    executor.assign(inventoryTask("t-5"));
    expect(executor.cancel("t-5", "an operator asked")).toBe(true);
    await until(() => recorded.ended.length === 1);
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as Error).message).toContain("an operator asked");
    expect(recorded.results).toEqual([]);
    expect(executor.cancel("t-5", "again")).toBe(false);
  });

  it("a task assigned again while it runs runs once and reports under the new attempt", async () => {
    const release = deferred();
    let runs = 0;
    const { executor, recorded } = executorWith(async () => {
      runs++;
      await release.promise;
    });
    expect(executor.assign(inventoryTask("t-6", 1))).toBe("started");
    expect(executor.assign(inventoryTask("t-6", 2))).toBe("already-running");
    release.resolve();
    await until(() => recorded.results.length === 1);
    expect(runs).toBe(1);
    expect(recorded.results[0]?.attempt).toBe(2);
  });

  it("renews the lease with progress every third of the lease while a task runs", async () => {
    const release = deferred();
    const { executor, recorded } = executorWith(() => release.promise, 300);
    executor.assign(inventoryTask("t-7"));
    const started = Date.now();
    await until(() => recorded.progress.length >= 4);
    const elapsed = Date.now() - started;
    // The start report, then one every 100 ms.
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1_500);
    release.resolve();
    await until(() => recorded.ended.length === 1);
    const count = recorded.progress.length;
    await new Promise((r) => setTimeout(r, 250));
    expect(recorded.progress.length).toBe(count);
  });

  it("stop interrupts running tasks, which report a retryable UNAVAILABLE", async () => {
    const { executor, recorded } = executorWith(
      (context) => new Promise<void>((_, reject) => context.signal.addEventListener("abort", () => reject(context.signal.reason))),
    );
    executor.assign(inventoryTask("t-8"));
    executor.assign(inventoryTask("t-9"));
    await executor.stop();
    expect(recorded.results.map((r) => r.outcome)).toEqual([
      expect.objectContaining({ case: "error", value: expect.objectContaining({ code: "UNAVAILABLE", retryable: true }) }),
      expect.objectContaining({ case: "error", value: expect.objectContaining({ code: "UNAVAILABLE", retryable: true }) }),
    ]);
    expect(executor.runningCount).toBe(0);
  });
});
