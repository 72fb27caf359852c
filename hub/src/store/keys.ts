import type { ClusterId, TaskId, TokenId } from "./ids.js";

/**
 * Every Redis key and channel name Lifeboat uses, in one place. All names start with a
 * prefix, so tests and several deployments can share one Redis.
 *
 * The Lua scripts build the names of keys they only learn inside the script (a task's
 * cluster queue, its state indexes) from the same parts: `luaKeyFunctions()` generates
 * the Lua functions from `PARTS`, and the script loader prepends them to every script.
 * So a name changes here or nowhere.
 *
 * Single-instance Redis (or a primary with replicas) is assumed: the names carry no hash
 * tags, so a script's keys would fall in different Redis Cluster slots.
 */
export const DEFAULT_KEY_PREFIX = "lifeboat:";

export const TASK_STATES = ["queued", "leased", "completed", "failed", "cancelled"] as const;
export type TaskState = (typeof TASK_STATES)[number];

const PARTS = {
  /** HASH, one per task: the task record. */
  task: "task:",
  /** LIST, one per cluster: ids of queued tasks, head first. */
  queue: "queue:",
  /** ZSET of leased task ids scored by lease deadline (ms since epoch). */
  leases: "leases",
  /** Counter giving each task a creation sequence number, the score of every index. */
  taskSeq: "task-seq",
  /** ZSET of every task id by sequence number. */
  tasks: "tasks",
  /** ZSET per state of task ids by sequence number. */
  tasksInState: "tasks:state:",
  /** ZSET per cluster of task ids by sequence number. */
  clusterTasks: "tasks:cluster:",
  /** ZSET per (state, cluster); the state comes first so no cluster id can forge another key. */
  clusterTasksInState: "tasks:cluster-state:",
  /** STREAM of task events, written by the same script as the change it records. */
  events: "events",
  /** Pub/sub channel: cluster ids (newline-separated) whose queues just gained tasks. */
  queuedChannel: "notify:queued",
  /** Pub/sub channel: JSON {taskId, owner, reason}, whenever a leased task is cancelled. */
  cancelChannel: "notify:cancel",
  /** BullMQ's own prefix (it adds ":<queue name>:..."). */
  bullmq: "bull",

  /** HASH, one per cluster: the cluster record (inventory apart). */
  cluster: "cluster:",
  /** STRING, one per cluster: its latest inventory, protobuf binary (lifeboat.v1.Inventory). */
  clusterInventory: "cluster-inventory:",
  /** ZSET, one per cluster: serials of every certificate issued to it, scored by notAfter (ms). */
  clusterCertificates: "cluster-certificates:",
  /** HASH fingerprint (kube-system namespace UID) -> cluster id. */
  clusterFingerprints: "clusters:by-fingerprint",
  /** HASH cluster name -> cluster id (names are unique). */
  clusterNames: "clusters:by-name",
  /** ZSET of cluster names, all scored 0, so ZRANGE BYLEX pages through them in name order. */
  clusterNameOrder: "clusters:names",
  /** ZSET of connected cluster ids scored by when their stream last showed life (ms). */
  connectedClusters: "clusters:connected",
  /** ZSET of revoked certificate serials scored by notAfter (ms); pruned once they expire. */
  revokedCertificates: "certificates:revoked",
  /** Pub/sub channel: JSON {clusterId, change}, e.g. change "deleted" ends that cluster's streams. */
  clusterChannel: "notify:cluster",

  /** HASH, one per registration token: the token record (a hash of its secret, never the secret). */
  token: "token:",
  /** HASH SHA-256(secret), hex -> token id. */
  tokenHashes: "tokens:by-hash",
  /** ZSET of every token id by creation sequence number. */
  tokens: "tokens",
  /** Counter giving each token a creation sequence number. */
  tokenSeq: "token-seq",
} as const;

export interface TaskKeys {
  readonly prefix: string;
  task(id: TaskId): string;
  queue(clusterId: ClusterId): string;
  readonly leases: string;
  readonly taskSeq: string;
  readonly tasks: string;
  tasksInState(state: TaskState): string;
  clusterTasks(clusterId: ClusterId): string;
  clusterTasksInState(clusterId: ClusterId, state: TaskState): string;
  readonly events: string;
  readonly queuedChannel: string;
  readonly cancelChannel: string;
  /** The prefix to give BullMQ queues and workers. */
  readonly bullmqPrefix: string;

  cluster(id: ClusterId): string;
  clusterInventory(id: ClusterId): string;
  clusterCertificates(id: ClusterId): string;
  readonly clusterFingerprints: string;
  readonly clusterNames: string;
  readonly clusterNameOrder: string;
  readonly connectedClusters: string;
  readonly revokedCertificates: string;
  readonly clusterChannel: string;
  token(id: TokenId): string;
  readonly tokenHashes: string;
  readonly tokens: string;
  readonly tokenSeq: string;
}

/** Key names under `prefix` (e.g. "lifeboat:" or a test's own "t-1f3a:"). */
export function taskKeys(prefix: string = DEFAULT_KEY_PREFIX): TaskKeys {
  if (prefix.length === 0 || /\s/.test(prefix)) {
    throw new Error(`Redis key prefix ${JSON.stringify(prefix)} must be non-empty and without whitespace`);
  }
  return {
    prefix,
    task: (id) => prefix + PARTS.task + id,
    queue: (clusterId) => prefix + PARTS.queue + clusterId,
    leases: prefix + PARTS.leases,
    taskSeq: prefix + PARTS.taskSeq,
    tasks: prefix + PARTS.tasks,
    tasksInState: (state) => prefix + PARTS.tasksInState + state,
    clusterTasks: (clusterId) => prefix + PARTS.clusterTasks + clusterId,
    clusterTasksInState: (clusterId, state) => prefix + PARTS.clusterTasksInState + state + ":" + clusterId,
    events: prefix + PARTS.events,
    queuedChannel: prefix + PARTS.queuedChannel,
    cancelChannel: prefix + PARTS.cancelChannel,
    bullmqPrefix: prefix + PARTS.bullmq,
    cluster: (id) => prefix + PARTS.cluster + id,
    clusterInventory: (id) => prefix + PARTS.clusterInventory + id,
    clusterCertificates: (id) => prefix + PARTS.clusterCertificates + id,
    clusterFingerprints: prefix + PARTS.clusterFingerprints,
    clusterNames: prefix + PARTS.clusterNames,
    clusterNameOrder: prefix + PARTS.clusterNameOrder,
    connectedClusters: prefix + PARTS.connectedClusters,
    revokedCertificates: prefix + PARTS.revokedCertificates,
    clusterChannel: prefix + PARTS.clusterChannel,
    token: (id) => prefix + PARTS.token + id,
    tokenHashes: prefix + PARTS.tokenHashes,
    tokens: prefix + PARTS.tokens,
    tokenSeq: prefix + PARTS.tokenSeq,
  };
}

/**
 * Lua functions naming the same keys as `taskKeys`, reading the prefix from ARGV[1].
 * Prepended to every script by the loader.
 */
export function luaKeyFunctions(): string {
  const lit = (s: string): string => JSON.stringify(s); // a JSON string of ASCII is a valid Lua string
  return [
    "local KEY_PREFIX = ARGV[1]",
    `local function keyTask(id) return KEY_PREFIX .. ${lit(PARTS.task)} .. id end`,
    `local function keyQueue(clusterId) return KEY_PREFIX .. ${lit(PARTS.queue)} .. clusterId end`,
    `local function keyLeases() return KEY_PREFIX .. ${lit(PARTS.leases)} end`,
    `local function keyTaskSeq() return KEY_PREFIX .. ${lit(PARTS.taskSeq)} end`,
    `local function keyTasks() return KEY_PREFIX .. ${lit(PARTS.tasks)} end`,
    `local function keyTasksInState(state) return KEY_PREFIX .. ${lit(PARTS.tasksInState)} .. state end`,
    `local function keyClusterTasks(clusterId) return KEY_PREFIX .. ${lit(PARTS.clusterTasks)} .. clusterId end`,
    `local function keyClusterTasksInState(clusterId, state) return KEY_PREFIX .. ${lit(PARTS.clusterTasksInState)} .. state .. ":" .. clusterId end`,
    `local function keyEvents() return KEY_PREFIX .. ${lit(PARTS.events)} end`,
    `local function channelQueued() return KEY_PREFIX .. ${lit(PARTS.queuedChannel)} end`,
    `local function channelCancel() return KEY_PREFIX .. ${lit(PARTS.cancelChannel)} end`,
    `local function keyCluster(id) return KEY_PREFIX .. ${lit(PARTS.cluster)} .. id end`,
    `local function keyClusterInventory(id) return KEY_PREFIX .. ${lit(PARTS.clusterInventory)} .. id end`,
    `local function keyClusterCertificates(id) return KEY_PREFIX .. ${lit(PARTS.clusterCertificates)} .. id end`,
    `local function keyClusterFingerprints() return KEY_PREFIX .. ${lit(PARTS.clusterFingerprints)} end`,
    `local function keyClusterNames() return KEY_PREFIX .. ${lit(PARTS.clusterNames)} end`,
    `local function keyClusterNameOrder() return KEY_PREFIX .. ${lit(PARTS.clusterNameOrder)} end`,
    `local function keyConnectedClusters() return KEY_PREFIX .. ${lit(PARTS.connectedClusters)} end`,
    `local function keyRevokedCertificates() return KEY_PREFIX .. ${lit(PARTS.revokedCertificates)} end`,
    `local function channelCluster() return KEY_PREFIX .. ${lit(PARTS.clusterChannel)} end`,
    `local function keyToken(id) return KEY_PREFIX .. ${lit(PARTS.token)} .. id end`,
    `local function keyTokenHashes() return KEY_PREFIX .. ${lit(PARTS.tokenHashes)} end`,
    `local function keyTokens() return KEY_PREFIX .. ${lit(PARTS.tokens)} end`,
    `local function keyTokenSeq() return KEY_PREFIX .. ${lit(PARTS.tokenSeq)} end`,
    "",
  ].join("\n");
}
