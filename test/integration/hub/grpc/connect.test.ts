import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AgentService, ClusterState, TaskState } from "@lifeboat/proto";
import { createClient } from "@lifeboat/shared";
import { startRedis, type RunningRedis } from "../../../harness/src/redis-server.js";
import { CertificateAuthority, createCertificateAuthority } from "@lifeboat/hub";
import { TestFleet, waitFor } from "./support/hub-fixture.js";
import { agentChannel, newAgentKey, registerAgent, sampleInventory, TestAgentStream, type AgentIdentity } from "./support/test-agent.js";

let redis: RunningRedis;
const fleets: TestFleet[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await Promise.all(fleets.splice(0).map((f) => f.close()));
});

async function registeredAgent(options: { maxMessageBytes?: number } = {}) {
  const fleet = await TestFleet.create({ redisUrl: redis.url, maxMessageBytes: options.maxMessageBytes });
  fleets.push(fleet);
  const hub = await fleet.startHub();
  const admin = fleet.admin(hub);
  const identity = await registerAgent(fleet, hub, { token: (await admin.createToken({})).secret, fingerprint: "fp-connect" });
  return { fleet, hub, admin, identity };
}

describe("Connect requires the certificate Register issued", () => {
  it("refuses a stream without a client certificate", async () => {
    const { fleet, hub } = await registeredAgent();
    const agent = new TestAgentStream(fleet.channel(hub));
    await agent.hello("fp-connect").catch(() => undefined);
    expect(await agent.end()).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringMatching(/a client certificate is required/) });
  });

  it("refuses a certificate from another hub's CA, even one naming a registered cluster", async () => {
    const { fleet, hub, identity } = await registeredAgent();
    const stranger = await CertificateAuthority.load(await createCertificateAuthority({ commonName: "another hub" }));
    const key = await newAgentKey();
    const forged = await stranger.issueClientCertificate(key.csrPem, identity.clusterId);
    const agent = new TestAgentStream(agentChannel(fleet, hub, { certificatePem: forged.certificatePem, privateKeyPem: key.privateKeyPem }));
    await agent.hello("fp-connect").catch(() => undefined);
    expect(await agent.end()).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringMatching(/a client certificate is required/) });
  });

  it("refuses an expired certificate from the hub's own CA", async () => {
    const { fleet, hub, identity } = await registeredAgent();
    const ca = await CertificateAuthority.load({
      certificatePem: await readFile(join(fleet.dataDir, "ca.crt"), "utf8"),
      privateKeyPem: await readFile(join(fleet.dataDir, "ca.key"), "utf8"),
    });
    const key = await newAgentKey();
    const expired = await ca.issueClientCertificate(key.csrPem, identity.clusterId, { now: new Date(Date.now() - 91 * 86_400_000) });
    expect(expired.notAfter.getTime()).toBeLessThan(Date.now());
    const agent = new TestAgentStream(agentChannel(fleet, hub, { certificatePem: expired.certificatePem, privateKeyPem: key.privateKeyPem }));
    await agent.hello("fp-connect").catch(() => undefined);
    expect(await agent.end()).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringMatching(/a client certificate is required/) });
  });

  it("refuses a hello whose fingerprint is not the cluster's (a certificate copied to another cluster)", async () => {
    const { fleet, hub, admin, identity } = await registeredAgent();
    const agent = new TestAgentStream(agentChannel(fleet, hub, identity));
    await agent.hello("some-other-cluster-uid");
    expect(await agent.end()).toMatchObject({ code: "PERMISSION_DENIED", field: "hello.fingerprint" });
    expect((await admin.getCluster({ id: identity.clusterId })).cluster?.state).toBe(ClusterState.DISCONNECTED);
  });

  it("refuses a first message that is not hello", async () => {
    const { fleet, hub, identity } = await registeredAgent();
    const agent = new TestAgentStream(agentChannel(fleet, hub, identity));
    await agent.credits(1);
    expect(await agent.end()).toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/first message on Connect must be hello, not credits/) });
  });

  it("closes the stream of a deleted cluster and refuses its certificate from then on; its tasks are cancelled", async () => {
    const { fleet, hub, admin, identity } = await registeredAgent();
    const agent = new TestAgentStream(agentChannel(fleet, hub, identity));
    await agent.hello("fp-connect");
    await agent.next("welcome");
    const { task } = await admin.createTask({ clusterId: identity.clusterId, spec: { kind: { case: "inventory", value: {} } } });

    await admin.deleteCluster({ id: identity.clusterId });
    const serial = new X509Certificate(identity.certificatePem).serialNumber.toLowerCase();
    expect(await agent.end()).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringContaining(`certificate serial ${serial} was revoked`) });
    expect((await admin.getTask({ id: task!.id })).task).toMatchObject({ state: TaskState.CANCELLED, cancelReason: `cluster ${identity.clusterId} was deleted` });
    await expect(admin.getCluster({ id: identity.clusterId })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const again = new TestAgentStream(agentChannel(fleet, hub, identity));
    await again.hello("fp-connect").catch(() => undefined);
    expect(await again.end()).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringContaining(`certificate serial ${serial} was revoked`) });

    // Registering again makes a new cluster: the deleted one is gone for good.
    const back = await registerAgent(fleet, hub, { token: (await admin.createToken({})).secret, fingerprint: "fp-connect" });
    expect(back.clusterId).not.toBe(identity.clusterId);
  });
});

describe("the Connect stream", () => {
  async function connected(options: { maxMessageBytes?: number } = {}) {
    const setup = await registeredAgent(options);
    // The agent's channel keeps the default limit, so the hub's is the one that refuses.
    const agent = new TestAgentStream(agentChannel(setup.fleet, setup.hub, setup.identity));
    await agent.hello("fp-connect");
    await agent.next("welcome");
    return { ...setup, agent };
  }

  it("answers heartbeats and records the last one", async () => {
    const { admin, identity, agent } = await connected();
    const before = (await admin.getCluster({ id: identity.clusterId })).cluster!.lastHeartbeatTime!;
    await new Promise((r) => setTimeout(r, 20));
    await agent.heartbeat();
    const ack = await agent.next("heartbeatAck");
    expect(ack.agentSendTime).toBeDefined();
    expect(ack.hubTime).toBeDefined();
    const after = (await admin.getCluster({ id: identity.clusterId })).cluster!.lastHeartbeatTime!;
    expect(after.seconds * 1000n + BigInt(Math.floor(after.nanos / 1e6))).toBeGreaterThan(before.seconds * 1000n + BigInt(Math.floor(before.nanos / 1e6)));
    agent.close();
  });

  it("stores an inventory the agent sends unasked", async () => {
    const { admin, identity, agent } = await connected();
    await agent.send({ kind: { case: "inventory", value: sampleInventory(["a", "b"]) } });
    await waitFor("inventory", async () => (await admin.getCluster({ id: identity.clusterId })).cluster?.inventory?.namespaces.length === 2);
    agent.close();
  });

  it("renews the certificate over the stream; the new one connects", async () => {
    const { fleet, hub, admin, identity, agent } = await connected();
    const key = await newAgentKey();
    await agent.send({ kind: { case: "renewCertificate", value: { csrPem: key.csrPem } } });
    const renewed = await agent.next("renewedCertificate");
    const certificate = new X509Certificate(renewed.certificatePem);
    expect(certificate.subjectAltName).toBe(`URI:lifeboat://cluster/${identity.clusterId}`);
    expect(renewed.caCertificatePem).toBe(identity.caCertificatePem);
    expect((await admin.getCluster({ id: identity.clusterId })).cluster?.certificate?.serial).toBe(certificate.serialNumber.toLowerCase());

    const next: AgentIdentity = { ...identity, certificatePem: renewed.certificatePem, privateKeyPem: key.privateKeyPem };
    const second = new TestAgentStream(agentChannel(fleet, hub, next));
    await second.hello("fp-connect");
    expect((await second.next("welcome")).clusterId).toBe(identity.clusterId);
    // The stream on the old certificate lives on until it ends.
    expect(agent.ended).toBeUndefined();
    agent.close();
    second.close();
  });

  it("refuses a renewal with a bad CSR, naming the field", async () => {
    const { agent } = await connected();
    await agent.send({ kind: { case: "renewCertificate", value: { csrPem: "not a csr" } } });
    expect(await agent.end()).toMatchObject({ code: "INVALID_ARGUMENT", field: "renew_certificate.csr_pem" });
  });

  it("refuses a message larger than the configured maximum", async () => {
    const { agent, admin, identity } = await connected({ maxMessageBytes: 64 * 1024 });
    const huge = sampleInventory(Array.from({ length: 5_000 }, (_, i) => `namespace-with-a-long-name-${i}`));
    await agent.send({ kind: { case: "inventory", value: huge } }).catch(() => undefined);
    const error = await agent.end();
    expect(error).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(error?.message).toMatch(/larger than max \(\d+ vs 65536\)/i);
    expect((await admin.getCluster({ id: identity.clusterId })).cluster?.inventory).toBeUndefined();
  });

  it("refuses an oversized Register", async () => {
    const { fleet, hub } = await registeredAgent({ maxMessageBytes: 64 * 1024 });
    const client = createClient(AgentService, fleet.channel(hub));
    await expect(client.register({ token: "x", fingerprint: "f", kubernetesVersion: "v1", agentVersion: "1", csrPem: "x".repeat(100_000) })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });

  it("keeps the leases of the tasks an agent names in hello after a reconnect", async () => {
    const { fleet, hub, admin, identity, agent } = await connected();
    await agent.credits(1);
    const assigned = (await agent.next("assignment")).task!;
    agent.close();
    await waitFor("disconnected", async () => (await admin.getCluster({ id: identity.clusterId })).cluster?.state === ClusterState.DISCONNECTED);

    const again = new TestAgentStream(agentChannel(fleet, hub, identity));
    await again.hello("fp-connect", [assigned.id]);
    await again.next("welcome");
    await again.send({
      kind: { case: "result", value: { taskId: assigned.id, attempt: assigned.attempt, outcome: { case: "result", value: { kind: { case: "inventory", value: { inventory: sampleInventory() } } } } } },
    });
    await waitFor("completed", async () => (await admin.getTask({ id: assigned.id })).task?.state === TaskState.COMPLETED);
    expect((await admin.getTask({ id: assigned.id })).task?.attempt).toBe(1);
    again.close();
  });

  it("tells the agent to stop a task an administrator cancelled", async () => {
    const { admin, identity, agent } = await connected();
    await agent.credits(2);
    await agent.next("assignment");
    const { task } = await admin.createTask({ clusterId: identity.clusterId, spec: { kind: { case: "inventory", value: {} } } });
    await agent.next("assignment", 1);
    await admin.cancelTask({ id: task!.id, reason: "not needed" });
    expect(await agent.next("cancel")).toMatchObject({ taskId: task!.id, reason: "not needed" });
    agent.close();
  });

  it("closes a stream that falls silent for three heartbeat intervals", async () => {
    const { admin, identity, agent } = await connected();
    expect(await agent.end(8_000)).toMatchObject({ code: "UNAVAILABLE", message: expect.stringMatching(/3 heartbeat intervals/) });
    expect((await admin.getCluster({ id: identity.clusterId })).cluster?.state).toBe(ClusterState.DISCONNECTED);
  });
});
