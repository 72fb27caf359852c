import type { RestoreHook } from "@lifeboat/proto";
import { includeExcludeOf } from "../../backup/rules/name-patterns.js";
import { parseLabelSelector, type LabelSelector } from "@lifeboat/shared";
import type { PodLike } from "./pod-specs.js";

/** A restore hook's init containers with the test of which pods receive them. */
export interface InitContainerHookRule {
  /** Whether a pod in target namespace `namespace` with `labels` receives the containers. */
  matches(namespace: string, labels: Readonly<Record<string, string>> | undefined): boolean;
  containers: Array<{ name: string; image: string; command: string[] }>;
}

/**
 * Compiles the spec's hooks that carry init containers. Throws INVALID_ARGUMENT naming
 * `spec.hooks[i].label_selector` when a selector does not parse.
 */
export function initContainerHookRulesOf(hooks: readonly RestoreHook[]): InitContainerHookRule[] {
  return hooks.flatMap((hook, i) => {
    if (hook.initContainers.length === 0) return [];
    const inNamespace = includeExcludeOf(hook.includedNamespaces, hook.excludedNamespaces);
    const selects: LabelSelector = parseLabelSelector(hook.labelSelector, `spec.hooks[${i}].label_selector`);
    return [
      {
        matches: (namespace: string, labels: Readonly<Record<string, string>> | undefined) => inNamespace(namespace) && selects(labels ?? {}),
        containers: hook.initContainers.map((c) => ({ name: c.name, image: c.image, command: [...c.command] })),
      },
    ];
  });
}

/**
 * Puts the init containers of the matching hooks in front of the pod's own, in hook order, so
 * they run before the application starts (e.g. to restore its data). A container whose name the
 * pod already has is not added again, so a retried restore does not stack copies. Works on a Pod
 * or a pod template; `namespace` is the pod's target namespace. Changes `pod`.
 */
export function addInitContainers(pod: PodLike, hooks: readonly InitContainerHookRule[], namespace: string): void {
  const added: Array<Record<string, unknown>> = [];
  const taken = new Set((pod.spec?.initContainers ?? []).map((c) => c.name));
  for (const hook of hooks) {
    if (!hook.matches(namespace, pod.metadata?.labels)) continue;
    for (const container of hook.containers) {
      if (taken.has(container.name)) continue;
      taken.add(container.name);
      added.push({ name: container.name, image: container.image, ...(container.command.length > 0 ? { command: container.command } : {}) });
    }
  }
  if (added.length === 0) return;
  const spec = (pod.spec ??= {});
  spec.initContainers = [...added, ...(spec.initContainers ?? [])];
}
