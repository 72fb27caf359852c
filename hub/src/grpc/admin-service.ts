import { durationMs } from "@bufbuild/protobuf/wkt";
import { AdminService } from "@lifeboat/proto";
import { LifeboatError, isLifeboatError, type ServiceImplementation, type ServiceMethods } from "@lifeboat/shared";
import type { ClusterStore } from "../clusters/index.js";
import type { HubLog } from "../log.js";
import type { EventLog, TaskQueue } from "../queue/index.js";
import { parseClusterId, parseTaskId, parseTokenId, type ClusterId } from "../store/index.js";
import type { TokenStore } from "../tokens/index.js";
import { createBackupHandlers, type AdminBackupsDeps } from "./admin-backups.js";
import { createPolicyHandlers, type PolicyHandlerDeps } from "./admin-policies.js";
import { createRepositoryHandlers, type RepositoryHandlerDeps } from "./admin-repositories.js";
import { createRestoreHandlers, type AdminRestoresDeps } from "./admin-restores.js";
import { clusterStateFromWire, toWireCluster } from "./wire-cluster.js";
import { fanOutTargets } from "./fan-out-targets.js";
import { isEventOfCluster, toWireEvent } from "./wire-event.js";
import { specToPayload, taskStateFromWire, toWireTask } from "./wire-task.js";
import { tokenStateFromWire, toWireToken } from "./wire-token.js";

export interface AdminServiceDeps {
  clusters: ClusterStore;
  tokens: TokenStore;
  queue: TaskQueue;
  events: EventLog;
  log: HubLog;
  repositories: RepositoryHandlerDeps["repositories"];
  policies: PolicyHandlerDeps["policies"];
  backups: Omit<AdminBackupsDeps, "log">;
  restores: Omit<AdminRestoresDeps, "log">;
}

const DEFAULT_PAGE_SIZE = 100;
const EVENT_ID = /^\d+(-\d+)?$/;

function pageSize(requested: number): number {
  if (requested > 1000) {
    throw new LifeboatError("INVALID_ARGUMENT", `page_size ${requested} is invalid: at most 1000`, { field: "page_size", value: String(requested) });
  }
  return requested === 0 ? DEFAULT_PAGE_SIZE : requested;
}

function optionalCursor(token: string): string | undefined {
  return token === "" ? undefined : token;
}

function required(field: string, value: string): string {
  if (value === "") throw new LifeboatError("INVALID_ARGUMENT", `${field} is required`, { field });
  return value;
}

/** AdminService, for the CLI and the console; every call is authorized by adminAuthorizer first. */
export function createAdminService(deps: AdminServiceDeps): ServiceImplementation<ServiceMethods<typeof AdminService>> {
  const { clusters, tokens, queue, events, log } = deps;

  return {
    ...createRepositoryHandlers({ repositories: deps.repositories, log }),
    ...createPolicyHandlers({ policies: deps.policies, log }),
    ...createBackupHandlers({ ...deps.backups, log }),
    ...createRestoreHandlers({ ...deps.restores, log }),

    async createToken(request) {
      const { token, secret } = await tokens.create({
        ttlMs: request.ttl ? durationMs(request.ttl) : undefined,
        labels: request.labels,
        description: request.description,
      });
      log.info("registration token created", { tokenId: token.id, expireTime: new Date(token.expireTime).toISOString() });
      return { token: toWireToken(token), secret };
    },

    async listTokens(request) {
      const page = await tokens.list({
        state: tokenStateFromWire(request.state),
        limit: pageSize(request.pageSize),
        cursor: optionalCursor(request.pageToken),
      });
      return { tokens: page.tokens.map(toWireToken), nextPageToken: page.nextCursor ?? "" };
    },

    async revokeToken(request) {
      const token = await tokens.revoke(parseTokenId(required("id", request.id), "id"));
      log.info("registration token revoked", { tokenId: token.id });
      return { token: toWireToken(token) };
    },

    async listClusters(request) {
      const page = await clusters.list({
        labelSelector: request.labelSelector,
        state: clusterStateFromWire(request.state),
        limit: pageSize(request.pageSize),
        cursor: optionalCursor(request.pageToken),
      });
      return { clusters: page.clusters.map((c) => toWireCluster(c)), nextPageToken: page.nextCursor ?? "" };
    },

    async getCluster(request) {
      const id = parseClusterId(required("id", request.id), "id");
      const cluster = await clusters.require(id);
      return { cluster: toWireCluster(cluster, await clusters.getInventory(id)) };
    },

    async deleteCluster(request) {
      const id = parseClusterId(required("id", request.id), "id");
      const cluster = await clusters.delete(id);
      const cancelled = await cancelLiveTasks(queue, id, `cluster ${id} was deleted`);
      log.info("cluster deleted", { clusterId: id, name: cluster.name, revokedSerial: cluster.certificate.serial, cancelledTasks: cancelled });
      return {};
    },

    async createTask(request) {
      const clusterId = parseClusterId(required("cluster_id", request.clusterId), "cluster_id");
      const { kind, payload } = specToPayload(request.spec, "spec");
      await clusters.require(clusterId, "cluster_id");
      const task = await queue.enqueue(clusterId, kind, payload, request.maxAttempts === 0 ? {} : { maxAttempts: request.maxAttempts });
      return { task: toWireTask(task) };
    },

    async createTasks(request) {
      const { kind, payload } = specToPayload(request.spec, "spec");
      const targets = await fanOutTargets(clusters, request);
      const maxAttempts = request.maxAttempts === 0 ? undefined : request.maxAttempts;
      const tasks = await queue.enqueueMany(targets.map((clusterId) => ({ clusterId, kind, spec: payload, maxAttempts })));
      log.info("fan-out queued", { kind, tasks: tasks.length, labelSelector: request.labelSelector || undefined });
      return { tasks: tasks.map((t) => toWireTask(t)) };
    },

    async listTasks(request) {
      const page = await queue.list({
        clusterId: request.clusterId === "" ? undefined : parseClusterId(request.clusterId, "cluster_id"),
        state: taskStateFromWire(request.state),
        limit: pageSize(request.pageSize),
        cursor: optionalCursor(request.pageToken),
      });
      return { tasks: page.tasks.map((t) => toWireTask(t)), nextPageToken: page.nextCursor ?? "" };
    },

    async getTask(request) {
      const id = parseTaskId(required("id", request.id), "id");
      const task = await queue.get(id);
      if (!task) throw new LifeboatError("NOT_FOUND", `task ${id} not found`, { field: "id", value: id });
      return { task: toWireTask(task, { withResult: true }) };
    },

    async cancelTask(request) {
      const id = parseTaskId(required("id", request.id), "id");
      const { task } = await queue.cancel(id, request.reason === "" ? "cancelled by an administrator" : request.reason);
      return { task: toWireTask(task) };
    },

    async *watchEvents(request, context) {
      const after = request.afterEventId === "" ? "$" : request.afterEventId;
      if (after !== "$") {
        if (!EVENT_ID.test(after)) {
          throw new LifeboatError("INVALID_ARGUMENT", `after_event_id ${JSON.stringify(after)} is invalid: pass the id of an event you received`, {
            field: "after_event_id",
            value: after,
          });
        }
        if (await events.isTrimmedAfter(after)) {
          throw new LifeboatError("FAILED_PRECONDITION", `after_event_id ${after} is older than the hub's retained events: some after it are gone; list the current state and watch from now`, {
            field: "after_event_id",
            value: after,
          });
        }
      }
      const clusterId = request.clusterId === "" ? undefined : parseClusterId(request.clusterId, "cluster_id");
      for await (const event of events.followAll(after, { signal: context.signal })) {
        if (clusterId !== undefined && !isEventOfCluster(event, clusterId)) continue;
        yield { event: toWireEvent(event) };
      }
    },
  };
}

/** Cancels a cluster's queued and leased tasks; returns how many. */
async function cancelLiveTasks(queue: TaskQueue, clusterId: ClusterId, reason: string): Promise<number> {
  let cancelled = 0;
  for (const state of ["queued", "leased"] as const) {
    for (;;) {
      const { tasks } = await queue.list({ clusterId, state, limit: 1000 });
      if (tasks.length === 0) break;
      for (const task of tasks) {
        try {
          await queue.cancel(task.id, reason);
          cancelled++;
        } catch (err) {
          // Completed or failed meanwhile: nothing left to cancel.
          if (!(isLifeboatError(err) && err.code === "FAILED_PRECONDITION")) throw err;
        }
      }
    }
  }
  return cancelled;
}
