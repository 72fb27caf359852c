import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api-types.js";
import { statusErrorOf } from "../testing/status-error-of.js";
import { isContainerRunning, resolveContainer } from "./pod-containers.js";

function pod(containers: string[], status: Record<string, unknown> = {}, init: string[] = []): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", namespace: "default" },
    spec: { containers: containers.map((name) => ({ name, image: "x" })), initContainers: init.map((name) => ({ name, image: "x" })) },
    status: status as never,
  };
}

describe("which container a request means", () => {
  it("is the named one, or the only one", () => {
    expect(resolveContainer(pod(["app", "sidecar"]), "sidecar")).toBe("sidecar");
    expect(resolveContainer(pod(["app"]), undefined)).toBe("app");
    expect(resolveContainer(pod(["app"], {}, ["setup"]), "setup")).toBe("setup");
  });

  it("is refused with the apiserver's words when unknown or ambiguous", () => {
    expect(statusErrorOf(() => resolveContainer(pod(["app"]), "nope"))).toMatchObject({ code: 400, reason: "BadRequest", message: "container nope is not valid for pod web" });
    expect(statusErrorOf(() => resolveContainer(pod(["app", "sidecar"], {}, ["setup"]), ""))).toMatchObject({
      code: 400,
      message: "a container name must be specified for pod web, choose one of: [setup app sidecar]",
    });
  });
});

describe("whether a container runs", () => {
  it("follows its container status, or the pod's phase when there is none", () => {
    expect(isContainerRunning(pod(["app"], { phase: "Running", containerStatuses: [{ name: "app", state: { running: {} } }] }), "app")).toBe(true);
    expect(isContainerRunning(pod(["app"], { phase: "Running", containerStatuses: [{ name: "app", state: { terminated: { exitCode: 0 } } }] }), "app")).toBe(false);
    expect(isContainerRunning(pod(["app"], { phase: "Pending", containerStatuses: [{ name: "app", state: { waiting: { reason: "ContainerCreating" } } }] }), "app")).toBe(false);
    expect(isContainerRunning(pod(["app"], { phase: "Running" }), "app")).toBe(true);
    expect(isContainerRunning(pod(["app"], { phase: "Pending" }), "app")).toBe(false);
  });
});
