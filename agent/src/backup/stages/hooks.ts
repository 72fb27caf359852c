import { create } from "@bufbuild/protobuf";
import { durationFromMs, durationMs, type Duration } from "@bufbuild/protobuf/wkt";
import { HookErrorMode, HookResultSchema, type BackupHook, type ExecHook, type HookResult } from "@lifeboat/proto";
import { LifeboatError, parseLabelSelector } from "@lifeboat/shared";
import type { ExecOutcome, PodExecutor } from "../hooks/pod-exec.js";
import { includeExcludeOf } from "../rules/name-patterns.js";

/** A pod a hook may run in: running, with its containers in spec order. */
export interface HookPod {
  namespace: string;
  name: string;
  containers: string[];
}

export interface HookContext {
  /** The running pods of `namespace` matching `labelSelector` ("" for all). */
  findPods(namespace: string, labelSelector: string): Promise<HookPod[]>;
  exec: PodExecutor;
  /** Told of each result as it comes. */
  onResult(result: HookResult): void;
  signal?: AbortSignal;
}

export type HookPhase = "pre" | "post";

/** ExecHook.timeout when unset. */
export const DEFAULT_HOOK_TIMEOUT_MS = 30_000;

/**
 * Runs the `phase` commands of every hook in the pods it selects among `namespaces` (the
 * backed-up ones), hook by hook, pod by pod, command by command, as Velero does. A failed
 * command of a Continue hook is recorded and the rest go on; of a Fail hook, it stops the backup:
 * this throws FAILED_PRECONDITION naming the hook, pod and reason. Returns every result.
 */
export async function runHooks(phase: HookPhase, hooks: readonly BackupHook[], namespaces: readonly string[], context: HookContext): Promise<HookResult[]> {
  const results: HookResult[] = [];
  for (const [hookIndex, hook] of hooks.entries()) {
    if ((phase === "pre" ? hook.pre : hook.post).length === 0) continue;
    const inScope = includeExcludeOf(hook.includedNamespaces, hook.excludedNamespaces);
    for (const namespace of namespaces.filter(inScope)) {
      for (const pod of await context.findPods(namespace, hook.labelSelector)) results.push(...(await runHookInPod(phase, hook, hookIndex, pod, context)));
    }
  }
  return results;
}

/**
 * Runs the `phase` commands of the hooks that select `pod` (by namespace and labels) in that pod
 * alone: the volume stage runs a pod's hooks around the copy of its volumes. Same error handling
 * as runHooks.
 */
export async function runPodHooks(phase: HookPhase, hooks: readonly BackupHook[], pod: HookPod & { labels: Readonly<Record<string, string>> }, context: Omit<HookContext, "findPods">): Promise<HookResult[]> {
  const results: HookResult[] = [];
  for (const [hookIndex, hook] of hooks.entries()) {
    if ((phase === "pre" ? hook.pre : hook.post).length === 0) continue;
    if (!includeExcludeOf(hook.includedNamespaces, hook.excludedNamespaces)(pod.namespace)) continue;
    if (hook.labelSelector && !parseLabelSelector(hook.labelSelector)(pod.labels)) continue;
    results.push(...(await runHookInPod(phase, hook, hookIndex, pod, context)));
  }
  return results;
}

async function runHookInPod(phase: HookPhase, hook: BackupHook, hookIndex: number, pod: HookPod, context: Omit<HookContext, "findPods">): Promise<HookResult[]> {
  const results: HookResult[] = [];
  for (const [commandIndex, command] of (phase === "pre" ? hook.pre : hook.post).entries()) {
    context.signal?.throwIfAborted();
    const result = await runOne(phase, hook, command, pod, context);
    results.push(result);
    context.onResult(result);
    if (!result.succeeded && command.onError === HookErrorMode.FAIL) {
      const field = `spec.hooks[${hookIndex}].${phase}[${commandIndex}]`;
      throw new LifeboatError(
        "FAILED_PRECONDITION",
        `${phase} hook "${hook.name}" (${field}, on_error FAIL) failed in pod ${pod.namespace}/${pod.name} container ${result.container}: ${result.error}`,
        { field, value: hook.name },
      );
    }
  }
  return results;
}

function runOne(phase: HookPhase, hook: BackupHook, command: ExecHook, pod: HookPod, context: Pick<HookContext, "exec" | "signal">): Promise<HookResult> {
  return runHookCommand(hook.name, phase, { container: command.container, command: command.command, timeoutMs: timeoutMsOf(command.timeout, DEFAULT_HOOK_TIMEOUT_MS) }, pod, context);
}

/** One command of a hook in one pod (in its first container when none is named), as a HookResult. */
export async function runHookCommand(
  hook: string,
  phase: string,
  command: { container: string; command: readonly string[]; timeoutMs: number },
  pod: HookPod,
  context: Pick<HookContext, "exec" | "signal">,
): Promise<HookResult> {
  const container = command.container || pod.containers[0] || "";
  const started = Date.now();
  const outcome: ExecOutcome = pod.containers.includes(container)
    ? await context.exec.exec({ namespace: pod.namespace, pod: pod.name, container }, command.command, command.timeoutMs, context.signal)
    : { exitCode: -1, stdout: "", stderr: "", error: `pod has no container "${container}"; it has ${pod.containers.join(", ") || "none"}` };
  return create(HookResultSchema, {
    hook,
    phase,
    namespace: pod.namespace,
    pod: pod.name,
    container,
    command: [...command.command],
    succeeded: outcome.error === undefined,
    exitCode: outcome.exitCode,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    error: outcome.error ?? "",
    duration: durationFromMs(Date.now() - started),
  });
}

/** A hook's Duration in milliseconds, `fallback` when unset or not positive. */
export function timeoutMsOf(timeout: Duration | undefined, fallback: number): number {
  const ms = timeout ? durationMs(timeout) : 0;
  return ms > 0 ? ms : fallback;
}

/** Throws INVALID_ARGUMENT naming the first hook command that has no command line. */
export function checkHooks(hooks: readonly BackupHook[]): void {
  for (const [hookIndex, hook] of hooks.entries()) {
    for (const phase of ["pre", "post"] as const) {
      const index = hook[phase].findIndex((c) => c.command.length === 0 || c.command[0] === "");
      if (index >= 0) {
        const field = `spec.hooks[${hookIndex}].${phase}[${index}].command`;
        throw new LifeboatError("INVALID_ARGUMENT", `${field} of hook "${hook.name}" is empty; give the command and its arguments`, { field });
      }
    }
  }
}
