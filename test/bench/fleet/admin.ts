import { Metadata } from "@grpc/grpc-js";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { AdminService, TaskChangeType, TaskState } from "@lifeboat/proto";
import { createChannel, createClient, createClientTls, type ServiceClient, type ServiceMethods } from "@lifeboat/shared";
import { runPool } from "../common/http.js";
import type { HubUnderTest } from "./hub-under-test.js";

export type AdminClient = ServiceClient<ServiceMethods<typeof AdminService>>;

/** The benchmark's AdminService client: the admin credential on every call, over the hub's TLS. */
export function openAdmin(hub: HubUnderTest): { client: AdminClient; close(): void } {
  const channel = createChannel(hub.address, createClientTls({ caCertificatePem: hub.caCertificatePem }), { maxMessageBytes: hub.maxMessageBytes });
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${hub.adminCredential}`);
  return { client: createClient(AdminService, channel, { metadata }), close: () => channel.close() };
}

/** `n` single-use registration tokens (the API has no multi-use kind), `concurrency` calls at a time. */
export async function createTokens(admin: AdminClient, n: number, concurrency: number): Promise<string[]> {
  const secrets: string[] = [];
  await runPool(Array.from({ length: n }, (_, i) => i)[Symbol.iterator](), concurrency, async () => {
    const { secret } = await admin.createToken({ ttl: durationFromMs(3 * 3600_000), description: "fleet benchmark" });
    secrets.push(secret);
  });
  return secrets;
}

/** Every cluster's id, paging through ListClusters. */
export async function listClusterIds(admin: AdminClient): Promise<string[]> {
  const ids: string[] = [];
  let pageToken = "";
  do {
    const page = await admin.listClusters({ pageSize: 1000, pageToken });
    ids.push(...page.clusters.map((c) => c.id));
    pageToken = page.nextPageToken;
  } while (pageToken !== "");
  return ids;
}

/** Whether any task is queued or leased. */
export async function hasLiveTasks(admin: AdminClient): Promise<boolean> {
  for (const state of [TaskState.QUEUED, TaskState.LEASED]) {
    if ((await admin.listTasks({ state, pageSize: 1 })).tasks.length > 0) return true;
  }
  return false;
}

export interface FanOut {
  /** From the first CreateTask to the last one answered, ms. */
  createMs: number;
  /** From the first CreateTask until every created task was COMPLETED, ms. */
  completeMs: number;
  created: number;
  completed: number;
}

export interface FanOutOptions {
  /** "batch": one CreateTasks call for every cluster, as a fleet-wide operation starts; "single": one CreateTask per cluster. */
  create: "batch" | "single";
  /** CreateTask calls in flight with create "single". */
  concurrency: number;
  timeoutMs: number;
  /**
   * How completion is seen: "poll" asks ListTasks (page size 1) every 100 ms whether any task is
   * still queued or leased; "watch" follows WatchEvents from `afterEventId` (the newest event
   * before the first create, so no completion slips past) and checks each created task's COMPLETED
   * event. Watching costs the hub four events per task to serialize, as a console watching would.
   */
  completion: "poll" | "watch";
  afterEventId: string;
}

/** Creates one inventory task per cluster through AdminService and times until each is COMPLETED. */
export async function fanOut(admin: AdminClient, clusterIds: string[], options: FanOutOptions): Promise<FanOut> {
  const controller = new AbortController();
  const created: string[] = [];
  const completedIds = new Set<string>();
  const watching =
    options.completion === "watch"
      ? (async () => {
          for await (const { event } of admin.watchEvents({ afterEventId: options.afterEventId }, { signal: controller.signal })) {
            const change = event?.change;
            if (change?.case === "task" && change.value.type === TaskChangeType.COMPLETED && change.value.task) completedIds.add(change.value.task.id);
          }
          throw new Error("WatchEvents ended before every task completed");
        })()
      : undefined;
  watching?.catch(() => undefined);
  const allCompleted = async (): Promise<boolean> => {
    if (options.completion === "watch") return completedIds.size >= created.length && created.every((id) => completedIds.has(id));
    return !(await hasLiveTasks(admin));
  };

  const started = performance.now();
  try {
    const spec = { kind: { case: "inventory" as const, value: {} } };
    if (options.create === "batch") {
      const { tasks } = await admin.createTasks({ clusterIds, spec });
      created.push(...tasks.map((t) => t.id));
    } else {
      await runPool(clusterIds[Symbol.iterator](), options.concurrency, async (clusterId) => {
        const { task } = await admin.createTask({ clusterId, spec });
        created.push(task!.id);
      });
    }
    const createMs = performance.now() - started;
    while (!(await allCompleted())) {
      if (performance.now() - started > options.timeoutMs) break;
      await Promise.race([new Promise((r) => setTimeout(r, 100)), ...(watching ? [watching] : [])]);
    }
    const completeMs = performance.now() - started;
    return { createMs, completeMs, created: created.length, completed: await countCompleted(admin, created, completedIds, options.completion) };
  } finally {
    controller.abort();
  }
}

/** How many of `ids` are COMPLETED: from the watched events, or by asking for each. */
async function countCompleted(admin: AdminClient, ids: string[], watched: Set<string>, completion: FanOutOptions["completion"]): Promise<number> {
  if (completion === "watch") return ids.filter((id) => watched.has(id)).length;
  let completed = 0;
  await runPool(ids[Symbol.iterator](), 32, async (id) => {
    if ((await admin.getTask({ id })).task?.state === TaskState.COMPLETED) completed++;
  });
  return completed;
}
