import { Exec, type KubeConfig, type V1Status } from "@kubernetes/client-node";
import { OutputTail } from "./output-tail.js";

/** Where a command runs. */
export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** How a command ended. `error` is set when it did not succeed: a timeout, an exec failure or a non-zero exit. */
export interface ExecOutcome {
  /** The command's exit code; -1 when it has none (it never started, or timed out). */
  exitCode: number;
  stdout: string;
  stderr: string;
  error?: string;
}

/** Runs one command in a container, like `kubectl exec`. Never throws for the command's own failure. */
export interface PodExecutor {
  exec(target: ExecTarget, command: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<ExecOutcome>;
}

/** A PodExecutor over the API server's pods/exec (WebSocket), through client-node's Exec. */
export function createPodExecutor(kc: KubeConfig): PodExecutor {
  const client = new Exec(kc);
  return {
    async exec(target, command, timeoutMs, signal) {
      const stdout = new OutputTail();
      const stderr = new OutputTail();
      const outcome = (exitCode: number, error?: string): ExecOutcome => ({ exitCode, stdout: stdout.text(), stderr: stderr.text(), ...(error ? { error } : {}) });
      return new Promise<ExecOutcome>((resolve) => {
        let socket: { close(): void } | undefined;
        let settled = false;
        const finish = (result: ExecOutcome) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          socket?.close();
          resolve(result);
        };
        // The command may go on running in the container: the API offers no way to stop it.
        const timer = setTimeout(() => finish(outcome(-1, `timed out after ${timeoutMs / 1000}s`)), timeoutMs);
        const onAbort = () => finish(outcome(-1, "the backup was cancelled"));
        signal?.addEventListener("abort", onAbort, { once: true });
        client
          .exec(target.namespace, target.pod, target.container, [...command], stdout, stderr, null, false, (status) => finish(fromStatus(status, outcome)))
          .then((ws) => {
            socket = ws;
            if (settled) ws.close();
          })
          .catch((err: unknown) => finish(outcome(-1, `exec failed: ${err instanceof Error ? err.message : String(err)}`)));
      });
    },
  };
}

/** The outcome a pods/exec status reports: Success, or Failure with the exit code as an ExitCode cause. */
function fromStatus(status: V1Status, outcome: (exitCode: number, error?: string) => ExecOutcome): ExecOutcome {
  if (status.status === "Success") return outcome(0);
  const exitCause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  const exitCode = exitCause?.message !== undefined ? Number(exitCause.message) : NaN;
  if (Number.isInteger(exitCode)) return outcome(exitCode, `exit code ${exitCode}`);
  return outcome(-1, status.message || status.reason || "exec failed");
}
