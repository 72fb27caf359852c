// One hub process's backup catalog on a real redis-server, clusters registered through the real
// stores, and a real filesystem repository behind a small RepositoryDirectory.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { clone, create, toJson, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  BackupPhase,
  BackupPhaseSchema,
  BackupSpecSchema,
  BackupSummarySchema,
  RepositoryAccessSchema,
  TaskProgressSchema,
  TaskResultSchema,
  type Backup,
  type RepositoryAccess,
} from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { startRedis, type RunningRedis } from "../../../../harness/src/redis-server.js";
import { Repository, openAccessStorage, openRepositoryWithAccess, putBackupManifest, type BackupManifest } from "@lifeboat/shared/repo";
import { ClusterStore, EventLog, TaskQueue, TokenStore, connectHubRedis, hashTokenSecret, type ClusterId, type HubRedis, type TaskId } from "../../../../../hub/src/index.js";
import { BackupTracker, RedisBackupCatalog } from "../../../../../hub/src/backups/index.js";
import { progressToPayload, resultToPayload } from "../../../../../hub/src/grpc/wire-task.js";
import type { RepositoryDirectory } from "../../../../../hub/src/repositories/directory-types.js";

export const PASSWORD = "correct horse battery staple";

export function testPrefix(): string {
  return `t-${randomUUID().slice(0, 8)}:`;
}

/** A repository directory over one real filesystem repository, "main"; `reachable = false` points it nowhere. */
export class TestDirectory implements RepositoryDirectory {
  reachable = true;
  calls = 0;
  constructor(readonly repository: RepositoryAccess) {}

  async access(name: string): Promise<RepositoryAccess> {
    this.calls++;
    if (name !== this.repository.name) throw new LifeboatError("NOT_FOUND", `repository ${JSON.stringify(name)} not found`, { field: "repository", value: name });
    const access = clone(RepositoryAccessSchema, this.repository);
    if (!this.reachable) access.url = pathToFileURL(join(tmpdir(), `lifeboat-missing-${randomUUID()}`)).href;
    return access;
  }
}

/** A fresh filesystem repository named "main" in a temp dir, with a cheap key derivation. */
export async function initRepository(): Promise<{ access: RepositoryAccess; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "lifeboat-catalog-repo-"));
  const access = create(RepositoryAccessSchema, { name: "main", url: pathToFileURL(dir).href, credentials: { password: PASSWORD } });
  const storage = openAccessStorage(access);
  try {
    await Repository.init(storage, PASSWORD, { kdf: { N: 1024 } });
  } finally {
    await storage.close();
  }
  return { access, dir };
}

/** Opens the repository for writing (as an agent does), runs `use`, closes it. */
export async function withWritableRepository<T>(access: RepositoryAccess, use: (repo: Repository) => Promise<T>): Promise<T> {
  const repo = await openRepositoryWithAccess(access);
  try {
    return await use(repo);
  } finally {
    await repo.close();
    await repo.storage.close();
  }
}

export interface CatalogHub {
  prefix: string;
  redis: HubRedis;
  queue: TaskQueue;
  events: EventLog;
  clusters: ClusterStore;
  catalog: RedisBackupCatalog;
  directory: TestDirectory;
  errors: unknown[];
  /** A tracker on this hub's connections (not started). */
  tracker(): BackupTracker;
  close(): Promise<void>;
}

/** One hub process's catalog on `url` under `prefix` (several may share one prefix). */
export async function startCatalogHub(url: string, prefix: string, directory: TestDirectory, options: { now?: () => number } = {}): Promise<CatalogHub> {
  const redis = connectHubRedis({ url, clientName: `hub-${randomUUID().slice(0, 6)}`, onError: () => undefined });
  const queue = new TaskQueue({ redis: redis.command, prefix });
  const events = new EventLog({ redis: redis.command, reader: () => redis.eventReader(), prefix, blockMs: 200 });
  const clusters = new ClusterStore({ redis: redis.command, prefix });
  const catalog = new RedisBackupCatalog({ redis: redis.command, prefix, queue, clusters, directory, events, now: options.now });
  const errors: unknown[] = [];
  const trackers: BackupTracker[] = [];
  return {
    prefix,
    redis,
    queue,
    events,
    clusters,
    catalog,
    directory,
    errors,
    tracker() {
      const tracker = new BackupTracker({ store: catalog.store, queue, events, redis: redis.command, onError: (err) => errors.push(err), retryMs: 50 });
      trackers.push(tracker);
      return tracker;
    },
    async close() {
      for (const tracker of trackers) await tracker.close();
      events.close();
      await redis.close();
    },
  };
}

/** Registers cluster `id` (named the same) through the real token and cluster stores. */
export async function registerCluster(hub: CatalogHub, id: string, labels: Record<string, string> = {}): Promise<ClusterId> {
  const tokens = new TokenStore({ redis: hub.redis.command, prefix: hub.prefix });
  const { secret } = await tokens.create({ labels });
  const outcome = await hub.clusters.register({
    tokenHash: hashTokenSecret(secret),
    clusterId: id as ClusterId,
    isKnown: false,
    fingerprint: `fp-${id}`,
    nameHint: id,
    kubernetesVersion: "v1.31.0",
    agentVersion: "0.1.0",
    certificate: { serial: `0a${randomUUID().slice(0, 8)}`, notBefore: Date.now(), notAfter: Date.now() + 86_400_000 },
  });
  if (outcome.status !== "ok") throw new Error(`registering ${id}: ${outcome.status}`);
  return id as ClusterId;
}

/** Drives a backup task as an agent's session does: lease, progress, then complete or fail. */
export class FakeAgentRun {
  constructor(
    private readonly queue: TaskQueue,
    readonly taskId: TaskId,
    readonly owner = "agent-1",
  ) {}

  static async lease(queue: TaskQueue, clusterId: ClusterId, owner = "agent-1"): Promise<FakeAgentRun> {
    const task = await queue.lease(clusterId, owner, 30_000);
    if (!task) throw new Error(`no task queued for ${clusterId}`);
    return new FakeAgentRun(queue, task.id, owner);
  }

  async progress(stage: string, counters: Record<string, bigint>): Promise<void> {
    const progress = create(TaskProgressSchema, { message: stage, counters });
    await this.queue.renew(this.taskId, this.owner, 30_000, progressToPayload(progress));
  }

  async complete(result: MessageInitShape<typeof TaskResultSchema>): Promise<void> {
    await this.queue.complete(this.taskId, this.owner, resultToPayload(create(TaskResultSchema, result)));
  }

  async fail(code: string, message: string): Promise<void> {
    await this.queue.fail(this.taskId, this.owner, { code, message });
  }
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true or `timeoutMs` passes (then throws, naming `what`). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** A log entry as the agent writes them into backups/<id>/log. */
export interface LogEntry {
  time: string;
  level: "info" | "warn" | "error";
  stage: string;
  message: string;
}

/**
 * Writes a finished backup's records into the repository as the agent's manifest stage does: the
 * log and results, then the manifest, last.
 */
export async function writeFinishedBackup(
  access: RepositoryAccess,
  backup: Backup,
  options: { phase?: BackupPhase; summary?: MessageInitShape<typeof BackupSummarySchema>; log?: LogEntry[]; phaseName?: string } = {},
): Promise<BackupManifest> {
  const phase = options.phase ?? BackupPhase.COMPLETED;
  const summary = create(BackupSummarySchema, options.summary ?? { items: 3n, bytes: 300n });
  const manifest: BackupManifest = {
    id: backup.id,
    cluster: backup.clusterId,
    kubernetesVersion: "v1.31.0",
    spec: toJson(BackupSpecSchema, backup.spec ?? create(BackupSpecSchema)),
    started: new Date(Date.now() - 2_000).toISOString(),
    completed: new Date().toISOString(),
    phase: options.phaseName ?? BackupPhaseSchema.values.find((v) => v.number === phase)!.name,
    counts: { items: Number(summary.items) },
    itemIndex: { count: 0, pages: [] },
    volumeSnapshots: [],
    roots: [],
    clusterName: backup.clusterName,
    clusterFingerprint: `fp-${backup.clusterId}`,
    policyId: backup.policyId,
    labels: { ...backup.labels },
    ...(backup.expireTime ? { expires: timestampDate(backup.expireTime).toISOString() } : {}),
    summary: toJson(BackupSummarySchema, summary),
  };
  await withWritableRepository(access, async (repo) => {
    await repo.manifests.put(`backups/${backup.id}/log`, { entries: options.log ?? [{ time: manifest.completed, level: "info", stage: "manifest", message: "done" }] });
    await repo.manifests.put(`backups/${backup.id}/results`, { warnings: [], errors: [], hooks: [], droppedMessages: 0 });
    await repo.prepareCommit();
    await putBackupManifest(repo.manifests, manifest);
  });
  return manifest;
}

/** Names of the backup records in the repository (backups/<id>/<part>). */
export async function backupRecordsIn(access: RepositoryAccess): Promise<string[]> {
  return withWritableRepository(access, (repo) => repo.manifests.list("backups/"));
}

/**
 * A redis-server and a filesystem repository for the suite: made before its tests, removed after.
 * Register it before the suite's own beforeAll hooks, which may then use it.
 */
export function useRedisAndRepository(): { readonly redisUrl: string; readonly access: RepositoryAccess } {
  let redis: RunningRedis | undefined;
  let repo: { access: RepositoryAccess; dir: string } | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    repo = await initRepository();
  });
  afterAll(async () => {
    await redis?.stop();
    await removeDir(repo?.dir);
  });
  return {
    get redisUrl() {
      return redis!.url;
    },
    get access() {
      return repo!.access;
    },
  };
}

/**
 * A hub of its own for each test (a fresh key prefix on the suite's Redis and a fresh directory),
 * with `clusters` registered; closed after the test. With `expectNoErrors` a test fails when the
 * hub's trackers told of errors. Read `hub` and `directory` in hooks and tests: they change per test.
 */
export function useHubPerTest<H extends CatalogHub>(
  suite: { readonly redisUrl: string; readonly access: RepositoryAccess },
  start: (url: string, prefix: string, directory: TestDirectory) => Promise<H>,
  options: { clusters: readonly string[]; expectNoErrors?: boolean },
): { readonly hub: H; readonly directory: TestDirectory } {
  let hub: H | undefined;
  let directory: TestDirectory | undefined;
  beforeEach(async () => {
    directory = new TestDirectory(suite.access);
    hub = await start(suite.redisUrl, testPrefix(), directory);
    for (const id of options.clusters) await registerCluster(hub, id);
  });
  afterEach(async () => {
    await hub?.close();
    if (options.expectNoErrors) expect(hub?.errors).toEqual([]);
  });
  return {
    get hub() {
      return hub!;
    },
    get directory() {
      return directory!;
    },
  };
}

/** Polls `read` until the record is in `phase`, then returns it; `what` names the wait in a timeout. */
export async function waitForPhase<R extends { phase: number }>(what: string, phase: number, read: () => Promise<R>): Promise<R> {
  let last: R | undefined;
  await waitFor(what, async () => {
    last = await read();
    return last.phase === phase;
  });
  return last!;
}
