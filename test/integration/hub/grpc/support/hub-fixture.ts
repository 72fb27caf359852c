import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Metadata, type Client } from "@grpc/grpc-js";
import { AdminService } from "@lifeboat/proto";
import { createChannel, createClient, createClientTls, type ServiceClient, type ServiceMethods } from "@lifeboat/shared";
import { initHub, silentLog, startHub, type AgentSettings, type RunningHub } from "@lifeboat/hub";

export type AdminClient = ServiceClient<ServiceMethods<typeof AdminService>>;

/** A key prefix of a test's own, so tests share one redis-server without seeing each other. */
export function testPrefix(): string {
  return `t-${randomUUID().slice(0, 8)}:`;
}

export interface TestFleetOptions {
  redisUrl: string;
  agents?: Partial<AgentSettings>;
  maxMessageBytes?: number;
}

/**
 * One initialised hub data directory (one CA, one admin credential) and the hub processes started
 * from it, all on one Redis key prefix of the test's own: a deployment of hub replicas.
 */
export class TestFleet {
  readonly hubs: RunningHub[] = [];
  private readonly channels: Client[] = [];
  adminCredential = "";
  caCertificatePem = "";
  readonly prefix = testPrefix();

  private constructor(
    readonly dataDir: string,
    private readonly options: TestFleetOptions,
  ) {}

  static async create(options: TestFleetOptions): Promise<TestFleet> {
    const dir = await mkdtemp(join(tmpdir(), "lifeboat-hub-"));
    const fleet = new TestFleet(dir, options);
    const init = await initHub({ dataDir: dir, redisUrl: options.redisUrl });
    fleet.adminCredential = init.adminCredential;
    return fleet;
  }

  /** Starts one more hub process on a free loopback port. */
  async startHub(hubId = `hub-${this.hubs.length + 1}`): Promise<RunningHub> {
    const hub = await startHub({
      dataDir: this.dataDir,
      listen: "127.0.0.1:0",
      hubId,
      keyPrefix: this.prefix,
      agents: { heartbeatIntervalMs: 1_000, leaseMs: 5_000, ...this.options.agents },
      maxMessageBytes: this.options.maxMessageBytes,
      sweepEveryMs: 500,
      log: process.env.LIFEBOAT_TEST_LOG ? undefined : silentLog,
    });
    this.caCertificatePem = hub.caCertificatePem;
    this.hubs.push(hub);
    return hub;
  }

  /** A channel to `hub` trusting the fleet's CA (no client certificate); closed by close(). */
  channel(hub: RunningHub, options: { maxMessageBytes?: number } = {}): Client {
    const channel = createChannel(hub.address, createClientTls({ caCertificatePem: this.caCertificatePem }), options);
    this.channels.push(channel);
    return channel;
  }

  /** An AdminService client with the admin credential (or `credential`, or none when null). */
  admin(hub: RunningHub, credential: string | null = this.adminCredential): AdminClient {
    const metadata = new Metadata();
    if (credential !== null) metadata.set("authorization", `Bearer ${credential}`);
    return createClient(AdminService, this.channel(hub), { metadata });
  }

  track(channel: Client): Client {
    this.channels.push(channel);
    return channel;
  }

  async close(): Promise<void> {
    for (const channel of this.channels.splice(0)) channel.close();
    await Promise.all(this.hubs.splice(0).map((hub) => hub.stop()));
    await rm(this.dataDir, { recursive: true, force: true });
  }
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
    await sleep(25);
  }
}
