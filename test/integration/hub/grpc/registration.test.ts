import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { X509Certificate } from "node:crypto";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { Redis } from "ioredis";
import { AgentService, ClusterState, RegistrationTokenState, TaskState } from "@lifeboat/proto";
import { createClient } from "@lifeboat/shared";
import { startRedis, type RunningRedis } from "../../../harness/src/redis-server.js";
import { sleep, TestFleet, waitFor } from "./support/hub-fixture.js";
import { agentChannel, newAgentKey, registerAgent, sampleInventory, TestAgentStream } from "./support/test-agent.js";

let redis: RunningRedis;
let inspector: Redis;
const fleets: TestFleet[] = [];

beforeAll(async () => {
  redis = await startRedis();
  inspector = new Redis(redis.url, { maxRetriesPerRequest: 3 });
});
afterAll(async () => {
  inspector?.disconnect();
  await redis?.stop();
});
afterEach(async () => {
  await Promise.all(fleets.splice(0).map((f) => f.close()));
});

async function newFleet(): Promise<TestFleet> {
  const fleet = await TestFleet.create({ redisUrl: redis.url });
  fleets.push(fleet);
  return fleet;
}

/**
 * Every key under the fleet's prefix with a digest of its value: "nothing changed" means this is
 * equal. BullMQ's keys are left out: the lease sweeper's repeat job rewrites them every second.
 */
async function snapshot(fleet: TestFleet): Promise<Record<string, string>> {
  const keys = (await inspector.keys(`${fleet.prefix}*`)).filter((key) => !key.startsWith(`${fleet.prefix}bull`)).sort();
  const out: Record<string, string> = {};
  for (const key of keys) out[key] = JSON.stringify(await inspector.dump(key));
  return out;
}

describe("registration and the first connection", () => {
  it("registers with a token, connects with the certificate, is assigned an inventory task and keeps its result", async () => {
    const fleet = await newFleet();
    const hub = await fleet.startHub();
    const admin = fleet.admin(hub);
    const { token, secret } = await admin.createToken({ ttl: durationFromMs(3_600_000), labels: { env: "prod", region: "eu" }, description: "eu edge" });
    expect(secret).toMatch(/^lbt_/);
    expect(token?.state).toBe(RegistrationTokenState.ACTIVE);

    const identity = await registerAgent(fleet, hub, { token: secret, fingerprint: "kube-system-uid-1", clusterName: "shop-eu" });
    expect(identity.clusterName).toBe("shop-eu");
    const certificate = new X509Certificate(identity.certificatePem);
    expect(certificate.subjectAltName).toBe(`URI:lifeboat://cluster/${identity.clusterId}`);
    expect(certificate.checkIssued(new X509Certificate(identity.caCertificatePem))).toBe(true);
    // 90 days by default.
    expect(Math.round((new Date(certificate.validTo).getTime() - Date.now()) / 86_400_000)).toBe(90);

    const agent = new TestAgentStream(agentChannel(fleet, hub, identity));
    await agent.hello("kube-system-uid-1");
    const welcome = await agent.next("welcome");
    expect(welcome.clusterId).toBe(identity.clusterId);
    expect(welcome.hubInstance).toBe("hub-1");
    expect(welcome.configuration?.heartbeatInterval?.seconds).toBe(1n);
    expect(welcome.configuration?.leaseDuration?.seconds).toBe(5n);
    expect(welcome.configuration?.inventoryInterval?.seconds).toBe(3600n);
    expect(welcome.configuration?.maxMessageBytes).toBe(16 * 1024 * 1024);

    await agent.credits(1);
    const assignment = await agent.next("assignment");
    expect(assignment.task?.spec?.kind.case).toBe("inventory");
    expect(assignment.task?.attempt).toBe(1);
    expect(assignment.task?.state).toBe(TaskState.LEASED);

    await agent.send({
      kind: {
        case: "result",
        value: { taskId: assignment.task!.id, attempt: 1, outcome: { case: "result", value: { kind: { case: "inventory", value: { inventory: sampleInventory() } } } } },
      },
    });
    await waitFor("the inventory on the cluster record", async () => {
      const { cluster } = await admin.getCluster({ id: identity.clusterId });
      return (cluster?.inventory?.namespaces.length ?? 0) === 3;
    });
    const { cluster } = await admin.getCluster({ id: identity.clusterId });
    expect(cluster).toMatchObject({
      id: identity.clusterId,
      name: "shop-eu",
      labels: { env: "prod", region: "eu" },
      fingerprint: "kube-system-uid-1",
      kubernetesVersion: "v1.30.2",
      agentVersion: "0.1.0-test",
      state: ClusterState.CONNECTED,
      connectedHub: "hub-1",
      registrationTokenId: token!.id,
    });
    expect(cluster?.certificate?.serial).toBe(certificate.serialNumber.toLowerCase());
    expect(cluster?.inventory?.storageClasses[0]?.name).toBe("standard");
    const { task } = await admin.getTask({ id: assignment.task!.id });
    expect(task?.state).toBe(TaskState.COMPLETED);
    expect(task?.result?.kind.case).toBe("inventory");

    // ListClusters leaves inventories out.
    const { clusters } = await admin.listClusters({});
    expect(clusters.map((c) => c.id)).toEqual([identity.clusterId]);
    expect(clusters[0]?.inventory).toBeUndefined();

    const { tokens } = await admin.listTokens({});
    expect(tokens[0]).toMatchObject({ id: token!.id, state: RegistrationTokenState.USED, clusterId: identity.clusterId });

    agent.close();
    await waitFor("the cluster marked disconnected", async () => (await admin.getCluster({ id: identity.clusterId })).cluster?.state === ClusterState.DISCONNECTED);
  });

  it("keeps the cluster id when the same fingerprint registers again, and refuses the old certificate", async () => {
    const fleet = await newFleet();
    const hub = await fleet.startHub();
    const admin = fleet.admin(hub);
    const first = await registerAgent(fleet, hub, { token: (await admin.createToken({})).secret, fingerprint: "fp-again", clusterName: "again" });
    const old = new TestAgentStream(agentChannel(fleet, hub, first));
    await old.hello("fp-again");
    await old.next("welcome");

    const second = await registerAgent(fleet, hub, { token: (await admin.createToken({ labels: { tier: "gold" } })).secret, fingerprint: "fp-again", clusterName: "other-name" });
    expect(second.clusterId).toBe(first.clusterId);
    expect(second.clusterName).toBe("again");
    expect(new X509Certificate(second.certificatePem).serialNumber).not.toBe(new X509Certificate(first.certificatePem).serialNumber);

    // The stream opened with the earlier certificate is closed, and that certificate refused.
    expect(await old.end()).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringMatching(/certificate serial [0-9a-f]+ was revoked/) });
    const stale = new TestAgentStream(agentChannel(fleet, hub, first));
    await stale.hello("fp-again").catch(() => undefined);
    expect(await stale.end()).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringMatching(/was revoked/) });

    const fresh = new TestAgentStream(agentChannel(fleet, hub, second));
    await fresh.hello("fp-again");
    expect((await fresh.next("welcome")).clusterId).toBe(first.clusterId);
    const { clusters } = await admin.listClusters({});
    expect(clusters).toHaveLength(1);
    expect(clusters[0]?.labels).toEqual({ tier: "gold" });
    fresh.close();
  });

  it("refuses a reused, an expired, a revoked and an unknown token, each UNAUTHENTICATED saying which, changing nothing", async () => {
    const fleet = await newFleet();
    const hub = await fleet.startHub();
    const admin = fleet.admin(hub);
    const used = (await admin.createToken({})).secret;
    await registerAgent(fleet, hub, { token: used, fingerprint: "fp-1" });
    const expiring = (await admin.createToken({ ttl: durationFromMs(1_000) })).secret;
    const revoked = await admin.createToken({});
    await admin.revokeToken({ id: revoked.token!.id });
    await sleep(1_100);

    const before = await snapshot(fleet);
    const cases: [string, string, RegExp][] = [
      ["reused", used, /registration token is already used/],
      ["expired", expiring, /registration token is expired/],
      ["revoked", revoked.secret, /registration token was revoked/],
      ["unknown", "lbt_not-a-token-anyone-made", /registration token is unknown/],
    ];
    for (const [what, secret, message] of cases) {
      const attempt = registerAgent(fleet, hub, { token: secret, fingerprint: `fp-${what}` });
      await expect(attempt, what).rejects.toMatchObject({ code: "UNAUTHENTICATED", field: "token", message: expect.stringMatching(message) });
      // The secret never comes back in the error.
      await attempt.catch((err: Error) => expect(err.message).not.toContain(secret));
    }
    expect(await snapshot(fleet)).toEqual(before);
    expect((await admin.listClusters({})).clusters).toHaveLength(1);
  });

  it("lets only one of two concurrent Registers with one token succeed", async () => {
    const fleet = await newFleet();
    const hub = await fleet.startHub();
    const admin = fleet.admin(hub);
    const { secret } = await admin.createToken({});
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => registerAgent(fleet, hub, { token: secret, fingerprint: `fp-race-${i}` })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringMatching(/already used/) });
    }
    expect((await admin.listClusters({})).clusters).toHaveLength(1);
  });

  it("refuses a malformed request with INVALID_ARGUMENT naming the field, before looking at the token", async () => {
    const fleet = await newFleet();
    const hub = await fleet.startHub();
    const admin = fleet.admin(hub);
    const { secret, token } = await admin.createToken({});
    const client = createClient(AgentService, fleet.channel(hub));
    const { csrPem } = await newAgentKey();
    const good = { token: secret, fingerprint: "fp-x", kubernetesVersion: "v1.16.15", agentVersion: "0.1.0", clusterName: "", csrPem };
    const cases: [Partial<typeof good>, string][] = [
      [{ fingerprint: "" }, "fingerprint"],
      [{ kubernetesVersion: "" }, "kubernetes_version"],
      [{ agentVersion: "has spaces" }, "agent_version"],
      [{ clusterName: "Not_A_DNS_Label" }, "cluster_name"],
      [{ csrPem: "" }, "csr_pem"],
      [{ csrPem: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n" }, "csr_pem"],
      [{ token: "" }, "token"],
    ];
    for (const [change, field] of cases) {
      await expect(client.register({ ...good, ...change }), field).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field });
    }
    // The token is still usable.
    expect((await admin.listTokens({})).tokens[0]).toMatchObject({ id: token!.id, state: RegistrationTokenState.ACTIVE });
  });

  it("derives a name when the agent's is taken", async () => {
    const fleet = await newFleet();
    const hub = await fleet.startHub();
    const admin = fleet.admin(hub);
    const a = await registerAgent(fleet, hub, { token: (await admin.createToken({})).secret, fingerprint: "fp-a", clusterName: "edge" });
    const b = await registerAgent(fleet, hub, { token: (await admin.createToken({})).secret, fingerprint: "fp-b", clusterName: "edge" });
    expect(a.clusterName).toBe("edge");
    expect(b.clusterName).toBe(`cluster-${b.clusterId.slice(0, 8)}`);
  });
});
