import type { ChildProcess } from "node:child_process";
import type { Writable } from "node:stream";
import type { JsonObject, KubeObject } from "../api-types.js";
import { containerMounts } from "../kubelet/volume-layout.js";
import type { ObjectStore } from "../store/index.js";
import type { ExecOutcome } from "./channel-protocol.js";
import { containerEnv } from "./container-env.js";
import { cannotStart, defaultPath, startFailureMessage } from "./find-executable.js";
import { LogBook, type LogStream } from "./log-book.js";
import { findContainer } from "./pod-containers.js";
import { exitCodeOf, killSandbox, spawnSandbox } from "./sandbox.js";

export interface ExecOptions {
  pod: KubeObject;
  container: string;
  argv: string[];
  stdin: boolean;
  tty: boolean;
}

export interface ExecProcess {
  /** The command's stdin, when asked for. */
  stdin?: Writable;
  /** Resolves once the command has ended and all its output has been passed on. */
  done: Promise<ExecOutcome>;
  kill(): void;
}

/**
 * The node side of the emulator's pods, what containerd is to a kubelet: runs exec'd
 * commands in a sandbox showing the container's volumes, and keeps what they print as the
 * container's log. Commands of a pod end when the pod is deleted, and its logs go with it.
 */
export class ContainerRuntime {
  readonly logs = new LogBook();
  /** pod uid -> its running commands */
  private readonly running = new Map<string, Set<ChildProcess>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly dataDir: string,
  ) {
    this.unsubscribe = store.subscribe((event) => {
      if (event.storageKey !== "/pods" || event.type !== "DELETED") return;
      const uid = event.object.metadata.uid ?? "";
      this.logs.forgetPod(uid);
      for (const child of this.running.get(uid) ?? []) killSandbox(child);
    });
  }

  /** Starts a command in a container of a scheduled pod; `output` gets what it prints as it comes. */
  exec(options: ExecOptions, output: (stream: LogStream, chunk: Buffer) => void): ExecProcess {
    const { pod, argv, tty } = options;
    const uid = pod.metadata.uid ?? "";
    const container = findContainer(pod, options.container) ?? {};
    const ns = pod.metadata.namespace ?? "default";
    const mounts = containerMounts(this.dataDir, pod, options.container, (claim) => this.boundVolume(ns, claim));
    const env = containerEnv(this.store, pod, container, tty);
    const workingDir = typeof container.workingDir === "string" && container.workingDir ? container.workingDir : "/";
    const path = env.find(([k]) => k === "PATH")?.[1] ?? defaultPath;
    const problem = cannotStart(argv[0] ?? "", path, workingDir, mounts);
    if (problem) return { done: Promise.resolve({ type: "failed", message: startFailureMessage(problem) }), kill: () => {} };

    const child = spawnSandbox({ argv, mounts, env, hostname: pod.metadata.name ?? "", workingDir, stdin: options.stdin, mergeStderr: tty });
    let children = this.running.get(uid);
    if (!children) this.running.set(uid, (children = new Set()));
    children.add(child);
    const pipe = (stream: LogStream, source: NodeJS.ReadableStream | null): void => {
      const log = this.logs.writer(uid, options.container, stream);
      source?.on("data", (chunk: Buffer) => {
        log.write(chunk);
        output(stream, chunk);
      });
      source?.on("end", () => log.end());
    };
    pipe("stdout", child.stdout);
    pipe("stderr", child.stderr);
    // A client that goes away mid-write is the client's business, not a crash.
    child.stdin?.on("error", () => {});
    const done = new Promise<ExecOutcome>((resolve) => {
      child.on("error", (err) => resolve({ type: "failed", message: `error executing command in container: ${err.message}` }));
      child.on("close", (code, signal) => resolve({ type: "exited", code: exitCodeOf(code, signal) }));
    }).finally(() => {
      children.delete(child);
      if (children.size === 0) this.running.delete(uid);
    });
    return { stdin: child.stdin ?? undefined, done, kill: () => killSandbox(child) };
  }

  /** Ends every running command; the emulator is stopping. */
  stop(): void {
    this.unsubscribe();
    for (const children of this.running.values()) for (const child of children) killSandbox(child);
    this.running.clear();
  }

  /** The PersistentVolume bound to a claim, if the claim is bound. */
  private boundVolume(ns: string, claim: string): KubeObject | undefined {
    const pvc = this.store.get("/persistentvolumeclaims", ns, claim);
    const volumeName = (pvc?.spec as JsonObject | undefined)?.volumeName;
    return typeof volumeName === "string" && volumeName ? this.store.get("/persistentvolumes", "", volumeName) : undefined;
  }
}
