import { randomUUID } from "node:crypto";
import { AgentService } from "@lifeboat/proto";
import { createChannel, createClient, createClientTls } from "@lifeboat/shared";
import { AGENT_BUILD } from "../../../agent/src/build-info.js";
import { registerCluster } from "../../../agent/src/identity/index.js";
import { createTokens, type AdminClient } from "./admin.js";
import type { HubUnderTest } from "./hub-under-test.js";
import { SimulatedAgent } from "./simulated-agent.js";

export interface ProbeAgent {
  clusterId: string;
  /** Starts (true) or stops (false) recording heartbeat round trips; stopping returns them, microseconds. */
  record(on: boolean): number[];
  stop(): void;
}

/**
 * One more agent, in the benchmark's own (lightly loaded) process, heartbeating every
 * `intervalMs`: its round trips go through the same hub code as the fleet's, but not through a
 * generator holding thousands of streams, so comparing the two tells the hub's share of the
 * latency from the generators'.
 */
export async function startProbeAgent(hub: HubUnderTest, admin: AdminClient, intervalMs: number): Promise<ProbeAgent> {
  const [token] = await createTokens(admin, 1, 1);
  const channel = createChannel(hub.address, createClientTls({ caCertificatePem: hub.caCertificatePem }), { maxMessageBytes: hub.maxMessageBytes });
  const fingerprint = randomUUID();
  const identity = await registerCluster((request, options) => createClient(AgentService, channel).register(request, options), {
    hubAddress: hub.address,
    token: token!,
    fingerprint,
    kubernetesVersion: "v1.30.2",
    agentVersion: AGENT_BUILD.version,
    clusterName: "bench-probe",
  }).finally(() => channel.close());
  let recording = false;
  let samples: number[] = [];
  const agent = new SimulatedAgent(hub.address, identity, fingerprint, hub.maxMessageBytes, {
    welcomed: () => undefined,
    taskCompleted: () => undefined,
    cancelled: () => undefined,
    heartbeatAck: (us) => {
      if (recording) samples.push(us);
    },
    ended: () => undefined,
  });
  await agent.connect({ heartbeatIntervalMs: intervalMs, credits: 1 });
  return {
    clusterId: identity.clusterId,
    record(on) {
      recording = on;
      const recorded = samples;
      samples = [];
      return recorded;
    },
    stop: () => agent.stop(),
  };
}
