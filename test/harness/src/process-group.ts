import { spawn } from "node:child_process";
import { once } from "node:events";

export interface ProcessGroupOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How much of the combined stdout/stderr to keep for readiness checks and error messages. */
  outputLimitBytes?: number;
}

export interface ReadyOptions {
  /** Named in errors, e.g. "redis-server on port 6400". */
  what?: string;
  timeoutMs?: number;
  intervalMs?: number;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessGroup {
  /** The child's pid, which is also its process group id. */
  readonly pid: number;
  /** Settles once the child has exited. */
  readonly exited: Promise<ExitStatus>;
  hasExited(): boolean;
  /** The child's stdout and stderr so far, interleaved as they arrived (the tail only). */
  output(): string;
  /**
   * Polls `check` until it returns true. Rejects, after stopping the group on a timeout,
   * if the child exits first or `timeoutMs` passes; a check that throws counts as "not yet".
   */
  waitReady(check: () => boolean | Promise<boolean>, options?: ReadyOptions): Promise<void>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once the child is gone. */
  stop(graceMs?: number): Promise<void>;
}

// Groups still running; killed if this process exits without stopping them, since a
// detached child would otherwise outlive the test run.
const live = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const pid of live) signalGroup(pid, "SIGKILL");
  });
}

/** Signals every process in the group; a group that is already gone is not an error. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts `command` as the leader of a new process group (detached), so that stopping it
 * reaches everything it forks and nothing else: processes are only ever signalled by
 * group id, never looked up by name.
 */
export async function spawnGroup(command: string, args: readonly string[], options: ProcessGroupOptions = {}): Promise<ProcessGroup> {
  const limit = options.outputLimitBytes ?? 64 * 1024;
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });

  let output = "";
  const append = (chunk: Buffer): void => {
    output += chunk.toString("utf8");
    if (output.length > limit) output = output.slice(output.length - limit);
  };
  // Always drained: a child blocked on a full pipe would look hung.
  child.stdout.on("data", append);
  child.stderr.on("data", append);

  let exitStatus: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => {
      exitStatus = { code, signal };
      resolve(exitStatus);
    });
  });

  // 'spawn' or 'error' (e.g. ENOENT) tells whether there is a process at all.
  await once(child, "spawn");
  const pid = child.pid;
  if (pid === undefined) throw new Error(`spawnGroup: ${command} has no pid`);
  live.add(pid);
  installExitHook();

  const describe = (what: string): string => {
    const how = exitStatus?.signal ? `signal ${exitStatus.signal}` : `code ${exitStatus?.code}`;
    return `${what} exited (${how}) before it was ready; its output:\n${output}`;
  };

  const group: ProcessGroup = {
    pid,
    exited,
    hasExited: () => exitStatus !== undefined,
    output: () => output,

    async waitReady(check, ready = {}) {
      const what = ready.what ?? command;
      const timeoutMs = ready.timeoutMs ?? 15_000;
      const intervalMs = ready.intervalMs ?? 25;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (exitStatus) throw new Error(describe(what));
        let ok = false;
        try {
          ok = await check();
        } catch {
          ok = false;
        }
        if (ok) return;
        if (exitStatus) throw new Error(describe(what));
        if (Date.now() > deadline) {
          await group.stop();
          throw new Error(`${what} was not ready after ${timeoutMs} ms; its output:\n${output}`);
        }
        await sleep(intervalMs);
      }
    },

    async stop(graceMs = 5_000) {
      if (!exitStatus) {
        signalGroup(pid, "SIGTERM");
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          exited.then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), graceMs);
          }),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          signalGroup(pid, "SIGKILL");
          await exited;
        }
      }
      // The leader is gone; anything it left in its group goes with it.
      signalGroup(pid, "SIGKILL");
      live.delete(pid);
    },
  };
  return group;
}
