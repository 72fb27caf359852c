// Benchmark: Lifeboat's repository against restic (Debian's package, installed when missing),
// side by side on the same data and disk: first backup, a backup with nothing changed, one
// after 1% of the files changed, and a full restore (verified byte for byte); wall time,
// MB/s, CPU, peak RSS (/usr/bin/time -v) and repository size.
// Run: npm run bench:repo -- [options] (see --help). Not part of the test suite.
import { rmSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fmtInt } from "./common/report.js";
import { generate, mutate, removeDataset, type Dataset } from "./repository/dataset.js";
import { createEngine, ENGINE_NAMES, type Engine, type EngineName } from "./repository/engines.js";
import { compareHashes, renderHashes } from "./repository/hash-compare.js";
import { judge, judgeFlat, mb, PHASE_LABEL, PHASES, renderFlat, renderRun, type EngineRun, type PhaseName, type RepositoryRun } from "./repository/report.js";
import { ensureTools } from "./repository/tools.js";
import { digestTree, verifyRestore, type Digests } from "./repository/verify.js";
import { failWithUsage, parseBenchArguments } from "./bench-arguments.js";

const usage = `Usage: npm run bench:repo -- [options]   (= npx tsx test/bench/repository.ts [options])

  --engines LIST        restic,lifeboat (default both; "restic" alone needs no Lifeboat build)
  --scale X             dataset scale (1): a 1 GiB semi-compressible file, 1,000 files of 1 MiB and
                        20,000 of 4 KiB, counts and the big file multiplied by X (0.1 for a quick run)
  --tiny-files N        instead: N files of 100 bytes, 1,000 per directory (2000000 for the RSS target)
  --phases LIST         first,nochange,change,restore (default all; with --tiny-files: first,nochange)
  --change FRACTION     share of the files the third backup sees changed (0.01)
  --flat-check          run at --scale X and at 4X, and compare peak RSS
  --seed N              dataset seed (1)
  --data-dir DIR        where the dataset, repositories and restores go (a new directory under
                        /var/tmp, on the same disk for both engines)
  --keep                leave the data directory in place
  --hash-compare        only: keyed BLAKE3 vs HMAC-SHA-256 throughput, one core
  --json                print the results as JSON instead of Markdown
  -h, --help            this text

Both engines back up the same directory, each into its own repository with its own cache (a
fresh HOME per run). Page cache is not dropped between phases (that needs root and a quiet
machine); instead the data is read once before the first backup so both engines start warm,
and the order of the engines alternates from phase to phase so neither always runs first.
Exits 1 when a target fails or a run fails. Progress goes to stderr.`;

function fail(message: string): never {
  failWithUsage(message, usage);
}

const args = parseBenchArguments(
  {
    engines: { type: "string", default: "restic,lifeboat" },
    scale: { type: "string", default: "1" },
    "tiny-files": { type: "string" },
    phases: { type: "string" },
    change: { type: "string", default: "0.01" },
    "flat-check": { type: "boolean", default: false },
    seed: { type: "string", default: "1" },
    "data-dir": { type: "string" },
    keep: { type: "boolean", default: false },
    "hash-compare": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  usage,
);

const log = (line: string): void => void process.stderr.write(`[repository] ${line}\n`);

if (args["hash-compare"]) {
  const rates = compareHashes();
  process.stdout.write(args.json ? `${JSON.stringify(rates, null, 2)}\n` : renderHashes(rates));
  process.exit(0);
}

function positive(name: string, text: string): number {
  const n = Number(text.replaceAll("_", ""));
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, got "${text}"`);
  return n;
}

const engines = args.engines.split(",").map((e) => e.trim()) as EngineName[];
for (const e of engines) if (!ENGINE_NAMES.includes(e)) fail(`--engines: unknown engine "${e}" (restic, lifeboat)`);
const scale = positive("scale", args.scale);
const tinyFiles = args["tiny-files"] === undefined ? undefined : Math.round(positive("tiny-files", args["tiny-files"]));
const changeFraction = positive("change", args.change);
const seed = Math.round(positive("seed", args.seed));
const phases = (args.phases ?? (tinyFiles !== undefined ? "first,nochange" : PHASES.join(","))).split(",").map((p) => p.trim()) as PhaseName[];
for (const p of phases) if (!PHASES.includes(p)) fail(`--phases: unknown phase "${p}" (${PHASES.join(", ")})`);
if (args["flat-check"] && tinyFiles !== undefined) fail("--flat-check scales the standard dataset; not with --tiny-files");

const seconds = (since: number) => (performance.now() - since) / 1000;

/** Reads every file once, so both engines start from the same warm page cache. */
async function warm(dataset: Dataset): Promise<Digests> {
  return digestTree(dataset.root);
}

async function runOnce(parent: string, runScale: number): Promise<RepositoryRun> {
  const work = await mkdtemp(path.join(parent, `run-`));
  try {
    const dataDir = path.join(work, "data");
    log(`generating ${tinyFiles !== undefined ? `${fmtInt(tinyFiles)} tiny files` : `the scale ${runScale} dataset`} in ${dataDir}`);
    let t = performance.now();
    const dataset = await generate(dataDir, { scale: runScale, seed, tinyFiles }, log);
    const generateS = seconds(t);
    log(`  ${fmtInt(dataset.files.length)} files, ${mb(dataset.totalBytes)} MB in ${generateS.toFixed(1)} s`);
    await warm(dataset);

    const run: RepositoryRun = { scale: runScale, tinyFiles, datasetBytes: dataset.totalBytes, datasetFiles: dataset.files.length, changedFiles: 0, generateS, engines: {} };
    const live: Engine[] = [];
    for (const name of engines) {
      const engine = await createEngine(name, path.join(work, name));
      await engine.init();
      live.push(engine);
      run.engines[name] = { phases: {} } satisfies EngineRun;
    }

    let sourceDigests: Digests | undefined;
    for (const [i, phase] of PHASES.entries()) {
      if (!phases.includes(phase)) continue;
      if (phase === "change") {
        const changed = await mutate(dataset, changeFraction);
        run.changedFiles = changed.length;
        log(`changed ${fmtInt(changed.length)} files`);
      }
      if (phase === "restore") sourceDigests = await digestTree(dataset.root);
      // Alternate which engine goes first.
      const order = i % 2 === 0 ? live : [...live].reverse();
      for (const engine of order) {
        const result = run.engines[engine.name]!;
        if (phase === "restore") {
          const { measured, restoredRoot } = await engine.restore(dataset.root);
          result.phases.restore = { wallS: measured.wallS, peakRssMiB: measured.peakRssMiB, cpuS: measured.cpuS, load1: os.loadavg()[0]! };
          t = performance.now();
          await verifyRestore(dataset.root, sourceDigests!, restoredRoot, engine.name);
          log(`  ${engine.name}: restore verified in ${seconds(t).toFixed(1)} s`);
          await engine.dropRestore();
        } else {
          const measured = await engine.backup(dataset.root);
          result.phases[phase] = { wallS: measured.wallS, peakRssMiB: measured.peakRssMiB, cpuS: measured.cpuS, load1: os.loadavg()[0]! };
          result.repoBytes = await engine.repositoryBytes();
          if (phase === "first") result.repoBytesFirst = result.repoBytes;
        }
        const p = result.phases[phase]!;
        log(`${PHASE_LABEL[phase]}: ${engine.name} ${p.wallS.toFixed(2)} s, ${fmtInt(dataset.totalBytes / 1e6 / p.wallS)} MB/s, CPU ${p.cpuS.toFixed(1)} s, peak RSS ${fmtInt(p.peakRssMiB)} MiB (load ${p.load1.toFixed(1)})`);
      }
    }
    return run;
  } finally {
    if (args.keep) log(`kept ${work}`);
    else {
      log(`removing ${work}`);
      await rm(work, { recursive: true, force: true });
    }
  }
}

const { resticVersion } = await ensureTools(engines.includes("restic"), log);
if (resticVersion) log(resticVersion);
const parent = args["data-dir"] ? path.resolve(args["data-dir"]) : "/var/tmp";
await mkdir(parent, { recursive: true });
const root = await mkdtemp(path.join(parent, "lifeboat-bench-repo-"));
// Interrupted: exit hooks stop the running command (measure.ts) and remove the data.
process.on("exit", () => {
  if (!args.keep) rmSync(root, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
const runs: RepositoryRun[] = [];
let failed = false;
try {
  for (const runScale of args["flat-check"] ? [scale, scale * 4] : [scale]) runs.push(await runOnce(root, runScale));
} catch (err) {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  failed = true;
} finally {
  if (!args.keep) await removeDataset(root);
}

const flat = args["flat-check"] && runs.length === 2 ? judgeFlat(runs[0]!, runs[1]!) : undefined;
const verdicts = [...runs.flatMap(judge), ...(flat?.verdicts ?? [])];
const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, restic: resticVersion };
if (args.json) {
  process.stdout.write(`${JSON.stringify({ machine, runs, verdicts }, null, 2)}\n`);
} else {
  const parts = runs.map(renderRun);
  if (flat) parts.push(renderFlat(runs[0]!, runs[1]!));
  parts.push(`Machine: ${machine.cpus} × ${machine.cpuModel ?? "?"}, ${machine.memoryGiB} GiB, Node ${machine.node}${resticVersion ? `, ${resticVersion}` : ""}.\n`);
  process.stdout.write(parts.join("\n"));
}
process.exit(failed || verdicts.some((v) => !v.pass) ? 1 : 0);
