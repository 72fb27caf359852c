import type { JsonObject, KubeObject } from "../api-types.js";
import { badRequest } from "../http/status-error.js";

/** The containers of a pod spec of one kind ("containers", "initContainers", "ephemeralContainers"). */
function listOf(pod: KubeObject, field: string): JsonObject[] {
  const value = (pod.spec as JsonObject | undefined)?.[field];
  return Array.isArray(value) ? value.filter((c): c is JsonObject => typeof c === "object" && c !== null && !Array.isArray(c)) : [];
}

/** Every container of a pod in podutil.VisitContainers order: init, regular, ephemeral. */
function allContainers(pod: KubeObject): JsonObject[] {
  return [...listOf(pod, "initContainers"), ...listOf(pod, "containers"), ...listOf(pod, "ephemeralContainers")];
}

export function findContainer(pod: KubeObject, name: string): JsonObject | undefined {
  return allContainers(pod).find((c) => c.name === name);
}

/**
 * The container a request means: the named one, which must exist, or the only one
 * (validateContainer in pkg/registry/core/pod/strategy.go).
 */
export function resolveContainer(pod: KubeObject, requested: string | undefined): string {
  const podName = pod.metadata.name ?? "";
  if (!requested) {
    const containers = listOf(pod, "containers");
    if (containers.length === 1) return String(containers[0]!.name);
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${podName}`);
    const names = allContainers(pod).map((c) => String(c.name));
    throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${names.join(" ")}]`);
  }
  if (!findContainer(pod, requested)) throw badRequest(`container ${requested} is not valid for pod ${podName}`);
  return requested;
}

export function nodeNameOf(pod: KubeObject): string | undefined {
  const nodeName = (pod.spec as JsonObject | undefined)?.nodeName;
  return typeof nodeName === "string" && nodeName !== "" ? nodeName : undefined;
}

/** The container's entry in the pod's status, among regular, init and ephemeral statuses. */
export function containerStatus(pod: KubeObject, name: string): JsonObject | undefined {
  const status = (pod.status as JsonObject | undefined) ?? {};
  for (const field of ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"]) {
    const list = status[field];
    if (!Array.isArray(list)) continue;
    const found = list.find((s): s is JsonObject => typeof s === "object" && s !== null && !Array.isArray(s) && s.name === name);
    if (found) return found;
  }
  return undefined;
}

/**
 * Whether the container runs: its status says so, or, for a pod whose kubelet reports no
 * container statuses, the pod is Running.
 */
export function isContainerRunning(pod: KubeObject, name: string): boolean {
  const status = containerStatus(pod, name);
  if (status) return typeof status.state === "object" && status.state !== null && "running" in status.state;
  return (pod.status as JsonObject | undefined)?.phase === "Running";
}
