import { fmtInt, fmtMiB, fmtSec, table } from "../common/report.js";

/** Everything measured for one fleet size. */
export interface FleetRun {
  agents: number;
  generators: number;
  /** CreateToken × N through AdminService, s (single-use tokens: one per agent). */
  tokensSeconds: number;
  /** Key pair + CSR + Register × N (the hub signs each CSR), s. */
  registerSeconds: number;
  /** From the first Connect until every stream was welcomed, s. */
  connectSeconds: number;
  /** Until the inventory task each connect queues had completed everywhere, s after connect. */
  connectInventoriesSeconds: number;
  heartbeat: {
    intervalMs: number;
    windowSeconds: number;
    count: number;
    unanswered: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    /** The generators' own event-loop delay meanwhile (worst generator), ms. */
    generatorLoopDelayP99Ms: number;
    generatorLoopDelayMaxMs: number;
    /** CPU the generators used meanwhile, in cores. */
    generatorCores: number;
    /** Meanwhile, the probe agent's heartbeat round trips (one stream in the benchmark's own process), ms. */
    probeP50Ms: number;
    probeP99Ms: number;
    /** Meanwhile, every 100 ms from the benchmark: a Redis PING and a ListTasks (page of 1) round trip, ms. */
    redisPingP50Ms: number;
    redisPingP99Ms: number;
    hubCallP50Ms: number;
    hubCallP99Ms: number;
  };
  fanOut: {
    createSeconds: number;
    completeSeconds: number;
    created: number;
    completed: number;
    /** CPU the benchmark process (CreateTask calls, WatchEvents) spent meanwhile, s. */
    clientCpuSeconds: number;
  };
  hub: {
    rssIdleBytes: number;
    rssConnectedBytes: number;
    rssPeakBytes: number;
    rssAfterBytes: number;
    cpuSeconds: { register: number; connect: number; heartbeatWindow: number; fanOut: number };
    /** Hub CPU during the heartbeat window, in cores. */
    heartbeatCores: number;
  };
  /** Hub connections to Redis (INFO clients, the benchmark's own left out). */
  redisClients: { idle: number; connected: number; duringFanOut: number; after: number };
  generatorRssBytes: number;
  streamsEnded: number;
  errors: string[];
  loadAverage: number[];
  /** Whether the targets hold (judged only at 10,000 agents or more). */
  target?: { heartbeatP99: boolean; fanOut: boolean };
}

export const TARGET = { agents: 10_000, heartbeatP99Ms: 250, fanOutSeconds: 10 } as const;

export function judge(run: FleetRun): FleetRun["target"] {
  if (run.agents < TARGET.agents) return undefined;
  return {
    heartbeatP99: run.heartbeat.count > 0 && run.heartbeat.p99Ms < TARGET.heartbeatP99Ms,
    fanOut: run.fanOut.completed === run.agents && run.fanOut.completeSeconds < TARGET.fanOutSeconds,
  };
}

const ms = (x: number): string => (Number.isNaN(x) ? "–" : x < 10 ? x.toFixed(1) : fmtInt(x));
const passFail = (ok: boolean | undefined): string => (ok === undefined ? "–" : ok ? "PASS" : "FAIL");

/** The results as Markdown: one row per fleet size, then the details the table leaves out. */
export function renderMarkdown(runs: FleetRun[]): string {
  const header = [
    "agents",
    "register s",
    "connect s",
    "heartbeat p50 ms",
    "heartbeat p99 ms",
    "fan-out created s",
    "fan-out completed s",
    "hub RSS connected",
    "hub RSS peak",
    "hub RSS after",
    "hub CPU heartbeats",
    "hub CPU-s fan-out",
    "Redis clients",
    "p99 < 250 ms",
    "fan-out < 10 s",
  ];
  const rows = runs.map((r) => [
    fmtInt(r.agents),
    fmtSec(r.registerSeconds),
    fmtSec(r.connectSeconds),
    ms(r.heartbeat.p50Ms),
    ms(r.heartbeat.p99Ms),
    fmtSec(r.fanOut.createSeconds),
    r.fanOut.completed === r.fanOut.created ? fmtSec(r.fanOut.completeSeconds) : `${fmtInt(r.fanOut.completed)}/${fmtInt(r.fanOut.created)} in ${fmtSec(r.fanOut.completeSeconds)}`,
    fmtMiB(r.hub.rssConnectedBytes),
    fmtMiB(r.hub.rssPeakBytes),
    fmtMiB(r.hub.rssAfterBytes),
    `${Math.round(r.hub.heartbeatCores * 100)}%`,
    r.hub.cpuSeconds.fanOut.toFixed(1),
    `${r.redisClients.idle}/${r.redisClients.connected}/${r.redisClients.duringFanOut}/${r.redisClients.after}`,
    passFail(r.target?.heartbeatP99),
    passFail(r.target?.fanOut),
  ]);
  const details = runs.map(
    (r) =>
      `- ${fmtInt(r.agents)} agents (${r.generators} generator processes, ${fmtMiB(r.generatorRssBytes)} RSS together): ` +
      `${fmtInt(r.agents)} tokens created in ${fmtSec(r.tokensSeconds)} s; registration ${fmtInt(r.agents / r.registerSeconds)}/s (hub CPU ${r.hub.cpuSeconds.register.toFixed(1)} s); ` +
      `connect hub CPU ${r.hub.cpuSeconds.connect.toFixed(1)} s, connect inventories done ${fmtSec(r.connectInventoriesSeconds)} s later; ` +
      `heartbeats every ${fmtInt(r.heartbeat.intervalMs)} ms, ${fmtInt(r.heartbeat.count)} round trips in ${r.heartbeat.windowSeconds} s (max ${ms(r.heartbeat.maxMs)} ms, ${r.heartbeat.unanswered} unanswered at the end; generators' event-loop delay p99 ${ms(r.heartbeat.generatorLoopDelayP99Ms)} ms, max ${ms(r.heartbeat.generatorLoopDelayMaxMs)} ms, generator CPU ${Math.round(r.heartbeat.generatorCores * 100)}%; meanwhile the probe agent's heartbeats p50/p99 ${ms(r.heartbeat.probeP50Ms)}/${ms(r.heartbeat.probeP99Ms)} ms, Redis PING p50/p99 ${ms(r.heartbeat.redisPingP50Ms)}/${ms(r.heartbeat.redisPingP99Ms)} ms, hub ListTasks p50/p99 ${ms(r.heartbeat.hubCallP50Ms)}/${ms(r.heartbeat.hubCallP99Ms)} ms); ` +
      `fan-out client (CreateTask, WatchEvents) CPU ${r.fanOut.clientCpuSeconds.toFixed(1)} s; ` +
      `hub RSS idle ${fmtMiB(r.hub.rssIdleBytes)}; load average ${r.loadAverage.map((x) => x.toFixed(1)).join(" ")}` +
      (r.streamsEnded > 0 ? `; ${r.streamsEnded} streams ended early (${r.errors.join("; ")})` : ""),
  );
  return `${table(header, rows, header.map((_, i) => i > 0 && i < 13))}\n\nRedis clients: the hub's connections (INFO clients, the benchmark's own left out) when idle / with every agent connected / at most during the fan-out / after it (WatchEvents, with --watch, adds the event reader).\n\n${details.join("\n")}\n`;
}
