import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../api-types.js";
import { startEmulator, type RunningEmulator } from "../emulator.js";
import { ControllerClient } from "./client.js";

// 1.16 keeps CronJobs as batch/v1 and PodDisruptionBudgets as policy/v1 but serves neither version.
let emulator: RunningEmulator;
let client: ControllerClient;
beforeAll(async () => {
  emulator = await startEmulator({ k8sVersion: "1.16", controllers: [] });
  client = new ControllerClient(emulator.service);
  const { service } = emulator;
  service.create(service.registry.lookup("", "v1", "namespaces")!, undefined, { metadata: { name: "c" } });
});
afterAll(async () => {
  await emulator?.stop();
});

describe("ControllerClient on a persona that does not serve the storage version", () => {
  it("addresses a storage key through a version it serves", () => {
    expect(client.info("batch/cronjobs")).toMatchObject({ group: "batch", version: "v1beta1", resource: "cronjobs" });
    expect(client.info("policy/poddisruptionbudgets")).toMatchObject({ group: "policy", version: "v1beta1" });
    expect(client.info("apps/deployments")).toMatchObject({ group: "apps", version: "v1" });
    expect(() => client.info("example.com/widgets")).toThrow("no served resource is stored under example.com/widgets");
  });

  it("writes storage-version objects and answers with them", () => {
    const cronJob: KubeObject = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "nightly", namespace: "c" },
      spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { spec: { containers: [{ name: "m", image: "busybox:1.36" }], restartPolicy: "Never" } } } } },
    };
    const created = client.create("batch/cronjobs", cronJob);
    expect(created.apiVersion).toBe("batch/v1");
    expect(created.metadata).not.toHaveProperty("selfLink");
    expect(created).toBe(emulator.service.store.get("batch/cronjobs", "c", "nightly"));
    const lastScheduleTime = "2024-05-01T03:00:00Z";
    const written = client.updateStatus("batch/cronjobs", { ...created, status: { lastScheduleTime } });
    expect(written.status).toEqual({ lastScheduleTime });
    expect(written.apiVersion).toBe("batch/v1");
    const deleted = client.delete("batch/cronjobs", written);
    expect(deleted).toMatchObject({ apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "nightly" } });
    expect(deleted.metadata).not.toHaveProperty("selfLink");
    expect(emulator.service.store.get("batch/cronjobs", "c", "nightly")).toBeUndefined();
  });
});
