import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { TIME_BIN } from "./tools.js";

export interface Measured {
  /** Wall time from spawn to exit, s (the benchmark's clock: finer than time's 10 ms). */
  wallS: number;
  /** "Maximum resident set size" from /usr/bin/time -v, MiB. */
  peakRssMiB: number;
  /** User + system CPU, s. */
  cpuS: number;
  exitCode: number;
  stdout: string;
  /** The tail of stderr. */
  stderr: string;
}

export interface MeasureOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const TAIL = 64 * 1024;

// Every command runs as the leader of its own process group, so a benchmark that exits early
// (an error, Ctrl-C turned into process.exit by the driver) stops exactly what it started.
const running = new Set<number>();
const reportDirs = new Set<string>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on("exit", () => {
    for (const pid of running) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    for (const dir of reportDirs) rmSync(dir, { recursive: true, force: true });
  });
}

function field(report: string, label: string): string {
  const line = report.split("\n").find((l) => l.trim().startsWith(label));
  if (!line) throw new Error(`/usr/bin/time -v printed no "${label}":\n${report}`);
  return line.slice(line.lastIndexOf(": ") + 2).trim();
}

/** "h:mm:ss" or "m:ss.ss" → seconds. */
export function parseClock(text: string): number {
  return text.split(":").reduce((total, part) => total * 60 + Number(part), 0);
}

/**
 * Runs `command args` under `/usr/bin/time -v` (its report goes to a file, apart from the
 * command's own stderr). Peak RSS is the largest of the process and the children it waited
 * for (getrusage RUSAGE_CHILDREN), which covers worker threads and helper processes.
 */
export async function measure(command: string, args: readonly string[], options: MeasureOptions = {}): Promise<Measured> {
  hookExit();
  const dir = await mkdtemp(path.join(os.tmpdir(), "lifeboat-bench-time-"));
  reportDirs.add(dir);
  const reportFile = path.join(dir, "time.txt");
  try {
    const started = performance.now();
    const child = spawn(TIME_BIN, ["-v", "-o", reportFile, command, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (child.pid !== undefined) running.add(child.pid);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      if (stdout.length > 16 * TAIL) stdout = stdout.slice(stdout.length - 16 * TAIL);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      if (stderr.length > TAIL) stderr = stderr.slice(stderr.length - TAIL);
    });
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
    const wallS = (performance.now() - started) / 1000;
    if (child.pid !== undefined) running.delete(child.pid);
    const report = await readFile(reportFile, "utf8");
    const peakRssMiB = Number(field(report, "Maximum resident set size (kbytes)")) / 1024;
    const cpuS = Number(field(report, "User time (seconds)")) + Number(field(report, "System time (seconds)"));
    // time exits with the command's status; "Exit status" is the command's own.
    const status = Number(field(report, "Exit status"));
    return { wallS, peakRssMiB, cpuS, exitCode: Number.isFinite(status) ? status : exitCode, stdout, stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
    reportDirs.delete(dir);
  }
}

/** Like `measure`, but a non-zero exit is an error carrying the command's output. */
export async function measureOk(what: string, command: string, args: readonly string[], options: MeasureOptions = {}): Promise<Measured> {
  const result = await measure(command, args, options);
  if (result.exitCode !== 0) {
    throw new Error(`${what} failed (exit ${result.exitCode}): ${command} ${args.join(" ")}\n${result.stderr.slice(-4000)}\n${result.stdout.slice(-2000)}`);
  }
  return result;
}
