import { randomUUID } from "node:crypto";
import type { Policy } from "@lifeboat/proto";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { startRedis, type RunningRedis } from "../../../../harness/src/redis-server.js";
import { ClusterStore } from "../../../../../hub/src/clusters/index.js";
import { connectHubRedis, type ClusterId, type HubRedis } from "../../../../../hub/src/store/index.js";
import { TokenStore, hashTokenSecret } from "../../../../../hub/src/tokens/index.js";
import { Policies, PolicyStore, clusterStoreLookup, policyFiring } from "../../../../../hub/src/policies/index.js";
import { RepositoryStore } from "../../../../../hub/src/repositories/index.js";
import { PolicyScheduler } from "../../../../../hub/src/schedules/index.js";
import type { FakeCatalog } from "./fake-catalog.js";

/** A redis-server and one command connection for the suite: started before it, stopped after. */
export function useRedisServer(): { readonly url: string; readonly connection: Redis } {
  let redis: RunningRedis | undefined;
  let connection: Redis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    connection = new Redis(redis.url, { maxRetriesPerRequest: 3 });
  });
  afterAll(async () => {
    connection?.disconnect();
    await redis?.stop();
  });
  return {
    get url() {
      return redis!.url;
    },
    get connection() {
      return connection!;
    },
  };
}

export function testPrefix(): string {
  return `t-${randomUUID().slice(0, 8)}:`;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** One hub process's policy machinery on its own connections: stores, scheduler (started), Policies. */
export interface PolicyHub {
  readonly redis: HubRedis;
  readonly store: PolicyStore;
  readonly scheduler: PolicyScheduler;
  readonly policies: Policies;
  readonly clusters: ClusterStore;
  readonly errors: unknown[];
  close(): Promise<void>;
}

export interface PolicyHubOptions {
  /** Start the scheduler's worker (default true). */
  start?: boolean;
  /** Told of each scheduled firing this process ran, with the occurrence's BullMQ job id. */
  onFired?: (policy: Policy, occurrence: string) => void;
}

export async function startPolicyHub(url: string, prefix: string, catalog: FakeCatalog, options: PolicyHubOptions = {}): Promise<PolicyHub> {
  const redis = connectHubRedis({ url, clientName: `policy-hub-${randomUUID().slice(0, 6)}`, onError: () => undefined });
  const errors: unknown[] = [];
  const store = new PolicyStore({ redis: redis.command, prefix });
  const clusters = new ClusterStore({ redis: redis.command, prefix });
  const lookup = clusterStoreLookup(clusters);
  const fire = policyFiring({ policies: store, clusters: lookup, catalog });
  const scheduler = new PolicyScheduler({
    policies: store,
    fire,
    connection: redis.bullmq,
    onError: (err) => errors.push(err),
    onFired: (policy, _backups, occurrence) => options.onFired?.(policy, occurrence),
  });
  const repositories = new RepositoryStore({ redis: redis.command, prefix });
  const policies = new Policies({
    store,
    schedules: scheduler,
    fire,
    references: { clusters: lookup, repositoryExists: (name) => repositories.isTaken(name) },
  });
  if (options.start ?? true) await scheduler.start();
  return {
    redis,
    store,
    scheduler,
    policies,
    clusters,
    errors,
    async close() {
      await scheduler.close();
      await redis.close();
    },
  };
}

/** Records a repository named `name` (the policy tests never open it). */
export async function recordRepository(connection: Redis, prefix: string, name = "main"): Promise<void> {
  await new RepositoryStore({ redis: connection, prefix }).create({
    name,
    url: "file:///nowhere",
    description: "",
    repositoryId: "r-1",
    credentialNames: ["password"],
    sealedCredentials: "v1:AAAA",
    createTime: Date.now(),
    updateTime: Date.now(),
  });
}

/** Registers a cluster named `name` with `labels` (through a token, as an agent would). */
export async function registerCluster(connection: Redis, prefix: string, name: string, labels: Record<string, string> = {}): Promise<ClusterId> {
  const clusters = new ClusterStore({ redis: connection, prefix });
  const tokens = new TokenStore({ redis: connection, prefix });
  const { secret } = await tokens.create({ labels });
  const id = randomUUID() as ClusterId;
  const outcome = await clusters.register({
    tokenHash: hashTokenSecret(secret),
    clusterId: id,
    isKnown: false,
    fingerprint: `fp-${id}`,
    nameHint: name,
    kubernetesVersion: "v1.30.0",
    agentVersion: "0.1.0",
    certificate: { serial: `0a${id.replaceAll("-", "").slice(0, 10)}`, notBefore: Date.now(), notAfter: Date.now() + 86_400_000 },
  });
  if (outcome.status !== "ok") throw new Error(`registering ${name}: ${outcome.status}`);
  return id;
}
