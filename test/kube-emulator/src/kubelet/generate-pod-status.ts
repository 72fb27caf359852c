import type { JsonObject, KubeObject } from "../api-types.js";
import { now } from "../api/object-meta.js";
import { imageId, normalizeImage } from "./image-ref.js";
import { podQosClass } from "./qos-class.js";

/**
 * The status a kubelet posts for a pod (pkg/kubelet/kubelet_pods.go generateAPIPodStatus,
 * pkg/kubelet/status/generate.go): phase, the conditions the kubelet owns, container
 * statuses as containerd reports them, addresses and QoS class. Conditions others own
 * (readiness gates, DisruptionTarget) are kept, as the status manager merges them.
 */

/** One run of a container. */
export interface ContainerRun {
  containerID: string;
  startedAt: string;
  restartCount: number;
  /** The previous run's end, as lastState ({} before any restart). */
  lastState: JsonObject;
  /** Set when this run has ended and the container will not run again. */
  terminated?: { exitCode: number; reason: string; finishedAt: string };
}

/** What the kubelet knows of the pod: waiting for volumes, running, or ended (phase Succeeded or Failed, or Running for a deleted pod before 1.27). */
export interface PodRun {
  stage: "waiting" | "running" | "terminated";
  phase?: "Succeeded" | "Failed" | "Running";
  startTime: string;
  hostIP: string;
  podIP?: string;
  containers: Map<string, ContainerRun>;
  initContainers: Map<string, ContainerRun>;
}

const kubeletConditions = new Set(["PodScheduled", "Ready", "Initialized", "ContainersReady", "PodReadyToStartContainers"]);

const asObject = (v: unknown): JsonObject => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {});
const asObjects = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.map(asObject) : []);

/** A sidecar: an init container that keeps running (restartPolicy Always, from 1.28). */
export function isSidecar(container: JsonObject, minor: number): boolean {
  return minor >= 28 && container.restartPolicy === "Always";
}

function terminatedState(run: ContainerRun, exitCode: number, reason: string, finishedAt: string): JsonObject {
  return { terminated: { exitCode, reason, startedAt: run.startedAt, finishedAt, containerID: run.containerID } };
}

function containerStatus(container: JsonObject, run: ContainerRun | undefined, waitingReason: string, init: boolean, sidecar: boolean): JsonObject {
  const name = String(container.name ?? "");
  const image = normalizeImage(String(container.image ?? ""));
  if (!run) {
    return { name, state: { waiting: { reason: waitingReason } }, lastState: {}, ready: false, restartCount: 0, image, imageID: "", started: false };
  }
  const ended = run.terminated ?? (init && !sidecar ? { exitCode: 0, reason: "Completed", finishedAt: run.startedAt } : undefined);
  const state = ended ? terminatedState(run, ended.exitCode, ended.reason, ended.finishedAt) : { running: { startedAt: run.startedAt } };
  return {
    name,
    state,
    lastState: run.lastState,
    // A completed init container counts as ready; an ended regular container does not.
    ready: ended ? init && ended.exitCode === 0 : true,
    restartCount: run.restartCount,
    image,
    imageID: imageId(String(container.image ?? "")),
    containerID: run.containerID,
    started: !ended,
  };
}

function condition(type: string, status: boolean, previous: JsonObject[], at: string, reason?: string, message?: string): JsonObject {
  const value = status ? "True" : "False";
  const before = previous.find((c) => c.type === type);
  // The status manager keeps a condition's transition time while its status stays the same.
  const lastTransitionTime = before?.status === value && typeof before.lastTransitionTime === "string" ? before.lastTransitionTime : at;
  return { type, status: value, lastProbeTime: null, lastTransitionTime, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

/** GeneratePodReadyCondition's readiness-gate half: why the gates hold the pod back, if they do. */
function readinessGateMessage(spec: JsonObject, conditions: JsonObject[]): string | undefined {
  const messages: string[] = [];
  for (const gate of asObjects(spec.readinessGates)) {
    const type = String(gate.conditionType ?? "");
    const c = conditions.find((x) => x.type === type);
    if (!c) messages.push(`corresponding condition of pod readiness gate "${type}" does not exist.`);
    else if (c.status !== "True") messages.push(`the status of pod readiness gate "${type}" is not "True", but ${String(c.status)}`);
  }
  return messages.length > 0 ? messages.join(", ") : undefined;
}

export function generatePodStatus(minor: number, pod: KubeObject, run: PodRun): JsonObject {
  const spec = asObject(pod.spec);
  const previous = asObject(pod.status);
  const previousConditions = asObjects(previous.conditions);
  const at = now();
  const containers = asObjects(spec.containers);
  const initContainers = asObjects(spec.initContainers);
  const waitingReason = initContainers.length > 0 ? "PodInitializing" : "ContainerCreating";
  const phase = run.stage === "waiting" ? "Pending" : run.stage === "running" ? "Running" : run.phase ?? "Failed";

  const initStatuses = initContainers.map((c) => containerStatus(c, run.initContainers.get(String(c.name)), waitingReason, true, isSidecar(c, minor)));
  const statuses = containers.map((c) => containerStatus(c, run.containers.get(String(c.name)), waitingReason, false, false));

  const unready = statuses.filter((s) => s.ready !== true).map((s) => String(s.name));
  const containersReady =
    phase === "Succeeded"
      ? condition("ContainersReady", false, previousConditions, at, "PodCompleted")
      : unready.length > 0
        ? condition("ContainersReady", false, previousConditions, at, "ContainersNotReady", `containers with unready status: [${unready.join(" ")}]`)
        : condition("ContainersReady", true, previousConditions, at);
  const others = previousConditions.filter((c) => !kubeletConditions.has(String(c.type)));
  let ready: JsonObject;
  if (containersReady.status !== "True") {
    ready = condition("Ready", false, previousConditions, at, containersReady.reason as string | undefined, containersReady.message as string | undefined);
  } else {
    const gates = readinessGateMessage(spec, others);
    ready = gates ? condition("Ready", false, previousConditions, at, "ReadinessGatesNotReady", gates) : condition("Ready", true, previousConditions, at);
  }
  const incomplete = initStatuses.filter((s) => asObject(asObject(s.state).terminated).exitCode !== 0 && !asObject(s.state).running).map((s) => String(s.name));
  const initialized =
    initContainers.length === 0
      ? condition("Initialized", true, previousConditions, at)
      : incomplete.length > 0
        ? condition("Initialized", false, previousConditions, at, "ContainersNotInitialized", `containers with incomplete status: [${incomplete.join(" ")}]`)
        : phase === "Succeeded"
          ? condition("Initialized", true, previousConditions, at, "PodCompleted")
          : condition("Initialized", true, previousConditions, at);
  const conditions = [
    ...others,
    // PodReadyToStartContainers is on by default from 1.29: the sandbox and its network exist.
    ...(minor >= 29 ? [condition("PodReadyToStartContainers", run.stage === "running", previousConditions, at)] : []),
    initialized,
    ready,
    containersReady,
    condition("PodScheduled", true, previousConditions, at),
  ];

  return {
    phase,
    conditions,
    hostIP: run.hostIP,
    ...(minor >= 29 ? { hostIPs: [{ ip: run.hostIP }] } : {}),
    ...(run.podIP ? { podIP: run.podIP, podIPs: [{ ip: run.podIP }] } : {}),
    startTime: run.startTime,
    ...(initStatuses.length > 0 ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
    qosClass: podQosClass(spec),
  };
}
