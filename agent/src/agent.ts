import type { DataMoverConfig } from "./volumes/data-mover-config.js";
import { DEFAULT_MAX_MESSAGE_BYTES, LifeboatError, isLifeboatError } from "@lifeboat/shared";
import { pino, type Logger } from "pino";
import { AGENT_BUILD } from "./build-info.js";
import {
  DEFAULT_BACKOFF,
  DEFAULT_HUB_SETTINGS,
  HubAddressRotation,
  HubConnection,
  dialHub,
  parseHubAddresses,
  retryWithBackoff,
  type BackoffPolicy,
} from "./connection/index.js";
import { Executor, taskKinds } from "./executor/index.js";
import { IdentityStore, registerCluster, type AgentIdentity } from "./identity/index.js";
import { collectInventory, loadKubeConfig, readFingerprint, readKubernetesVersion } from "./kube/index.js";

export interface AgentOptions {
  /**
   * The hub's AgentService address, host:port, or several replicas' separated by commas. Optional
   * once registered: the identity names them.
   */
  hubAddress?: string;
  /**
   * host:port of each hub replica (all sharing one Redis and the data directory's CA), added to
   * `hubAddress`'s. The agent starts at a random one and moves to the next whenever a stream ends;
   * registration tries them in turn too. Given at a restart, they replace the stored ones.
   */
  hubAddresses?: string[];
  /**
   * The CA to trust for the hub's server certificate, PEM. Without it, Register trusts the
   * system roots and later connections the CA the hub returned at registration.
   */
  hubCaCertificatePem?: string;
  /** A registration token's secret; needed only when the state directory holds no identity. Never logged. */
  token?: string;
  /** The name to register the cluster under; the hub picks one when absent or taken. */
  clusterName?: string;
  /** Path of a kubeconfig; default the in-cluster service account, else KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
  /** Where the agent keeps its identity (key, certificate, CA, cluster id, hub address). */
  stateDir: string;
  /** Tasks run at once; default 2. */
  concurrency?: number;
  /** How volume data is moved: the node agents' namespace, the data-mover pods' image, the stall timeout. */
  dataMover?: Partial<DataMoverConfig>;
  /**
   * How often to send an inventory unasked, in ms, when the hub's configuration does not say;
   * 0 for only on connect. Default 15 minutes.
   */
  inventoryPeriod?: number;
  /** Default: a pino logger to stdout. */
  logger?: Logger;
  /** Largest gRPC message before the hub's configuration says otherwise; default the shared limit. */
  maxMessageBytes?: number;
  /** Backoff between attempts to reach the hub (and the API server at startup). */
  reconnectBackoff?: BackoffPolicy;
  /** Aborting gives up starting (registration waits out a hub that is down until then). */
  signal?: AbortSignal;
}

export interface RunningAgent {
  /** The cluster's id at the hub. */
  readonly clusterId: string;
  /**
   * Settles when the agent stops: resolves after stop(), rejects with the error that stopped it
   * otherwise (the hub refused its identity and no new token was given).
   */
  readonly done: Promise<void>;
  /** Interrupts running tasks (they report a retryable error), closes the stream, and resolves once stopped. */
  stop(): Promise<void>;
}

const DEFAULT_CONCURRENCY = 2;
const DEFAULT_INVENTORY_PERIOD_MS = 15 * 60_000;

// Secrets that must never reach a log line, should a caller's object be logged by mistake.
const REDACTED_PATHS = ["token", "privateKeyPem", "certificatePem", "caCertificatePem", "csrPem"].flatMap((key) => [key, `*.${key}`]);

/**
 * Starts the agent: reads the cluster's fingerprint and version, loads its identity from
 * `stateDir` or registers with `token`, then connects to the hub and runs what it assigns until
 * stop(). Resolves once the identity is ready (not once connected: a hub that is down is waited
 * for in the background). Throws INVALID_ARGUMENT for bad options, FAILED_PRECONDITION with no
 * identity and no token, UNAUTHENTICATED when the hub refuses the token, CORRUPT for an unusable
 * stored identity.
 */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const logger = options.logger ?? pino({ name: "lifeboat-agent", redact: REDACTED_PATHS });
  const concurrency = positiveInteger(options.concurrency ?? DEFAULT_CONCURRENCY, "concurrency");
  const inventoryPeriodMs = nonNegative(options.inventoryPeriod ?? DEFAULT_INVENTORY_PERIOD_MS, "inventoryPeriod");
  if (!options.stateDir) throw new LifeboatError("INVALID_ARGUMENT", "stateDir is required: the directory the agent keeps its identity in", { field: "stateDir" });
  const backoff = options.reconnectBackoff ?? DEFAULT_BACKOFF;
  const retryable = (err: unknown) => isLifeboatError(err) && err.retryable;
  const retrying = <T>(what: string, work: () => Promise<T>) =>
    retryWithBackoff(work, {
      policy: backoff,
      signal: options.signal,
      isRetryable: retryable,
      onRetry: (err, attempt, delayMs) => logger.warn({ error: (err as Error).message, attempt: attempt + 1, delayMs }, `${what} failed; retrying`),
    });

  const kube = loadKubeConfig({ kubeconfig: options.kubeconfig });
  const fingerprint = await retrying("reading the cluster's fingerprint", () => readFingerprint(kube, options.signal));
  let kubernetesVersion = await retrying("reading the Kubernetes version", () => readKubernetesVersion(kube, options.signal));
  logger.info({ fingerprint, kubernetesVersion, agentVersion: AGENT_BUILD.version }, "agent starting");

  const store = new IdentityStore(options.stateDir);
  let tokenSpent = false;
  const register = async (hubAddresses: string[]): Promise<AgentIdentity> => {
    if (!options.token || tokenSpent) throw missingToken(store, hubAddresses);
    tokenSpent = true;
    // Each attempt goes to the next replica, so a replica that is down does not hold registration up.
    const rotation = new HubAddressRotation();
    const identity = await retrying(`registering with the hub at ${hubAddresses.join(", ")}`, async () => {
      const hubAddress = rotation.next(hubAddresses);
      const hub = dialHub(hubAddress, { caCertificatePem: options.hubCaCertificatePem }, options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
      try {
        const issued = await registerCluster(
          hub.agent.register,
          { hubAddress, token: options.token!, fingerprint, kubernetesVersion, agentVersion: AGENT_BUILD.version, clusterName: options.clusterName },
          options.signal,
        );
        logger.info({ clusterId: issued.clusterId, hubAddress, stateDir: options.stateDir }, "registered with the hub");
        return { ...issued, hubAddresses };
      } finally {
        hub.close();
      }
    });
    await store.save(identity);
    return identity;
  };

  const given = [
    ...parseHubAddresses(options.hubAddress === undefined ? [] : [options.hubAddress], "hubAddress"),
    ...parseHubAddresses(options.hubAddresses ?? [], "hubAddresses"),
  ].filter((address, index, all) => all.indexOf(address) === index);
  let identity = await store.load();
  if (identity) {
    logger.info({ clusterId: identity.clusterId, hubAddresses: identity.hubAddresses }, "identity loaded; not registering again");
    if (given.length > 0 && given.join(",") !== identity.hubAddresses.join(",")) {
      identity = { ...identity, hubAddresses: given };
      await store.save(identity);
    }
  } else {
    if (given.length === 0) throw new LifeboatError("INVALID_ARGUMENT", "hubAddress is required to register: host:port of the hub (or several, separated by commas)", { field: "hubAddress" });
    identity = await register(given);
  }

  const connection = new HubConnection({
    identity,
    identityStore: store,
    hubCaCertificatePem: options.hubCaCertificatePem,
    agentVersion: AGENT_BUILD.version,
    concurrency,
    inventoryPeriodMs,
    maxMessageBytes: options.maxMessageBytes,
    backoff,
    logger: logger.child({ component: "connection" }),
    // The version is re-read in the background for the next hello rather than before this one:
    // an API server that is slow or down must not keep the agent from reaching the hub.
    describeCluster: async (signal) => {
      readKubernetesVersion(kube, signal).then(
        (version) => (kubernetesVersion = version),
        (err: unknown) => logger.debug({ error: (err as Error).message }, "could not re-read the Kubernetes version"),
      );
      return { fingerprint, kubernetesVersion };
    },
    collectInventory: (signal) => collectInventory(kube, { signal, onDiscoveryFailures: discoveryWarning(logger) }),
    onIdentityRefused: async (error, refused) => {
      if (options.token && !tokenSpent) {
        logger.warn({ clusterId: refused.clusterId }, "registering again with the token given, since the hub refused the stored identity");
        return register(refused.hubAddresses);
      }
      throw identityRefused(error, refused, store);
    },
  });
  const executor = new Executor({
    kinds: taskKinds,
    dependencies: { kube, ...(options.dataMover ? { dataMover: options.dataMover } : {}) },
    reports: {
      sendProgress: (report) => connection.sendProgress(report),
      sendResult: (report) => connection.sendResult(report),
      taskEnded: () => connection.taskEnded(),
    },
    leaseDurationMs: DEFAULT_HUB_SETTINGS.leaseDurationMs,
    logger: logger.child({ component: "executor" }),
  });
  connection.attach(executor);

  const stopping = new AbortController();
  const done = connection.run(stopping.signal).catch(async (err: unknown) => {
    logger.error({ code: isLifeboatError(err) ? err.code : undefined, error: (err as Error).message }, "the agent stopped");
    await executor.stop();
    throw err;
  });
  // A caller that only awaits stop() must not see an unhandled rejection.
  done.catch(() => {});
  let stopped: Promise<void> | undefined;
  return {
    get clusterId() {
      return connection.currentIdentity.clusterId;
    },
    done,
    stop: () =>
      (stopped ??= (async () => {
        logger.info("agent stopping");
        await executor.stop();
        await connection.shutdown();
        stopping.abort(new LifeboatError("UNAVAILABLE", "the agent is stopping", { retryable: true }));
        await done.catch(() => {});
        logger.info("agent stopped");
      })()),
  };
}

function discoveryWarning(logger: Logger) {
  return (failed: { groupVersion: string }[]) =>
    logger.warn({ groupVersions: failed.map((f) => f.groupVersion) }, "discovery left out group versions that did not answer");
}

function missingToken(store: IdentityStore, hubAddresses: string[]): LifeboatError {
  return new LifeboatError(
    "FAILED_PRECONDITION",
    `the agent has no identity in ${store.directory} and no registration token: create a registration token on the hub at ${hubAddresses.join(", ")} and start the agent with it`,
    { field: "token" },
  );
}

function identityRefused(error: LifeboatError, identity: AgentIdentity, store: IdentityStore): LifeboatError {
  return new LifeboatError(
    error.code,
    `the hub at ${identity.hubAddresses.join(", ")} refused this agent's identity (cluster ${identity.clusterId}): ${error.message}. ` +
      "Its certificate was revoked or has expired, the cluster was removed from the hub, or the state directory belongs to another cluster. " +
      `Register again: create a new registration token on the hub and restart the agent with it (the identity in ${store.directory} is then replaced).`,
    { field: "token", cause: error },
  );
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} must be a whole number of at least 1, not ${value}`, { field, value: String(value) });
  }
  return value;
}

function nonNegative(value: number, field: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} must be a number of milliseconds, 0 or more, not ${value}`, { field, value: String(value) });
  }
  return value;
}
