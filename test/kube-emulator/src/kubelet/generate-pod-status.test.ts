import { describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../api-types.js";
import { generatePodStatus, type ContainerRun, type PodRun } from "./generate-pod-status.js";

function pod(spec: JsonObject, conditions: JsonObject[] = []): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "ns", uid: "u" },
    spec: { containers: [{ name: "app", image: "nginx:1.25" }], ...spec },
    status: { phase: "Pending", conditions },
  };
}

const run = (at = "2024-05-01T12:00:00Z"): ContainerRun => ({ containerID: "containerd://abc", startedAt: at, restartCount: 0, lastState: {} });

function podRun(stage: PodRun["stage"], containers: string[] = [], init: string[] = [], phase?: PodRun["phase"]): PodRun {
  return {
    stage,
    phase,
    startTime: "2024-05-01T12:00:00Z",
    hostIP: "172.18.0.2",
    podIP: stage === "waiting" ? undefined : "10.244.0.2",
    containers: new Map(containers.map((c) => [c, run()])),
    initContainers: new Map(init.map((c) => [c, run()])),
  };
}

const conditionsOf = (status: JsonObject) => Object.fromEntries((status.conditions as JsonObject[]).map((c) => [c.type, [c.status, c.reason ?? "", c.message ?? ""]]));

describe("generatePodStatus", () => {
  it("reports a running pod as the 1.30 kubelet does", () => {
    const status = generatePodStatus(30, pod({}), podRun("running", ["app"]));
    expect(status).toMatchObject({
      phase: "Running",
      hostIP: "172.18.0.2",
      hostIPs: [{ ip: "172.18.0.2" }],
      podIP: "10.244.0.2",
      podIPs: [{ ip: "10.244.0.2" }],
      startTime: "2024-05-01T12:00:00Z",
      qosClass: "BestEffort",
    });
    expect((status.conditions as JsonObject[]).map((c) => c.type)).toEqual(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]);
    expect((status.conditions as JsonObject[]).every((c) => c.status === "True" && c.lastProbeTime === null && typeof c.lastTransitionTime === "string")).toBe(true);
    expect((status.containerStatuses as JsonObject[])[0]).toEqual({
      name: "app",
      state: { running: { startedAt: "2024-05-01T12:00:00Z" } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: "docker.io/library/nginx:1.25",
      imageID: expect.stringMatching(/^docker\.io\/library\/nginx@sha256:/),
      containerID: "containerd://abc",
      started: true,
    });
  });

  it("has no PodReadyToStartContainers or hostIPs before 1.29", () => {
    const status = generatePodStatus(16, pod({}), podRun("running", ["app"]));
    expect((status.conditions as JsonObject[]).map((c) => c.type)).toEqual(["Initialized", "Ready", "ContainersReady", "PodScheduled"]);
    expect(status.hostIPs).toBeUndefined();
  });

  it("shows a pod waiting for its volumes as ContainerCreating, or PodInitializing with init containers", () => {
    const waiting = generatePodStatus(30, pod({}), podRun("waiting"));
    expect(waiting.phase).toBe("Pending");
    expect(waiting.podIP).toBeUndefined();
    expect((waiting.containerStatuses as JsonObject[])[0]).toMatchObject({ state: { waiting: { reason: "ContainerCreating" } }, ready: false, started: false, imageID: "" });
    expect(conditionsOf(waiting)).toMatchObject({
      PodReadyToStartContainers: ["False", "", ""],
      Ready: ["False", "ContainersNotReady", "containers with unready status: [app]"],
    });
    const withInit = generatePodStatus(30, pod({ initContainers: [{ name: "setup", image: "busybox" }] }), podRun("waiting"));
    expect((withInit.initContainerStatuses as JsonObject[])[0]).toMatchObject({ state: { waiting: { reason: "PodInitializing" } } });
    expect(conditionsOf(withInit).Initialized).toEqual(["False", "ContainersNotInitialized", "containers with incomplete status: [setup]"]);
  });

  it("reports completed init containers as terminated and ready", () => {
    const status = generatePodStatus(30, pod({ initContainers: [{ name: "setup", image: "busybox" }] }), podRun("running", ["app"], ["setup"]));
    expect((status.initContainerStatuses as JsonObject[])[0]).toMatchObject({
      name: "setup",
      state: { terminated: { exitCode: 0, reason: "Completed", containerID: "containerd://abc" } },
      ready: true,
      started: false,
    });
    expect(conditionsOf(status).Initialized).toEqual(["True", "", ""]);
  });

  it("holds Ready back until every readiness gate's condition is True", () => {
    const spec = { readinessGates: [{ conditionType: "example.com/lb" }] };
    const missing = generatePodStatus(30, pod(spec), podRun("running", ["app"]));
    expect(conditionsOf(missing).Ready).toEqual(["False", "ReadinessGatesNotReady", 'corresponding condition of pod readiness gate "example.com/lb" does not exist.']);
    expect(conditionsOf(missing).ContainersReady).toEqual(["True", "", ""]);
    const falseGate = generatePodStatus(30, pod(spec, [{ type: "example.com/lb", status: "False" }]), podRun("running", ["app"]));
    expect(conditionsOf(falseGate).Ready).toEqual(["False", "ReadinessGatesNotReady", 'the status of pod readiness gate "example.com/lb" is not "True", but False']);
    const open = generatePodStatus(30, pod(spec, [{ type: "example.com/lb", status: "True" }]), podRun("running", ["app"]));
    expect(conditionsOf(open).Ready).toEqual(["True", "", ""]);
    // The gate's own condition is kept, ahead of the kubelet's.
    expect((open.conditions as JsonObject[])[0]).toEqual({ type: "example.com/lb", status: "True" });
  });

  it("keeps a condition's transition time while its status holds", () => {
    const earlier = { type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: "2020-01-01T00:00:00Z" };
    const status = generatePodStatus(30, pod({}, [earlier]), podRun("running", ["app"]));
    expect((status.conditions as JsonObject[]).find((c) => c.type === "Ready")!.lastTransitionTime).toBe("2020-01-01T00:00:00Z");
  });

  it("reports Succeeded and Failed pods with terminated containers", () => {
    const done = podRun("terminated", ["app"], [], "Succeeded");
    done.containers.get("app")!.terminated = { exitCode: 0, reason: "Completed", finishedAt: "2024-05-01T12:00:01Z" };
    const succeeded = generatePodStatus(30, pod({ restartPolicy: "Never" }), done);
    expect(succeeded.phase).toBe("Succeeded");
    expect((succeeded.containerStatuses as JsonObject[])[0]).toMatchObject({
      state: { terminated: { exitCode: 0, reason: "Completed", startedAt: "2024-05-01T12:00:00Z", finishedAt: "2024-05-01T12:00:01Z" } },
      ready: false,
      started: false,
    });
    expect(conditionsOf(succeeded)).toMatchObject({ Ready: ["False", "PodCompleted", ""], ContainersReady: ["False", "PodCompleted", ""], PodReadyToStartContainers: ["False", "", ""] });

    const crashed = podRun("terminated", ["app"], [], "Failed");
    crashed.containers.get("app")!.terminated = { exitCode: 3, reason: "Error", finishedAt: "2024-05-01T12:00:01Z" };
    const failed = generatePodStatus(30, pod({ restartPolicy: "Never" }), crashed);
    expect(failed.phase).toBe("Failed");
    expect((failed.containerStatuses as JsonObject[])[0]).toMatchObject({ state: { terminated: { exitCode: 3, reason: "Error" } } });
    expect(conditionsOf(failed).Ready).toEqual(["False", "ContainersNotReady", "containers with unready status: [app]"]);
  });
});
