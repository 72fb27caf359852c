import { hostname } from "node:os";
import { AdminService, AgentService } from "@lifeboat/proto";
import { addService, bindServer, createServer, createServerTls } from "@lifeboat/shared";
import type { Server } from "@grpc/grpc-js";
import { ClusterStore } from "./clusters/index.js";
import { loadHubConfig, type AgentSettings, type HubConfig } from "./config/index.js";
import { adminAuthorizer, ClusterStreams, createAdminService, createAgentService } from "./grpc/index.js";
import { jsonLinesLog, type HubLog } from "./log.js";
import { Dispatcher, EventLog, LeaseSweeper, TaskQueue } from "./queue/index.js";
import { connectHubRedis } from "./store/index.js";
import { loadTlsMaterial } from "./tls-material.js";
import { TokenStore } from "./tokens/index.js";
import { backupAssignmentPreparer, startBackups } from "./backups/index.js";
import { clusterStoreLookup, PolicyStore } from "./policies/index.js";
import { chainPreparers, restoreAssignmentPreparer, startRestores } from "./restores/index.js";
import { openRepositoryRegistry } from "./repositories/index.js";
import { startPolicyRuntime } from "./schedules/index.js";

export interface StartHubOptions {
  /** The directory `hub init` wrote (hub.yaml, keys, certificates). */
  dataDir: string;
  /** Override hub.yaml's redis.url. */
  redisUrl?: string;
  /** Override hub.yaml's listen, e.g. "127.0.0.1:0" for a free port. */
  listen?: string;
  /** Override hub.yaml's hubId (default host:pid). Replicas sharing a Redis need distinct ids. */
  hubId?: string;
  /** Override hub.yaml's redis.keyPrefix. */
  keyPrefix?: string;
  /** Override agent settings from hub.yaml (tests use short heartbeats and leases). */
  agents?: Partial<AgentSettings>;
  /** Override hub.yaml's maxMessageBytes. */
  maxMessageBytes?: number;
  /** How often the lease sweep runs (default 1 s). */
  sweepEveryMs?: number;
  /** How often TTL expiry of backups runs (default 60 s). */
  backupExpiryEveryMs?: number;
  /** How often policies' retention runs (default 5 min). */
  retentionEveryMs?: number;
  /** Default: JSON lines on stderr. */
  log?: HubLog;
}

export interface RunningHub {
  /** host:port the hub listens on (the real port when `listen` asked for port 0). */
  readonly address: string;
  readonly port: number;
  readonly hubId: string;
  readonly config: HubConfig;
  /** The hub's CA certificate, PEM: what agents and the CLI trust. */
  readonly caCertificatePem: string;
  /**
   * Stops gracefully: agent streams end UNAVAILABLE (agents reconnect to another replica), the
   * clusters they held are marked disconnected, watchers end, then connections close.
   */
  stop(): Promise<void>;
}

/**
 * Starts one hub process: Redis connections, the task queue, its dispatcher and lease sweeper,
 * the event log, and the gRPC server with AgentService and AdminService on one TLS port
 * (client certificates optional: Register has none, Connect requires one). Any number of hub
 * processes with distinct hub ids may share one Redis and key prefix.
 */
export async function startHub(options: StartHubOptions): Promise<RunningHub> {
  const file = await loadHubConfig(options.dataDir);
  const config: HubConfig = {
    ...file,
    listen: options.listen ?? file.listen,
    redis: { url: options.redisUrl ?? file.redis.url, keyPrefix: options.keyPrefix ?? file.redis.keyPrefix },
    agents: { ...file.agents, ...options.agents },
    maxMessageBytes: options.maxMessageBytes ?? file.maxMessageBytes,
  };
  const hubId = options.hubId ?? file.hubId ?? `${hostname()}:${process.pid}`;
  const log = options.log ?? jsonLinesLog({ hubId });
  const tls = await loadTlsMaterial(options.dataDir, config, log);
  const settings = config.agents;
  const prefix = config.redis.keyPrefix;

  const redis = connectHubRedis({
    url: config.redis.url,
    clientName: `lifeboat-hub:${hubId}`,
    onError: (err, role) => log.warn("redis connection error", { role, error: err.message }),
  });
  const stopping: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stopping.reverse()) await stop().catch((err: unknown) => log.error("error while stopping", { error: err }));
  };
  stopping.push(() => redis.close());
  try {
    const queue = new TaskQueue({ redis: redis.command, prefix });
    const clusters = new ClusterStore({ redis: redis.command, prefix });
    const tokens = new TokenStore({
      redis: redis.command,
      prefix,
      defaultTtlMs: config.tokens.defaultTtlSeconds * 1000,
      maxTtlMs: config.tokens.maxTtlSeconds * 1000,
    });
    const dispatcher = new Dispatcher({
      queue,
      subscriber: redis.subscriber,
      leaseMs: settings.leaseMs,
      hubId,
      onError: (err, context) => log.warn("dispatch error", { ...context, error: err }),
    });
    await dispatcher.start();
    stopping.push(() => dispatcher.stop());
    const sweeper = new LeaseSweeper({
      queue,
      connection: redis.bullmq,
      everyMs: options.sweepEveryMs,
      onSweep: (result) => log.info("expired leases swept", { ...result }),
      onError: (err) => log.warn("lease sweep error", { error: err }),
    });
    await sweeper.start();
    stopping.push(() => sweeper.close());
    const events = new EventLog({ redis: redis.command, reader: () => redis.eventReader(), prefix, blockMs: 1_000 });
    stopping.push(async () => events.close());
    // Repositories (credentials sealed under the data dir's secrets.key), then the backup catalog
    // and its tracker, then the policies that launch backups through it.
    const repositories = await openRepositoryRegistry({ redis: redis.command, prefix, dataDir: options.dataDir });
    const backups = await startBackups({ redis, prefix, queue, events, clusters, directory: repositories, log, expiryEveryMs: options.backupExpiryEveryMs });
    stopping.push(() => backups.close());
    const restores = startRestores({ redis, prefix, queue, events, clusters, backups: backups.catalog, directory: repositories, log });
    stopping.push(() => restores.close());
    const policyRuntime = await startPolicyRuntime({ redis, prefix, clusters, repositories, catalog: backups.catalog, retentionEveryMs: options.retentionEveryMs, log });
    stopping.push(() => policyRuntime.close());
    const clusterLookup = clusterStoreLookup(clusters);
    const policyStore = new PolicyStore({ redis: redis.command, prefix });
    const streams = new ClusterStreams(redis.subscriber, queue.keys.clusterChannel);
    await streams.start();
    stopping.push(() => streams.stop());
    const staleSweep = startStaleSweep(clusters, settings, log);
    stopping.push(async () => clearInterval(staleSweep));

    const server = createServer({ maxMessageBytes: config.maxMessageBytes });
    const onUnexpectedError = (err: unknown, method: string) => log.error("unexpected error in a call", { method, error: err });
    addService(
      server,
      AgentService,
      createAgentService({
        clusters,
        queue,
        dispatcher,
        ca: tls.ca,
        streams,
        hubId,
        settings,
        maxMessageBytes: config.maxMessageBytes,
        log,
        prepareAssignment: chainPreparers(backupAssignmentPreparer(repositories), restoreAssignmentPreparer(repositories)),
      }),
      { onUnexpectedError },
    );
    const admin = createAdminService({
      clusters,
      tokens,
      queue,
      events,
      log,
      repositories,
      policies: policyRuntime.policies,
      backups: {
        catalog: backups.catalog,
        clusters,
        clusterIdOfName: (name) => clusterLookup.idOfName(name),
        policyIdOf: async (idOrName) => (await policyStore.find(idOrName))?.id,
      },
      restores: {
        catalog: restores.catalog,
        clusterIdOfName: (name) => clusterLookup.idOfName(name),
      },
    });
    addService(server, AdminService, admin, {
      authorize: adminAuthorizer(config.adminCredentialSha256),
      onUnexpectedError,
    });
    const port = await bindServer(
      server,
      config.listen,
      createServerTls({ caCertificatePem: tls.ca.certificatePem, certificatePem: tls.serving.certificatePem, privateKeyPem: tls.serving.privateKeyPem }),
    );
    stopping.push(() => shutdown(server, streams, events));
    const host = config.listen.slice(0, config.listen.lastIndexOf(":"));
    const address = `${host}:${port}`;
    log.info("hub listening", { address, redisKeyPrefix: prefix });

    let stopped: Promise<void> | undefined;
    return {
      address,
      port,
      hubId,
      config,
      caCertificatePem: tls.ca.certificatePem,
      stop: () => (stopped ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * Marks disconnected the clusters whose streams fell silent on any replica (one that crashed
 * cannot mark its own), every heartbeat interval; every replica runs it, and it is idempotent.
 */
function startStaleSweep(clusters: ClusterStore, settings: AgentSettings, log: HubLog): NodeJS.Timeout {
  // One interval more than a stream's own watchdog, so a live replica closes its silent streams first.
  const maxSilenceMs = 4 * settings.heartbeatIntervalMs;
  const timer = setInterval(() => {
    clusters.disconnectStale(maxSilenceMs).then(
      (n) => {
        if (n > 0) log.info("silent clusters marked disconnected", { count: n });
      },
      (err: unknown) => log.warn("stale-connection sweep error", { error: err }),
    );
  }, settings.heartbeatIntervalMs);
  timer.unref();
  return timer;
}

// Agent streams first (their sessions then mark their clusters disconnected while Redis is still
// open), then watchers; then the server, forcibly after a grace period.
async function shutdown(server: Server, streams: ClusterStreams, events: EventLog): Promise<void> {
  streams.closeAll();
  events.close();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 2_000);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
