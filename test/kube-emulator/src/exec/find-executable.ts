import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { posix } from "node:path";
import type { ContainerMount } from "../kubelet/volume-layout.js";
import { hostPathOf } from "./sandbox.js";

/** The PATH a container gets when its image sets none (the Docker/containerd default). */
export const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Why runc could not start `argv[0]` inside the sandbox, or undefined when it can: looked up
 * in PATH unless it has a slash, as Go's exec.LookPath in runc does. Checked before bwrap
 * runs because bwrap's own failure (exit 1) would look like the command's.
 */
export function cannotStart(argv0: string, path: string, workingDir: string, mounts: readonly ContainerMount[]): string | undefined {
  if (argv0.includes("/")) {
    const sandboxPath = posix.resolve(workingDir, argv0);
    const problem = executableProblem(hostPathOf(sandboxPath, mounts));
    if (problem === "missing") return `exec: "${argv0}": stat ${argv0}: no such file or directory`;
    return problem === "not-executable" ? `exec: "${argv0}": permission denied` : undefined;
  }
  for (const dir of path.split(":")) {
    if (executableProblem(hostPathOf(posix.resolve(workingDir, dir || ".", argv0), mounts)) === undefined) return undefined;
  }
  return `exec: "${argv0}": executable file not found in $PATH`;
}

function executableProblem(hostPath: string | undefined): "missing" | "not-executable" | undefined {
  if (hostPath === undefined) return "missing";
  try {
    const stat = statSync(hostPath);
    return stat.isFile() && (stat.mode & 0o111) !== 0 ? undefined : "not-executable";
  } catch {
    return "missing";
  }
}

/**
 * The kubelet's message for an exec containerd could not start (runc's error wrapped by
 * containerd's streaming server and the kubelet's ServeExec).
 */
export function startFailureMessage(runcError: string): string {
  const execId = randomBytes(32).toString("hex");
  return `error executing command in container: failed to exec in container: failed to start exec "${execId}": OCI runtime exec failed: exec failed: unable to start container process: ${runcError}: unknown`;
}
