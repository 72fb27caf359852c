// Benchmark: Lifeboat's volume-data path end to end (hub, cluster agent, node agent, a file://
// repository) against restic (Debian's package, installed when missing) on the same claim's
// directory and disk: first backup, a backup with nothing changed, one after 1% of the files
// changed, and a restore into a new claim (both verified byte for byte); wall time, MB/s, the
// node agent's peak RSS per phase against restic's, and the load. --scales adds first backups at
// other sizes for the node agent's memory against the volume's size.
// Run: npm run bench:volumes -- [options] (see --help). Not part of the test suite.
import { rmSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { addFilesystemRepository, startClusterAgent, startLocalHub, waitForClusters, type LocalHub } from "../harness/src/local-hub.js";
import { startNodeAgents, type NodeAgents } from "../harness/src/node-agents.js";
import type { ProcessGroup } from "../harness/src/process-group.js";
import { startRedis, type RunningRedis } from "../harness/src/redis-server.js";
import { failWithUsage, parseBenchArguments } from "./bench-arguments.js";
import { startEmulatorProcess, type EmulatorProcess } from "./common/emulator-process.js";
import { fmtInt } from "./common/report.js";
import { generate, mutate, plan } from "./repository/dataset.js";
import { ensureTools } from "./repository/tools.js";
import { digestTree, verifyRestore } from "./repository/verify.js";
import { BenchCluster, CLAIM, type BenchClaim } from "./volumes/bench-claim.js";
import { LifeboatVolumes } from "./volumes/lifeboat-volumes.js";
import { judgeFlatness, judgeRun, mb, PHASE_LABEL, PHASES, renderResult, type FlatnessPoint, type PhaseName, type VolumesBenchResult, type VolumesRun } from "./volumes/report.js";
import { ResticSide } from "./volumes/restic-side.js";
import { verifyClaimRestore } from "./volumes/verify-claim.js";

const usage = `Usage: npm run bench:volumes -- [options]   (= npx tsx test/bench/volumes.ts [options])

  --scale X            the claim's dataset (1): the repository benchmark's, a 1 GiB semi-compressible
                       file, 1,000 files of 1 MiB and 20,000 of 4 KiB (about 2.2 GB, 21,001 files),
                       counts and the big file multiplied by X (0.05 for a quick run)
  --phases LIST        first,nochange,change,restore (default all)
  --change FRACTION    share of the files the third backup sees changed (0.01)
  --scales LIST        also: a first backup of a fresh claim at each of these scales (e.g. 0.5,2 for
                       about 1 and 4 GiB), each with a seed of its own (nothing deduplicated against
                       the main run), the node agent restarted before each, and its peak RSS
                       compared between the smallest and the largest
  --flatness-only      only the --scales backups
  --seed N             dataset seed (1)
  --k8s-version V      persona of the emulator (1.30)
  --wait-timeout MIN   how long one backup or restore may take (60)
  --data-dir DIR       where everything goes: emulator data (the volumes), both repositories,
                       restic's restore, Redis and the hub (a new directory under /var/tmp)
  --keep               leave the data directory in place
  --json               print the results as JSON instead of Markdown
  -h, --help           this text

Starts redis-server, a hub, one emulator (one node), its node agent and the cluster agent, all
through the built CLI (hub/dist/cli/main.js), and a file:// repository registered with the hub;
restic gets its own repository on the same disk and its default cache in a fresh HOME. In
namespace bench a claim of class standard and a pod mounting it; the dataset is written into the
claim's volume directory. Each phase runs Lifeboat (backup create --volumes fs --wait, restore
create --namespace-mapping bench:bench-restored --wait) then restic (backup DIR, restore latest
--target DIR). The node agent's peak RSS is its VmHWM, reset (clear_refs) before each phase.
Exits 1 when a target fails or a run fails. Progress goes to stderr.`;

const args = parseBenchArguments(
  {
    scale: { type: "string", default: "1" },
    phases: { type: "string", default: PHASES.join(",") },
    change: { type: "string", default: "0.01" },
    scales: { type: "string" },
    "flatness-only": { type: "boolean", default: false },
    seed: { type: "string", default: "1" },
    "k8s-version": { type: "string", default: "1.30" },
    "wait-timeout": { type: "string", default: "60" },
    "data-dir": { type: "string" },
    keep: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  usage,
);

function positive(name: string, text: string): number {
  const n = Number(text.replaceAll("_", ""));
  if (!Number.isFinite(n) || n <= 0) failWithUsage(`--${name} must be a positive number, got "${text}"`, usage);
  return n;
}

const scale = positive("scale", args.scale);
const changeFraction = positive("change", args.change);
const seed = Math.round(positive("seed", args.seed));
const waitTimeoutMs = positive("wait-timeout", args["wait-timeout"]) * 60_000;
const phases = args.phases.split(",").map((p) => p.trim()) as PhaseName[];
for (const p of phases) if (!PHASES.includes(p)) failWithUsage(`--phases: unknown phase "${p}" (${PHASES.join(", ")})`, usage);
const flatnessScales = (args.scales ?? "").split(",").filter((s) => s.trim() !== "").map((s) => positive("scales", s.trim()));
if (args["flatness-only"] && flatnessScales.length < 2) failWithUsage("--flatness-only needs --scales with at least two scales", usage);
const k8sVersion = args["k8s-version"];

const log = (line: string): void => void process.stderr.write(`[volumes] ${line}\n`);
const emulatorCli = fileURLToPath(new URL("../kube-emulator/dist/cli.js", import.meta.url));
const CLUSTER = "bench";
const NODE = "node-1";
const REPOSITORY = "bench";
const PASSWORD = "lifeboat-benchmark-password";

/** Everything the run started, stopped in reverse order by process group. */
interface Running {
  redis?: RunningRedis;
  hub?: LocalHub;
  emulator?: EmulatorProcess;
  nodeAgents?: NodeAgents;
  clusterAgent?: ProcessGroup;
}

async function stopAll(running: Running): Promise<void> {
  await running.clusterAgent?.stop(10_000).catch(() => undefined);
  await running.nodeAgents?.stop().catch(() => undefined);
  await running.hub?.stop().catch(() => undefined);
  await running.emulator?.stop().catch(() => undefined);
  await running.redis?.stop().catch(() => undefined);
}

interface Lifeboat {
  hub: LocalHub;
  cluster: BenchCluster;
  nodeAgents: NodeAgents;
  clusterAgent: ProcessGroup;
}

/** Redis, hub, emulator, node agent, cluster agent and the repository, in that order. */
async function startLifeboat(root: string, running: Running): Promise<Lifeboat> {
  await mkdir(path.join(root, "redis"), { recursive: true });
  running.redis = await startRedis({ dir: path.join(root, "redis"), appendOnly: true });
  log(`redis-server on ${running.redis.url}; starting the hub`);
  const hub = (running.hub = await startLocalHub({ dataDir: path.join(root, "hub"), redisUrl: running.redis.url, hubId: "bench-hub" }));

  const dataDir = path.join(root, "emulator");
  await mkdir(dataDir, { recursive: true });
  const kubeconfigPath = path.join(root, "emulator.kubeconfig.yaml");
  log(`starting the emulator (Kubernetes ${k8sVersion}, data in ${dataDir})`);
  running.emulator = await startEmulatorProcess({ cliPath: emulatorCli, kubeconfigPath, k8sVersion, emulatorArgs: ["--data-dir", dataDir, "--nodes", "1"] });
  const nodeAgents = (running.nodeAgents = await startNodeAgents({ kubeconfigPath, dataDir, nodeNames: [NODE] }));
  log(`node agent on ${NODE}: pid ${nodeAgents.groups.get(NODE)!.pid}`);
  const clusterAgent = (running.clusterAgent = await startClusterAgent(hub, { kubeconfigPath, clusterName: CLUSTER, stateDir: path.join(root, "agent", "state"), labels: { bench: "volumes" } }));
  await waitForClusters(hub, [CLUSTER], [hub.group, clusterAgent]);
  log(`cluster agent connected: pid ${clusterAgent.pid}`);

  const passwordFile = path.join(root, "repository.password");
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  await addFilesystemRepository(hub, { name: REPOSITORY, dir: path.join(root, "lifeboat-repository"), passwordFile });
  return { hub, cluster: new BenchCluster(kubeconfigPath, dataDir), nodeAgents, clusterAgent };
}

function commandsFor(lifeboat: Lifeboat): LifeboatVolumes {
  return new LifeboatVolumes({
    hub: lifeboat.hub,
    cluster: CLUSTER,
    repository: REPOSITORY,
    pids: { nodeAgent: lifeboat.nodeAgents.groups.get(NODE)!.pid, clusterAgent: lifeboat.clusterAgent.pid },
    log,
    timeoutMs: waitTimeoutMs,
  });
}

const datasetBytes = (s: number): number => plan({ scale: s, seed }).reduce((sum, f) => sum + f.size, 0);

/** A claim in a new namespace with the dataset of `runScale` written into its volume. */
async function claimWithData(lifeboat: Lifeboat, namespace: string, runScale: number, dataSeed: number) {
  const claim = await lifeboat.cluster.createClaimWithPod(namespace, datasetBytes(runScale));
  log(`claim ${namespace}/${claim.claim} bound to ${claim.persistentVolume}; writing the scale ${runScale} dataset into ${claim.dir}`);
  const started = performance.now();
  const dataset = await generate(claim.dir, { scale: runScale, seed: dataSeed }, log);
  log(`  ${fmtInt(dataset.files.length)} files, ${mb(dataset.totalBytes)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { claim, dataset };
}

const summaryLine = (what: string, s: number, bytes: number, mbS: string, rss: number) => `${what}: ${s.toFixed(2)} s, ${mbS} MB/s, peak RSS ${fmtInt(rss)} MiB (${mb(bytes)} MB)`;

async function mainRun(lifeboat: Lifeboat, root: string): Promise<VolumesRun> {
  const { claim, dataset } = await claimWithData(lifeboat, "bench", scale, seed);
  // Read once: both engines start from the same warm page cache, and these are the digests to verify against.
  let digests = await digestTree(claim.dir);
  const restic = await ResticSide.create(path.join(root, "restic"));
  const commands = commandsFor(lifeboat);
  const run: VolumesRun = { scale, datasetBytes: dataset.totalBytes, datasetFiles: dataset.files.length, changedFiles: 0, phases: {} };
  const rate = (s: number) => fmtInt(dataset.totalBytes / 1e6 / s);
  let lastBackup: string | undefined;
  for (const phase of PHASES) {
    if (!phases.includes(phase)) continue;
    if (phase === "change") {
      const changed = await mutate(dataset, changeFraction);
      run.changedFiles = changed.length;
      digests = await digestTree(claim.dir);
      log(`changed ${fmtInt(changed.length)} files`);
    }
    if (phase === "restore") {
      if (!lastBackup) throw new Error("--phases: restore needs a backup phase before it");
      const made = await commands.restore(lastBackup, claim.namespace, `${claim.namespace}-restored`, CLAIM);
      const restored: BenchClaim = await lifeboat.cluster.boundClaim(`${claim.namespace}-restored`);
      log(summaryLine(`${PHASE_LABEL[phase]}: lifeboat`, made.phase.wallS, dataset.totalBytes, rate(made.phase.wallS), made.phase.peakRssMiB) + `, queued ${made.phase.queuedS?.toFixed(2) ?? "?"} s, task ${made.phase.taskS?.toFixed(2) ?? "?"} s, volume ${made.phase.volumeS?.toFixed(2) ?? "?"} s into ${restored.persistentVolume}`);
      await verifyClaimRestore(claim.dir, digests, restored.dir, made.id, path.join(root, "restore-marker"));
      log("  lifeboat: restored claim verified");
      const back = await restic.restore(claim.dir);
      log(summaryLine(`${PHASE_LABEL[phase]}: restic`, back.phase.wallS, dataset.totalBytes, rate(back.phase.wallS), back.phase.peakRssMiB));
      await verifyRestore(claim.dir, digests, back.restoredRoot, "restic");
      log("  restic: restore verified");
      await restic.dropRestore();
      run.phases.restore = { lifeboat: made.phase, restic: back.phase };
      continue;
    }
    const made = await commands.backup(claim.namespace, CLAIM);
    lastBackup = made.id;
    log(summaryLine(`${PHASE_LABEL[phase]}: lifeboat`, made.phase.wallS, dataset.totalBytes, rate(made.phase.wallS), made.phase.peakRssMiB) + `, queued ${made.phase.queuedS?.toFixed(2) ?? "?"} s, task ${made.phase.taskS?.toFixed(2) ?? "?"} s, volume ${made.phase.volumeS?.toFixed(2) ?? "?"} s, read ${((made.phase.bytesRead ?? 0) / 1e6).toFixed(2)} MB (backup ${made.id})`);
    const reference = await restic.backup(claim.dir);
    log(summaryLine(`${PHASE_LABEL[phase]}: restic`, reference.wallS, dataset.totalBytes, rate(reference.wallS), reference.peakRssMiB));
    run.phases[phase] = { lifeboat: made.phase, restic: reference };
  }
  return run;
}

/** First backups of fresh claims at each scale, each with a node agent started anew. */
async function flatnessRuns(lifeboat: Lifeboat, root: string): Promise<FlatnessPoint[]> {
  const points: FlatnessPoint[] = [];
  for (const [i, pointScale] of flatnessScales.entries()) {
    const namespace = `bench-rss-${i + 1}`;
    // A seed of its own: with the main run's, the shared repository would already hold most of
    // this claim's content (the same seed gives the same files at any scale) and the node agent
    // would store next to nothing, while restic starts from an empty repository.
    const { claim, dataset } = await claimWithData(lifeboat, namespace, pointScale, seed + 1000 * (i + 1));
    await digestTree(claim.dir);
    await lifeboat.nodeAgents.restart(NODE);
    log(`node agent restarted: pid ${lifeboat.nodeAgents.groups.get(NODE)!.pid}`);
    const made = await commandsFor(lifeboat).backup(namespace, CLAIM);
    const rate = (s: number) => fmtInt(dataset.totalBytes / 1e6 / s);
    log(summaryLine(`scale ${pointScale} first backup: lifeboat`, made.phase.wallS, dataset.totalBytes, rate(made.phase.wallS), made.phase.peakRssMiB));
    const resticWork = path.join(root, `restic-rss-${i + 1}`);
    const restic = await ResticSide.create(resticWork);
    const reference = await restic.backup(claim.dir);
    log(summaryLine(`scale ${pointScale} first backup: restic`, reference.wallS, dataset.totalBytes, rate(reference.wallS), reference.peakRssMiB));
    points.push({ scale: pointScale, datasetBytes: dataset.totalBytes, datasetFiles: dataset.files.length, first: { lifeboat: made.phase, restic: reference } });
    // The next point needs the disk more than this one's copies do.
    await rm(resticWork, { recursive: true, force: true });
    await lifeboat.cluster.core.deleteNamespace({ name: namespace });
  }
  return points;
}

async function main(): Promise<number> {
  const { resticVersion } = await ensureTools(true, log);
  const loadAverageAtStart = os.loadavg();
  log(`${resticVersion}; load average ${loadAverageAtStart.map((x) => x.toFixed(2)).join(" ")}`);
  const parent = args["data-dir"] ? path.resolve(args["data-dir"]) : "/var/tmp";
  await mkdir(parent, { recursive: true });
  const root = await mkdtemp(path.join(parent, "lifeboat-bench-volumes-"));
  const removeRoot = (): void => {
    if (!args.keep) rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", removeRoot);
  const running: Running = {};
  let run: VolumesRun | undefined;
  let flatness: FlatnessPoint[] = [];
  let failed = false;
  try {
    const lifeboat = await startLifeboat(root, running);
    if (!args["flatness-only"]) run = await mainRun(lifeboat, root);
    if (flatnessScales.length > 0) flatness = await flatnessRuns(lifeboat, root);
  } catch (err) {
    log(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const agentOutput = running.nodeAgents?.groups.get(NODE)?.output();
    if (agentOutput) log(`node agent output (tail):\n${agentOutput.slice(-3000)}`);
    if (running.clusterAgent) log(`cluster agent output (tail):\n${running.clusterAgent.output().slice(-3000)}`);
    failed = true;
  } finally {
    log("stopping the agents, hub, emulator and redis-server");
    await stopAll(running);
    if (args.keep) log(`kept ${root}`);
    else {
      log(`removing ${root}`);
      await rm(root, { recursive: true, force: true });
    }
  }

  const options = [
    scale !== 1 ? `--scale ${scale}` : "",
    phases.length !== PHASES.length ? `--phases ${phases.join(",")}` : "",
    flatnessScales.length ? `--scales ${flatnessScales.join(",")}` : "",
    args["flatness-only"] ? "--flatness-only" : "",
  ].filter(Boolean);
  const result: VolumesBenchResult = {
    command: `npm run bench:volumes${options.length ? ` -- ${options.join(" ")}` : ""}`,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? "unknown",
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      restic: resticVersion ?? "restic ?",
      loadAverageAtStart,
      loadAverageAtEnd: os.loadavg(),
    },
    run,
    flatness,
  };
  const verdicts = [...(run ? judgeRun(run) : []), ...judgeFlatness(flatness)];
  if (args.json) process.stdout.write(`${JSON.stringify({ ...result, verdicts }, null, 2)}\n`);
  else process.stdout.write(renderResult(result, verdicts));
  return failed || verdicts.some((v) => !v.pass) ? 1 : 0;
}

// Interrupted: process.exit runs the exit hooks, which kill every process group started and remove the data.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`[volumes] FAILED: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
