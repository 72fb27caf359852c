import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { Client, status as GrpcStatus } from "@grpc/grpc-js";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentMessageSchema, AgentService, ClusterState, TaskState } from "@lifeboat/proto";
import { createChannel, createClient, createClientTls } from "@lifeboat/shared";
import { CertificateAuthority } from "@lifeboat/hub";
import { startFleet, type Fleet } from "../../harness/src/kube-fleet.js";
import { startRedis, type RunningRedis } from "../../harness/src/redis-server.js";
import { assertCliBuilt, runCli } from "../cli/support/cli.js";
import { newAgentKey, sampleInventory, TestAgentStream } from "../hub/grpc/support/test-agent.js";
import {
  FleetProcesses,
  connectedCluster,
  sleep,
  taskInState,
  tokenSecret,
  until,
  type AdminClient,
  type HubDataDir,
  type HubProcess,
} from "./support/fleet-processes.js";

// Bad input against real hub and agent processes: the errors an operator sees from
// `lifeboat agent start`, and what a broken or hostile client gets from a running hub. Each is
// a clear error and leaves the fleet as it was. (The hub's own answers to each bad token, a
// foreign or expired certificate, and bad Register fields are tested in-process in
// test/integration/hub/grpc/; here the gaps: the agent's side, and the wire.)

const MAX_MESSAGE_BYTES = 64 * 1024;

let redis: RunningRedis;
let root: string;
let clusters: Fleet;
let processes: FleetProcesses;
let hub: HubDataDir;
let hubProcess: HubProcess;
let admin: AdminClient;

beforeAll(async () => {
  assertCliBuilt();
  root = await mkdtemp(join(tmpdir(), "lifeboat-bad-input-"));
  redis = await startRedis();
  clusters = await startFleet(["1.30", "1.30"], { controllers: [] });
  processes = new FleetProcesses(root, redis.url);
  hub = await processes.initHub("hub", { maxMessageBytes: MAX_MESSAGE_BYTES });
  hubProcess = await processes.startHub(hub, "hub-1");
  admin = processes.admin(hub, hubProcess.address);
}, 120_000);

afterAll(async () => {
  await processes?.stopAll();
  await clusters?.stop();
  await redis?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** What the fleet holds, without what a stream coming and going changes (state, heartbeats). */
async function fleetState(): Promise<unknown> {
  const { clusters: all } = await admin.listClusters({});
  const full = await Promise.all(all.map(async (c) => (await admin.getCluster({ id: c.id })).cluster!));
  return {
    clusters: full.map((c) => ({ id: c.id, name: c.name, serial: c.certificate?.serial, namespaces: c.inventory?.namespaces.map((n) => n.name) })),
    tokens: (await admin.listTokens({})).tokens.map((t) => ({ id: t.id, state: t.state })),
    tasks: (await admin.listTasks({})).tasks.map((t) => ({ id: t.id, state: t.state, attempt: t.attempt })),
  };
}

/** Runs `lifeboat agent start` until it exits by itself; its exit code and output. */
async function agentExit(options: { token?: string; stateDir: string; kubeconfig: string; hub?: HubDataDir; hubs?: string[] }) {
  const group = await processes.startAgent({ hubs: options.hubs ?? [hubProcess.address], hub: options.hub ?? hub, ...options });
  const timer = setTimeout(() => void group.stop(), 60_000);
  const status = await group.exited;
  clearTimeout(timer);
  return { code: status.code, output: group.output() };
}

/** A registered cluster and a client certificate for it, made like an agent (without one). */
async function registeredIdentity(fingerprint: string) {
  const key = await newAgentKey();
  const channel = processes.track(createChannel(hubProcess.address, createClientTls({ caCertificatePem: hub.caCertificatePem })));
  const registered = await createClient(AgentService, channel).register({
    token: await tokenSecret(admin),
    fingerprint,
    kubernetesVersion: "v1.30.2",
    agentVersion: "0.1.0-test",
    csrPem: key.csrPem,
  });
  return { clusterId: registered.clusterId, certificatePem: registered.certificatePem, privateKeyPem: key.privateKeyPem, fingerprint };
}

function mtlsChannel(identity: { certificatePem: string; privateKeyPem: string }, maxMessageBytes?: number): Client {
  return processes.track(
    createChannel(hubProcess.address, createClientTls({ caCertificatePem: hub.caCertificatePem, ...identity }), { maxMessageBytes: maxMessageBytes ?? 4 * MAX_MESSAGE_BYTES }),
  );
}

describe("lifeboat agent start with a bad --hub", () => {
  it("exits 2 naming the option and the entry that is not host:port, before touching the state directory", async () => {
    const stateDir = join(root, "bad-hub");
    const result = await runCli(["agent", "start", "--hub", `${hubProcess.address},hub.example.com`, "--state-dir", stateDir, "--token", "lbt_x"]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^lifeboat: --hub must be host:port \(several separated by commas\), not "hub.example.com"\n$/);
    await expect(readdir(stateDir)).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("lifeboat agent start with a token the hub refuses", () => {
  it("a forged, reused, expired or revoked token: the agent exits with an error saying what to do, without the token; nothing is stored", async () => {
    const used = await tokenSecret(admin);
    const first = await processes.startAgent({ hubs: [hubProcess.address], hub, stateDir: join(root, "registered"), kubeconfig: clusters.clusters[0]!.kubeconfigPath, token: used, name: "first" });
    await connectedCluster(admin, "first");
    await first.stop();
    const expiring = (await admin.createToken({ ttl: durationFromMs(1_000) })).secret;
    const revoked = await admin.createToken({});
    await admin.revokeToken({ id: revoked.token!.id });
    await sleep(1_100);
    const before = await fleetState();

    const cases: Record<string, [string, RegExp]> = {
      forged: [`lbt_${randomBytes(32).toString("base64url")}`, /registration token is unknown/],
      reused: [used, /registration token is already used/],
      expired: [expiring, /registration token is expired/],
      revoked: [revoked.secret, /registration token was revoked/],
    };
    const results = await Promise.all(
      Object.entries(cases).map(async ([what, [token, reason]]) => {
        const stateDir = join(root, `refused-${what}`);
        return { what, token, reason, stateDir, ...(await agentExit({ token, stateDir, kubeconfig: clusters.clusters[1]!.kubeconfigPath })) };
      }),
    );
    for (const { what, token, reason, stateDir, code, output } of results) {
      expect(code, `${what}: ${output}`).not.toBe(0);
      expect(output, what).toMatch(/lifeboat: the hub at \S+ refused the registration token \(.*\); create a new registration token on the hub/);
      expect(output, what).toMatch(reason);
      expect(output, what).not.toContain(token);
      // No identity was written: the next start needs a token again.
      expect(await readdir(stateDir).catch(() => []), what).not.toContain("identity");
    }
    expect(await fleetState()).toEqual(before);
  }, 120_000);
});

describe("an agent whose certificate comes from another hub's CA", () => {
  it("stops with an error telling the operator to register again; the hub is unchanged", async () => {
    // Registered with another hub (another data dir, so another CA), then pointed at this one.
    const otherHub = await processes.initHub("other-hub");
    const otherProcess = await processes.startHub(otherHub, "other-1");
    const otherAdmin = processes.admin(otherHub, otherProcess.address);
    const stateDir = join(root, "foreign");
    const kubeconfig = clusters.clusters[1]!.kubeconfigPath;
    const agent = await processes.startAgent({ hubs: [otherProcess.address], hub: otherHub, stateDir, kubeconfig, token: await tokenSecret(otherAdmin), name: "foreign" });
    await connectedCluster(otherAdmin, "foreign");
    await agent.stop();
    await otherProcess.group.stop();

    const before = await fleetState();
    const { code, output } = await agentExit({ stateDir, kubeconfig, hub, hubs: [hubProcess.address] });
    expect(code, output).not.toBe(0);
    expect(output).toMatch(/refused this agent's identity .*a client certificate is required/);
    expect(output).toMatch(/Register again: create a new registration token on the hub/);
    expect(await fleetState()).toEqual(before);
  }, 120_000);
});

describe("a client certificate from the hub's own CA for a cluster it never registered", () => {
  it("is refused UNAUTHENTICATED naming the cluster; nothing is created", async () => {
    const ca = await CertificateAuthority.load({
      certificatePem: hub.caCertificatePem,
      privateKeyPem: await readFile(join(hub.dataDir, "ca.key"), "utf8"),
    });
    const key = await newAgentKey();
    const unknownId = "00000000-0000-4000-8000-000000000000";
    const issued = await ca.issueClientCertificate(key.csrPem, unknownId);
    const before = await fleetState();
    const stream = new TestAgentStream(mtlsChannel({ certificatePem: issued.certificatePem, privateKeyPem: key.privateKeyPem }));
    await stream.hello("fp-nobody").catch(() => undefined);
    expect(await stream.end()).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringContaining(`names cluster ${unknownId}, which is not registered`) });
    expect(await fleetState()).toEqual(before);
    await expect(admin.getCluster({ id: unknownId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("bad messages on an agent's stream", () => {
  it("malformed bytes end the stream INVALID_ARGUMENT naming the message type; the hub keeps serving and nothing changes", async () => {
    const identity = await registeredIdentity("fp-malformed");
    const raw = mtlsChannel(identity);
    const bytes = (b: Buffer) => b;
    const call = raw.makeBidiStreamRequest("/lifeboat.v1.AgentService/Connect", bytes, bytes);
    const ended = new Promise<{ code: number; details: string }>((resolve) => call.on("status", resolve));
    const received: Buffer[] = [];
    call.on("data", (chunk: Buffer) => received.push(chunk));
    call.on("error", () => {});
    const hello = create(AgentMessageSchema, {
      kind: { case: "hello", value: { fingerprint: identity.fingerprint, kubernetesVersion: "v1.30.2", build: { component: "agent", version: "0.1.0-test" } } },
    });
    call.write(Buffer.from(toBinary(AgentMessageSchema, hello)));
    await until("the welcome", async () => (received.length > 0 ? true : undefined), 10_000);
    // The connect-time inventory task is queued after the welcome; wait for it before the snapshot.
    await until("the connect-time task", async () => ((await admin.listTasks({ clusterId: identity.clusterId })).tasks.length > 0 ? true : undefined), 10_000);
    const before = await fleetState();

    // An illegal wire type, then a length running past the frame.
    call.write(Buffer.from([0x0f, 0x0a, 0x05, 0x61]));
    const { code, details } = await ended;
    expect(code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(details).toContain("not a valid lifeboat.v1.AgentMessage");
    expect(await fleetState()).toEqual(before);
    await until("the cluster DISCONNECTED", async () => ((await admin.getCluster({ id: identity.clusterId })).cluster?.state === ClusterState.DISCONNECTED ? true : undefined), 10_000);

    // The same identity connects again: the hub is unharmed.
    const again = new TestAgentStream(mtlsChannel(identity));
    await again.hello(identity.fingerprint);
    expect((await again.next("welcome")).clusterId).toBe(identity.clusterId);
    again.close();
  });

  it("a message over max_message_bytes ends the stream INVALID_ARGUMENT naming the sizes; the inventory is not stored", async () => {
    const identity = await registeredIdentity("fp-oversized");
    const stream = new TestAgentStream(mtlsChannel(identity));
    await stream.hello(identity.fingerprint);
    await stream.next("welcome");
    await stream.send({ kind: { case: "inventory", value: sampleInventory(["small"]) } });
    await until("the small inventory stored", async () => ((await admin.getCluster({ id: identity.clusterId })).cluster?.inventory ? true : undefined), 10_000);
    const before = await fleetState();

    const huge = sampleInventory(Array.from({ length: 3_000 }, (_, i) => `namespace-with-a-long-name-${i}`));
    await stream.send({ kind: { case: "inventory", value: huge } }).catch(() => undefined);
    const error = await stream.end();
    expect(error).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(error?.message).toMatch(new RegExp(`larger than max \\(\\d+ vs ${MAX_MESSAGE_BYTES}\\)`, "i"));
    expect(await fleetState()).toEqual(before);
    expect((await admin.getCluster({ id: identity.clusterId })).cluster?.inventory?.namespaces.map((n) => n.name)).toEqual(["small"]);
  });

  it("the real agent does not send an inventory over the hub's limit: the task fails naming max_message_bytes, the stream stays up", async () => {
    // Enough namespaces that the cluster's inventory outgrows the hub's 64 KiB.
    const cluster = clusters.clusters[0]!;
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(cluster.kubeconfig);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    for (let i = 0; i < 800; i++) await core.createNamespace({ body: { metadata: { name: `bulky-namespace-with-a-long-name-${i}` } } });
    // The agent registered as "first" in the token test holds this emulator's identity: restart it.
    const agent = await processes.startAgent({ hubs: [hubProcess.address], hub, stateDir: join(root, "registered"), kubeconfig: cluster.kubeconfigPath });
    const first = await connectedCluster(admin, "first");
    const failed = await until(
      "the connect-time inventory failed",
      async () => (await admin.listTasks({ clusterId: first.id, state: TaskState.FAILED })).tasks[0],
      60_000,
    );
    const task = await taskInState(admin, failed.id, TaskState.FAILED);
    expect(task.error).toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringMatching(new RegExp(`over the stream's limit of ${MAX_MESSAGE_BYTES} \\(max_message_bytes\\)`)) });
    // The stored inventory is still the one from before the namespaces were added.
    const stored = (await admin.getCluster({ id: first.id })).cluster!;
    expect(stored.inventory?.namespaces.some((n) => n.name.startsWith("bulky-"))).not.toBe(true);
    expect(stored.state).toBe(ClusterState.CONNECTED);
    expect(agent.hasExited()).toBe(false);
    expect(agent.output()).toMatch(/too large to send/);
  }, 120_000);
});
