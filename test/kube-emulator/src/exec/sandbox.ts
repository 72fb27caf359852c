import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readlinkSync } from "node:fs";
import { constants } from "node:os";
import { join, posix } from "node:path";
import type { ContainerMount } from "../kubelet/volume-layout.js";

/**
 * A container for exec'd commands: a private mount namespace (bubblewrap) whose root is an
 * empty tmpfs holding the host's /usr and /etc read-only, fresh /proc, /dev and /tmp, and
 * the pod's volumes at their mountPaths. It has its own PID and UTS namespaces (the pod
 * name as hostname) and only the container's environment.
 */
export const bwrapPath = "/usr/bin/bwrap";

export interface SandboxSpec {
  argv: readonly string[];
  mounts: readonly ContainerMount[];
  /** In order; later entries win, as in a container's env. */
  env: ReadonlyArray<readonly [string, string]>;
  hostname: string;
  workingDir?: string;
  stdin: boolean;
  /** tty: one output stream, stderr folded into stdout. */
  mergeStderr: boolean;
}

/** Host directories the sandbox shows read-only at the same path. */
const readOnlyTrees = ["/usr", "/etc"];
/** The merged-/usr symlinks of a Debian root. */
const rootSymlinks: ReadonlyArray<readonly [string, string]> = [
  ["usr/bin", "/bin"],
  ["usr/lib", "/lib"],
  ["usr/lib64", "/lib64"],
  ["usr/sbin", "/sbin"],
];

/** Where a path inside the sandbox lives on the host, when it shows a host file at all. */
export function hostPathOf(sandboxPath: string, mounts: readonly ContainerMount[]): string | undefined {
  const path = posix.normalize(sandboxPath);
  const mount = [...mounts]
    .filter((m) => path === m.mountPath || path.startsWith(`${m.mountPath.replace(/\/+$/, "")}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (mount) return join(mount.hostPath, posix.relative(mount.mountPath, path));
  for (const [target, link] of rootSymlinks) {
    if (path === link || path.startsWith(`${link}/`)) return `/${target}${path.slice(link.length)}`;
  }
  return readOnlyTrees.some((t) => path === t || path.startsWith(`${t}/`)) ? path : undefined;
}

/** The bwrap command line for `spec` (everything after the bwrap binary). */
export function sandboxArgs(spec: SandboxSpec): string[] {
  // Mount parents before children, as the runtime sorts mounts by path.
  const mounts = [...spec.mounts].sort((a, b) => depth(a.mountPath) - depth(b.mountPath));
  const args = ["--die-with-parent", "--unshare-pid", "--unshare-uts", "--hostname", spec.hostname, "--clearenv", "--tmpfs", "/"];
  for (const tree of readOnlyTrees) {
    args.push(...readOnlyTreeArgs(tree, tree, missingMountPoints(tree, mounts)));
    if (tree === "/usr") for (const [target, link] of rootSymlinks) args.push("--symlink", target, link);
  }
  args.push("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp");
  for (const m of mounts) args.push(m.readOnly ? "--ro-bind" : "--bind", m.hostPath, m.mountPath);
  const workingDir = spec.workingDir || "/";
  if (hostPathOf(workingDir, mounts) === undefined && workingDir !== "/") args.push("--dir", workingDir);
  args.push("--chdir", workingDir);
  for (const [name, value] of spec.env) args.push("--setenv", name, value);
  args.push("--", ...spec.argv);
  return args;
}

function depth(path: string): number {
  return posix.normalize(path).split("/").filter(Boolean).length;
}

/** Mount points inside a read-only tree that the host lacks: bwrap cannot create them there. */
function missingMountPoints(tree: string, mounts: readonly ContainerMount[]): string[] {
  return mounts.map((m) => posix.normalize(m.mountPath)).filter((p) => p.startsWith(`${tree}/`) && !existsSync(p));
}

/**
 * A read-only bind of `host` at `target`, except along the way to mount points the host
 * lacks: there the directory becomes a tmpfs holding binds of its entries, so that bwrap
 * can create the mount point in it.
 */
function readOnlyTreeArgs(host: string, target: string, missing: readonly string[]): string[] {
  if (!missing.some((m) => m.startsWith(`${target}/`))) return ["--ro-bind", host, target];
  const args = ["--tmpfs", target];
  for (const entry of readdirSync(host, { withFileTypes: true })) {
    const from = join(host, entry.name);
    const to = posix.join(target, entry.name);
    if (entry.isSymbolicLink()) args.push("--symlink", readlinkSync(from), to);
    else if (entry.isDirectory()) args.push(...readOnlyTreeArgs(from, to, missing));
    else args.push("--ro-bind-try", from, to);
  }
  return args;
}

/**
 * Starts the sandboxed command in a process group of its own, so that it can be killed
 * whole. The volume directories are created first, as the kubelet would have.
 */
export function spawnSandbox(spec: SandboxSpec): ChildProcess {
  for (const m of spec.mounts) if (!existsSync(m.hostPath)) mkdirSync(m.hostPath, { recursive: true });
  const args = sandboxArgs(spec);
  const stdio: ["pipe" | "ignore", "pipe", "pipe"] = [spec.stdin ? "pipe" : "ignore", "pipe", "pipe"];
  // A tty has one output stream: a shell outside the sandbox points stderr at stdout and execs bwrap.
  return spec.mergeStderr
    ? spawn("/bin/sh", ["-c", 'exec "$@" 2>&1', "sh", bwrapPath, ...args], { detached: true, stdio, env: {} })
    : spawn(bwrapPath, args, { detached: true, stdio, env: {} });
}

/** Kills the process group of a sandbox started by spawnSandbox. */
export function killSandbox(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** A process's exit as a shell reports it: the code, or 128 + the signal's number. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}
