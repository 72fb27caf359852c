// A load-generator process: many simulated agents (one Connect stream each) in one Node
// process, driven by the benchmark over the IPC channel (see protocol.ts). Runs as its own
// process so that its CPU and memory are not counted as the hub's.
import { randomUUID } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { AgentService } from "@lifeboat/proto";
import { createChannel, createClient, createClientTls } from "@lifeboat/shared";
import { registerCluster, type AgentIdentity } from "../../../agent/src/identity/index.js";
import { AGENT_BUILD } from "../../../agent/src/build-info.js";
import { runPool } from "../common/http.js";
import type { ConnectReply, GeneratorConfig, GeneratorReply, GeneratorRequest, HeartbeatReply, RegisterReply, StatusReply } from "./protocol.js";
import { SimulatedAgent } from "./simulated-agent.js";

const MAX_ERRORS_KEPT = 5;

if (!process.send) {
  process.stderr.write("generator.ts is started by test/bench/fleet.ts over an IPC channel, not by hand\n");
  process.exit(2);
}
const config = JSON.parse(process.env.FLEET_GENERATOR_CONFIG ?? "null") as GeneratorConfig | null;
if (!config) throw new Error("FLEET_GENERATOR_CONFIG is not set");

interface Registered {
  identity: AgentIdentity;
  fingerprint: string;
}

const registered: Registered[] = [];
const agents: SimulatedAgent[] = [];
const state = { welcomed: 0, tasksCompleted: 0, cancels: 0, ended: 0, errors: [] as string[] };
let recording = false;
let roundTrips: number[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function noteError(err: unknown): void {
  if (state.errors.length < MAX_ERRORS_KEPT) state.errors.push(err instanceof Error ? err.message : String(err));
}

async function register(tokens: string[], concurrency: number): Promise<RegisterReply> {
  const channel = createChannel(config!.hubAddress, createClientTls({ caCertificatePem: config!.caCertificatePem }), { maxMessageBytes: config!.maxMessageBytes });
  const client = createClient(AgentService, channel);
  const started = performance.now();
  try {
    const work = tokens.map((token, i) => ({ token, i }));
    await runPool(work[Symbol.iterator](), concurrency, async ({ token, i }) => {
      const fingerprint = randomUUID();
      const identity = await registerCluster((request, options) => client.register(request, options), {
        hubAddress: config!.hubAddress,
        token,
        fingerprint,
        kubernetesVersion: "v1.30.2",
        agentVersion: AGENT_BUILD.version,
        clusterName: `bench-${config!.index}-${i}`,
      });
      registered.push({ identity, fingerprint });
    });
  } finally {
    channel.close();
  }
  return { registered: registered.length, ms: performance.now() - started };
}

async function connect(concurrency: number, heartbeatIntervalMs: number, credits: number): Promise<ConnectReply> {
  const started = performance.now();
  const events = {
    welcomed: () => void state.welcomed++,
    taskCompleted: () => void state.tasksCompleted++,
    cancelled: () => void state.cancels++,
    heartbeatAck: (us: number) => {
      if (recording) roundTrips.push(us);
    },
    ended: (err: unknown) => {
      state.ended++;
      noteError(err);
    },
  };
  const fresh = registered.slice(agents.length);
  await runPool(fresh[Symbol.iterator](), concurrency, async ({ identity, fingerprint }) => {
    const agent = new SimulatedAgent(config!.hubAddress, identity, fingerprint, config!.maxMessageBytes, events);
    agents.push(agent);
    await agent.connect({ heartbeatIntervalMs, credits });
  });
  return { welcomed: state.welcomed, ms: performance.now() - started };
}

function recordHeartbeats(on: boolean): HeartbeatReply {
  recording = on;
  if (on) {
    roundTrips = [];
    loopDelay.reset();
    loopDelay.enable();
    return { roundTripsUs: [], unanswered: 0, loopDelayP99Ms: 0, loopDelayMaxMs: 0 };
  }
  loopDelay.disable();
  const reply = {
    roundTripsUs: roundTrips,
    unanswered: agents.reduce((n, a) => n + a.unanswered(), 0),
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
  };
  roundTrips = [];
  return reply;
}

function status(): StatusReply {
  return { open: agents.length - state.ended, ...state, rssBytes: process.memoryUsage.rss() };
}

async function handle(request: GeneratorRequest): Promise<unknown> {
  switch (request.op) {
    case "register":
      return register(request.tokens, request.concurrency);
    case "connect":
      return connect(request.concurrency, request.heartbeatIntervalMs, request.credits);
    case "record-heartbeats":
      return recordHeartbeats(request.on);
    case "status":
      return status();
    case "stop":
      for (const agent of agents) agent.stop();
      setTimeout(() => process.exit(0), 200).unref();
      return status();
  }
}

process.on("message", (request: GeneratorRequest) => {
  handle(request).then(
    (value) => process.send!({ id: request.id, ok: true, value } satisfies GeneratorReply),
    (err: unknown) => process.send!({ id: request.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies GeneratorReply),
  );
});
// The benchmark went away: nothing left to do.
process.on("disconnect", () => {
  for (const agent of agents) agent.stop();
  process.exit(0);
});
