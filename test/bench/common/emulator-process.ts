import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";

export interface EmulatorProcess {
  url: string;
  pid: number;
  /** Stops the emulator's whole process group (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
}

export interface StartOptions {
  cliPath: string;
  kubeconfigPath: string;
  k8sVersion: string;
  /** Extra node flags for the emulator, e.g. ["--cpu-prof", "--cpu-prof-dir=DIR"]. */
  nodeFlags?: string[];
  /** Extra emulator options, e.g. ["--nodes", "3", "--controllers", "none"]. */
  emulatorArgs?: string[];
}

/**
 * Starts the emulator CLI as its own process (and process group) so that its memory and
 * CPU can be read from /proc without the benchmark's own heap mixed in.
 */
export async function startEmulatorProcess(options: StartOptions): Promise<EmulatorProcess> {
  if (!existsSync(options.cliPath)) {
    throw new Error(`${options.cliPath} does not exist: build first (npx turbo run build)`);
  }
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), options.cliPath, "--k8s-version", options.k8sVersion, "--port", "0", "--kubeconfig", options.kubeconfigPath, ...(options.emulatorArgs ?? [])],
    { detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start the emulator");
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  // Never leave the emulator behind, whatever ends the benchmark.
  const onExit = (): void => killGroup("SIGKILL");
  process.once("exit", onExit);

  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`emulator did not print its URL within 30 s; stderr:\n${stderr}`)), 30_000);
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code ?? signal}) before listening; stderr:\n${stderr}`));
    });
  });

  return {
    url,
    pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup("SIGTERM");
      const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 10_000).unref());
      if ((await Promise.race([exited, timeout])) === "timeout") {
        killGroup("SIGKILL");
        await exited;
      }
      process.removeListener("exit", onExit);
    },
  };
}

export interface MemorySample {
  /** Resident set size now, bytes. */
  rss: number;
  /** Peak resident set size since the process started (VmHWM), bytes. */
  hwm: number;
}

/** VmRSS and VmHWM of a process, from /proc/<pid>/status. */
export function readMemory(pid: number): MemorySample {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string): number => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(m[1]) * 1024;
  };
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

/**
 * Resets a process's VmHWM to its current RSS (Linux clear_refs "5"), so the next reading
 * is the peak of one phase. Returns false where the kernel does not allow it.
 */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

const clockTicks = 100; // USER_HZ on Linux

/** User plus system CPU seconds a process has used, from /proc/<pid>/stat. */
export function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(rest[11]) + Number(rest[12])) / clockTicks;
}

/**
 * Waits until a process has used under `threshold` of a core in each of `seconds`
 * consecutive one-second windows (its background work done), or `timeoutSeconds` passed.
 * Returns how long it waited, in seconds.
 */
export async function waitForIdle(pid: number, seconds: number, threshold = 0.05, timeoutSeconds = 300): Promise<number> {
  const started = Date.now();
  let quiet = 0;
  while (quiet < seconds && Date.now() - started < timeoutSeconds * 1000) {
    const before = readCpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 1000));
    quiet = readCpuSeconds(pid) - before < threshold ? quiet + 1 : 0;
  }
  return (Date.now() - started) / 1000;
}
