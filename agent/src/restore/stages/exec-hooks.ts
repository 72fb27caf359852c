// The restore hooks stage: the exec commands of RestoreSpec.hooks, run in the restored pods they
// select once those pods run (init-container hooks were added to the pods by the transform stage).
import { create } from "@bufbuild/protobuf";
import { HookErrorMode, HookResultSchema, type HookResult, type RestoreHook } from "@lifeboat/proto";
import { parseLabelSelector } from "@lifeboat/shared";
import { setTimeout as sleep } from "node:timers/promises";
import type { PodExecutor } from "../../backup/hooks/pod-exec.js";
import { includeExcludeOf } from "../../backup/rules/name-patterns.js";
import { runHookCommand, timeoutMsOf } from "../../backup/stages/hooks.js";
import type { KubeObject } from "../types.js";

/** RestoreExecHook.wait_timeout and exec_timeout when unset. */
export const DEFAULT_WAIT_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_EXEC_TIMEOUT_MS = 30_000;

export interface ExecHookContext {
  exec: PodExecutor;
  /** The pod as the API server has it now, undefined when it is gone. */
  readPod(namespace: string, name: string): Promise<KubeObject | undefined>;
  onResult(result: HookResult): void;
  signal?: AbortSignal;
  /** How often a pod is looked at while waiting for it to run; default 1 s. */
  pollMs?: number;
}

/** A pod the restore created or updated, in the target. */
export interface RestoredPod {
  namespace: string;
  name: string;
}

/**
 * Runs each hook's exec commands in the restored pods it selects (target namespace and label
 * selector), hook by hook, pod by pod, command by command, as Velero does. Each command first
 * waits (wait_timeout) until its container runs; a command that fails, or a pod that never runs,
 * is a failed HookResult. on_error CONTINUE goes on with the next command; FAIL stops that
 * hook's remaining commands in that pod. Either way the restore ends PartiallyFailed.
 */
export async function runRestoreExecHooks(hooks: readonly RestoreHook[], pods: readonly RestoredPod[], context: ExecHookContext): Promise<void> {
  for (const [i, hook] of hooks.entries()) {
    if (hook.exec.length === 0) continue;
    const inScope = includeExcludeOf(hook.includedNamespaces, hook.excludedNamespaces);
    const selects = parseLabelSelector(hook.labelSelector, `spec.hooks[${i}].label_selector`);
    for (const restored of pods.filter((p) => inScope(p.namespace))) {
      const pod = await context.readPod(restored.namespace, restored.name);
      if (!pod || !selects(pod.metadata.labels ?? {})) continue;
      for (const command of hook.exec) {
        context.signal?.throwIfAborted();
        const container = command.container;
        const waited = await waitUntilRunning(restored, container, timeoutMsOf(command.waitTimeout, DEFAULT_WAIT_TIMEOUT_MS), context);
        const result = waited.containers
          ? await runHookCommand(hook.name, "restore", { container, command: command.command, timeoutMs: timeoutMsOf(command.execTimeout, DEFAULT_EXEC_TIMEOUT_MS) }, { ...restored, containers: waited.containers }, context)
          : create(HookResultSchema, { hook: hook.name, phase: "restore", namespace: restored.namespace, pod: restored.name, container, command: [...command.command], succeeded: false, exitCode: -1, error: waited.why });
        context.onResult(result);
        if (!result.succeeded && command.onError === HookErrorMode.FAIL) break;
      }
    }
  }
}

/** Polls the pod until it runs, with `container` (or its first) running; why not, when it does not in time. */
async function waitUntilRunning(
  restored: RestoredPod,
  container: string,
  timeoutMs: number,
  context: ExecHookContext,
): Promise<{ containers?: string[]; why: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pod = await context.readPod(restored.namespace, restored.name);
    if (!pod) return { why: `pod ${restored.namespace}/${restored.name} is gone` };
    const spec = pod.spec as { containers?: Array<{ name: string }> } | undefined;
    const status = pod.status as { phase?: string; containerStatuses?: Array<{ name: string; state?: { running?: unknown } }> } | undefined;
    const containers = (spec?.containers ?? []).map((c) => c.name);
    const wanted = container || containers[0];
    const running = status?.phase === "Running" && (status.containerStatuses ?? []).some((c) => c.name === wanted && c.state?.running !== undefined);
    if (running) return { containers, why: "" };
    if (Date.now() >= deadline) return { why: `container ${wanted ?? "(none)"} of pod ${restored.namespace}/${restored.name} was not running within ${Math.round(timeoutMs / 1000)} s (pod phase ${status?.phase ?? "unknown"})` };
    await sleep(context.pollMs ?? 1_000, undefined, { signal: context.signal });
  }
}
