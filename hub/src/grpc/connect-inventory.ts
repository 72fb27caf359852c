import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { TaskSpecSchema } from "@lifeboat/proto";
import type { TaskQueue } from "../queue/index.js";
import type { ClusterId, TaskId } from "../store/index.js";
import { specToPayload } from "./wire-task.js";

/**
 * The hub refreshes a cluster's inventory whenever its agent connects, as a task (so it shows in
 * ListTasks and the event log). An agent that reconnects often does not pile them up: none is
 * added while one waits or runs.
 */
export async function enqueueConnectInventory(queue: TaskQueue, clusterId: ClusterId): Promise<void> {
  for (const state of ["queued", "leased"] as const) {
    const { tasks } = await queue.list({ clusterId, state, limit: 100 });
    if (tasks.some((t) => t.kind === "inventory")) return;
  }
  const { kind, payload } = specToPayload(create(TaskSpecSchema, { kind: { case: "inventory", value: {} } }));
  await queue.enqueue(clusterId, kind, payload, { id: `inventory-${randomUUID()}` as TaskId });
}
