// Benchmark: one hub process against a fleet of simulated agents (many Connect streams per
// load-generator process): registration, connect, heartbeat round trips, a fan-out of one task
// per cluster, the hub's memory and CPU, and its Redis connection count, for each fleet size.
// Run: npm run bench:fleet -- [options] (see --help). Not part of the test suite.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startRedis } from "../harness/src/redis-server.js";
import { readCpuSeconds, readMemory } from "./common/emulator-process.js";
import { fmtInt, fmtSec } from "./common/report.js";
import { createTokens, fanOut, hasLiveTasks, listClusterIds, openAdmin } from "./fleet/admin.js";
import { TaskState } from "@lifeboat/proto";
import { GeneratorPool } from "./fleet/generator-pool.js";
import { startProbeAgent } from "./fleet/probe-agent.js";
import { assertHubBuilt, startHubUnderTest } from "./fleet/hub-under-test.js";
import { RedisProbe, roundTripPercentiles, sampleLatencies } from "./fleet/measure.js";
import { assertOpenFiles } from "./fleet/open-files.js";
import { judge, renderMarkdown, TARGET, type FleetRun } from "./fleet/report.js";
import { failWithUsage, parseBenchArguments } from "./bench-arguments.js";

// The probe agent's heartbeat interval: about 120 round trips in the default 30 s window.
const PROBE_HEARTBEAT_MS = 250;

const usage = `Usage: npm run bench:fleet -- [options]   (= npx tsx test/bench/fleet.ts [options])

  --agents LIST              fleet sizes to run, one fresh Redis and hub each (100,1000,5000,10000)
  --generators N             load-generator processes holding the simulated agents (2)
  --heartbeat-ms MS          the hub's agents.heartbeatIntervalMs, which agents follow (15000, the default)
  --heartbeat-window S       seconds of heartbeats to measure round trips over (30)
  --credits N                pull credits each simulated agent gives after welcome (2)
  --register-concurrency N   Registers in flight per generator (32)
  --connect-concurrency N    Connects awaiting their welcome per generator (200)
  --create MODE              How the fan-out's tasks are created: batch (one CreateTasks call,
                             default) or single (one CreateTask per cluster)
  --create-concurrency N     CreateTask calls in flight with --create single (64)
  --fan-out-timeout S        give up waiting for the fan-out after S seconds (120)
  --watch                    see the fan-out's completions on WatchEvents (as a console would)
                             instead of polling ListTasks for tasks still queued or leased
  --cpu-prof DIR             run the hub with node --cpu-prof, profiles written to DIR
  --hub-node-options FLAGS   more node flags for the hub, space-separated (--hub-node-options="--max-old-space-size=4096")
  --json                     print the results as JSON instead of Markdown
  -h, --help                 this text

Each size: redis-server (append-only), \`lifeboat hub init\` and \`lifeboat hub start\` as their
own processes; N single-use tokens through AdminService; N agents register (key pair, CSR,
Register) and connect (one mTLS channel and Connect stream each); heartbeat round trips
(heartbeat → heartbeat_ack) over the window, and those of one probe agent in the
benchmark's own process heartbeating every ${PROBE_HEARTBEAT_MS} ms; then one inventory task per cluster created
through AdminService and timed until every one is COMPLETED (no task left queued or
leased, then each checked with GetTask; or, with --watch, each COMPLETED event seen).

Target at ${fmtInt(TARGET.agents)} agents: heartbeat p99 < ${TARGET.heartbeatP99Ms} ms and the fan-out completed in
< ${TARGET.fanOutSeconds} s. Exits 1 when a target fails (or a run fails). Progress goes to stderr.`;

function fail(message: string): never {
  failWithUsage(message, usage);
}

const args = parseBenchArguments(
  {
    agents: { type: "string", default: "100,1000,5000,10000" },
    generators: { type: "string", default: "2" },
    "heartbeat-ms": { type: "string", default: "15000" },
    "heartbeat-window": { type: "string", default: "30" },
    credits: { type: "string", default: "2" },
    "register-concurrency": { type: "string", default: "32" },
    "connect-concurrency": { type: "string", default: "200" },
    "create-concurrency": { type: "string", default: "64" },
    create: { type: "string", default: "batch" },
    "fan-out-timeout": { type: "string", default: "120" },
    "cpu-prof": { type: "string" },
    "hub-node-options": { type: "string", default: "" },
    watch: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  usage,
);

function integer(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  return n;
}

const sizes = args.agents.split(",").map((part) => integer("agents", part.trim().replaceAll("_", ""), 1));
const generators = integer("generators", args.generators, 1);
const heartbeatIntervalMs = integer("heartbeat-ms", args["heartbeat-ms"], 100);
const heartbeatWindowSeconds = integer("heartbeat-window", args["heartbeat-window"], 1);
const credits = integer("credits", args.credits, 1);
const registerConcurrency = integer("register-concurrency", args["register-concurrency"], 1);
const connectConcurrency = integer("connect-concurrency", args["connect-concurrency"], 1);
const createConcurrency = integer("create-concurrency", args["create-concurrency"], 1);
if (args.create !== "batch" && args.create !== "single") {
  process.stderr.write(`--create must be batch or single, not "${args.create}"\n`);
  process.exit(2);
}
const createMode = args.create;
const fanOutTimeoutSeconds = integer("fan-out-timeout", args["fan-out-timeout"], 1);
const nodeFlags = [
  ...(args["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(args["cpu-prof"])}`] : []),
  ...args["hub-node-options"].split(" ").filter((flag) => flag !== ""),
];

const log = (line: string): void => void process.stderr.write(`[fleet] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (since: number) => (performance.now() - since) / 1000;

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
  return seconds(started);
}

async function runFleet(agents: number): Promise<FleetRun> {
  const perGenerator = Math.ceil(agents / generators);
  assertOpenFiles(agents + 1_000, `the hub, holding ${fmtInt(agents)} agent streams,`);
  assertOpenFiles(perGenerator + 1_000, `a generator, holding ${fmtInt(perGenerator)} agent streams,`);
  const work = await mkdtemp(path.join(os.tmpdir(), "lifeboat-bench-fleet-"));
  const redis = await startRedis({ appendOnly: true });
  const cleanups: (() => Promise<void>)[] = [() => redis.stop(), () => rm(work, { recursive: true, force: true })];
  try {
    log(`${fmtInt(agents)} agents: starting the hub (redis ${redis.url})`);
    const hub = await startHubUnderTest({ dataDir: path.join(work, "hub"), redisUrl: redis.url, keyPrefix: "bench:", heartbeatIntervalMs, nodeFlags });
    cleanups.unshift(() => hub.stop());
    const probe = new RedisProbe(redis.url);
    cleanups.unshift(() => probe.close());
    const admin = openAdmin(hub);
    cleanups.unshift(async () => admin.close());
    const cpu = () => readCpuSeconds(hub.pid);
    await sleep(1_000);
    const rssIdleBytes = readMemory(hub.pid).rss;
    const idleClients = await probe.hubClients();

    let t = performance.now();
    const tokens = await createTokens(admin.client, agents, 32);
    const tokensSeconds = seconds(t);
    log(`  ${fmtInt(agents)} tokens in ${fmtSec(tokensSeconds)} s`);

    const pool = await GeneratorPool.start(generators, { hubAddress: hub.address, caCertificatePem: hub.caCertificatePem, maxMessageBytes: hub.maxMessageBytes });
    cleanups.unshift(() => pool.stop());

    let cpuMark = cpu();
    t = performance.now();
    await pool.register(tokens, registerConcurrency);
    const registerSeconds = seconds(t);
    const registerCpu = cpu() - cpuMark;
    log(`  registered in ${fmtSec(registerSeconds)} s (${fmtInt(agents / registerSeconds)}/s)`);

    cpuMark = cpu();
    t = performance.now();
    await pool.connect(connectConcurrency, heartbeatIntervalMs, credits);
    const connectSeconds = seconds(t);
    const connectCpu = cpu() - cpuMark;
    log(`  connected (all welcomed) in ${fmtSec(connectSeconds)} s`);
    const connectInventoriesSeconds = await until("the inventory tasks queued on connect completing", async () => !(await hasLiveTasks(admin.client)), 600_000);
    log(`  connect inventories completed ${fmtSec(connectInventoriesSeconds)} s later`);
    const probeAgent = await startProbeAgent(hub, admin.client, PROBE_HEARTBEAT_MS);
    cleanups.unshift(async () => probeAgent.stop());
    const rssConnectedBytes = readMemory(hub.pid).rss;
    const connectedClients = await probe.hubClients();

    log(`  measuring heartbeat round trips for ${heartbeatWindowSeconds} s`);
    await pool.recordHeartbeats(true);
    probeAgent.record(true);
    const generatorCpu = () => pool.pids.reduce((total, pid) => total + readCpuSeconds(pid), 0);
    const generatorCpuMark = generatorCpu();
    cpuMark = cpu();
    t = performance.now();
    const sampler = sampleLatencies(probe, () => admin.client.listTasks({ state: TaskState.QUEUED, pageSize: 1 }));
    await sleep(heartbeatWindowSeconds * 1000);
    const beats = await pool.recordHeartbeats(false);
    const probeHeartbeat = roundTripPercentiles(probeAgent.record(false));
    const latencies = await sampler.stop();
    const redisPing = roundTripPercentiles(latencies.redisPingUs);
    const hubCall = roundTripPercentiles(latencies.hubCallUs);
    const heartbeatCpu = cpu() - cpuMark;
    const heartbeatCores = heartbeatCpu / seconds(t);
    const generatorCores = (generatorCpu() - generatorCpuMark) / seconds(t);
    const heartbeat = roundTripPercentiles(beats.roundTripsUs);
    log(
      `  heartbeat p50 ${heartbeat.p50Ms.toFixed(1)} ms, p99 ${heartbeat.p99Ms.toFixed(1)} ms over ${fmtInt(heartbeat.count)}; ` +
        `probe agent p50/p99 ${probeHeartbeat.p50Ms.toFixed(1)}/${probeHeartbeat.p99Ms.toFixed(1)} ms, ` +
        `Redis PING p50/p99 ${redisPing.p50Ms.toFixed(1)}/${redisPing.p99Ms.toFixed(1)} ms, ListTasks p50/p99 ${hubCall.p50Ms.toFixed(1)}/${hubCall.p99Ms.toFixed(1)} ms; ` +
        `hub CPU ${Math.round(heartbeatCores * 100)}%, generators ${Math.round(generatorCores * 100)}% (event-loop delay p99 ${beats.loopDelayP99Ms.toFixed(1)} ms)`,
    );

    const clusterIds = (await listClusterIds(admin.client)).filter((id) => id !== probeAgent.clusterId);
    if (clusterIds.length !== agents) throw new Error(`ListClusters returned ${clusterIds.length} fleet clusters, expected ${agents}`);
    let fanOutClients = 0;
    const clientSampler = setInterval(() => {
      probe.hubClients().then((n) => (fanOutClients = Math.max(fanOutClients, n)), () => undefined);
    }, 200);
    cpuMark = cpu();
    const ownCpuMark = process.cpuUsage();
    log(`  fan-out: one inventory task to each of ${fmtInt(agents)} clusters`);
    const result = await fanOut(admin.client, clusterIds, {
      create: createMode,
      concurrency: createConcurrency,
      timeoutMs: fanOutTimeoutSeconds * 1000,
      completion: args.watch ? "watch" : "poll",
      afterEventId: await probe.newestEventId(hub.keyPrefix),
    });
    clearInterval(clientSampler);
    const fanOutCpu = cpu() - cpuMark;
    const ownCpu = process.cpuUsage(ownCpuMark);
    const clientCpuSeconds = (ownCpu.user + ownCpu.system) / 1e6;
    log(`  fan-out: created in ${fmtSec(result.createMs / 1000)} s, ${fmtInt(result.completed)}/${fmtInt(result.created)} completed in ${fmtSec(result.completeMs / 1000)} s`);

    await sleep(2_000);
    const memory = readMemory(hub.pid);
    const status = await pool.status();
    const run: FleetRun = {
      agents,
      generators,
      tokensSeconds,
      registerSeconds,
      connectSeconds,
      connectInventoriesSeconds,
      heartbeat: {
        intervalMs: heartbeatIntervalMs,
        windowSeconds: heartbeatWindowSeconds,
        unanswered: beats.unanswered,
        ...heartbeat,
        generatorLoopDelayP99Ms: beats.loopDelayP99Ms,
        generatorLoopDelayMaxMs: beats.loopDelayMaxMs,
        generatorCores,
        probeP50Ms: probeHeartbeat.p50Ms,
        probeP99Ms: probeHeartbeat.p99Ms,
        redisPingP50Ms: redisPing.p50Ms,
        redisPingP99Ms: redisPing.p99Ms,
        hubCallP50Ms: hubCall.p50Ms,
        hubCallP99Ms: hubCall.p99Ms,
      },
      fanOut: { createSeconds: result.createMs / 1000, completeSeconds: result.completeMs / 1000, created: result.created, completed: result.completed, clientCpuSeconds },
      hub: {
        rssIdleBytes,
        rssConnectedBytes,
        rssPeakBytes: memory.hwm,
        rssAfterBytes: memory.rss,
        cpuSeconds: { register: registerCpu, connect: connectCpu, heartbeatWindow: heartbeatCpu, fanOut: fanOutCpu },
        heartbeatCores,
      },
      redisClients: { idle: idleClients, connected: connectedClients, duringFanOut: fanOutClients, after: await probe.hubClients() },
      generatorRssBytes: status.rssBytes,
      streamsEnded: status.ended,
      errors: status.errors,
      loadAverage: os.loadavg(),
    };
    run.target = judge(run);
    return run;
  } finally {
    log(`  stopping`);
    for (const cleanup of cleanups) await cleanup().catch((err: unknown) => log(`  cleanup: ${String(err)}`));
  }
}

assertHubBuilt();
const runs: FleetRun[] = [];
let failed = false;
for (const agents of sizes) {
  try {
    runs.push(await runFleet(agents));
  } catch (err) {
    log(`${fmtInt(agents)} agents failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    failed = true;
    break;
  }
}
process.stdout.write(args.json ? `${JSON.stringify({ machine: { cpus: os.cpus().length, node: process.version }, runs }, null, 2)}\n` : renderMarkdown(runs));
const targetFailed = runs.some((r) => r.target && !(r.target.heartbeatP99 && r.target.fanOut));
process.exit(failed || targetFailed ? 1 : 0);
