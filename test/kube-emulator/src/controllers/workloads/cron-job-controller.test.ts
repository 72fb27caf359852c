import { afterAll, beforeAll, describe, it } from "vitest";
import type { JsonObject, KubeObject } from "../../api-types.js";
import { startEmulator, type RunningEmulator } from "../../emulator.js";
import { ControllerClient } from "../client.js";

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function cronJob(name: string, spec: JsonObject = {}): KubeObject {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, namespace: "default" },
    spec: {
      schedule: "* * * * *",
      jobTemplate: { metadata: { labels: { from: name } }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36" }] } } } },
      ...spec,
    },
  };
}

const complete = (client: ControllerClient, job: KubeObject) => {
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const current = client.get("batch/jobs", "default", job.metadata.name!)!;
  client.updateStatus("batch/jobs", { ...current, status: { startTime: at, completionTime: at, succeeded: 1, conditions: [{ type: "Complete", status: "True" }] } });
};

describe.each(["1.16", "1.30"])("CronJob controller on %s at 60x", (version) => {
  let emulator: RunningEmulator;
  let client: ControllerClient;
  const minor = Number(version.split(".")[1]);
  const ownerVersion = minor >= 21 ? "batch/v1" : "batch/v1beta1";
  beforeAll(async () => {
    emulator = await startEmulator({ k8sVersion: version, controllers: ["garbage-collector", "cronjob"], controllerSettings: { cronJobTimeScale: 60 } });
    client = new ControllerClient(emulator.service);
  });
  afterAll(async () => {
    await emulator.stop();
  });
  const jobsOf = (name: string) => client.list("batch/jobs", "default").filter((j) => j.metadata.ownerReferences?.[0]?.name === name);
  // Before 1.21 only batch/v1beta1 serves CronJobs.
  const create = (cj: KubeObject) => {
    const info = emulator.service.registry.lookup("batch", minor >= 21 ? "v1" : "v1beta1", "cronjobs")!;
    return emulator.service.create(info, "default", { ...cj, apiVersion: `batch/${info.version}` });
  };

  it.concurrent("creates the Job of each minute with owner, labels and, from 1.28, the scheduled timestamp", async ({ expect }) => {
    create(cronJob("tick"));
    const [job] = await until("a job", () => jobsOf("tick").length > 0 && jobsOf("tick"));
    const minutes = Number(/^tick-(\d+)$/.exec(job!.metadata.name!)?.[1]);
    expect(minutes).toBeGreaterThan(0);
    expect(job!.metadata.labels).toEqual({ from: "tick" });
    expect(job!.metadata.ownerReferences).toEqual([
      { apiVersion: ownerVersion, kind: "CronJob", name: "tick", uid: client.get("batch/cronjobs", "default", "tick")!.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    const annotation = job!.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"];
    expect(annotation).toBe(minor >= 28 ? new Date(minutes * 60_000).toISOString().replace(".000Z", "Z") : undefined);
    const status = client.get("batch/cronjobs", "default", "tick")!.status as JsonObject;
    expect(status.lastScheduleTime).toBe(new Date(minutes * 60_000).toISOString().replace(".000Z", "Z"));
    expect(status.active).toEqual([
      { kind: "Job", namespace: "default", name: job!.metadata.name, uid: job!.metadata.uid, apiVersion: "batch/v1", resourceVersion: job!.metadata.resourceVersion },
    ]);
    complete(client, job!);
    await until("active cleared", () => !(client.get("batch/cronjobs", "default", "tick")!.status as JsonObject).active || undefined);
    const after = client.get("batch/cronjobs", "default", "tick")!.status as JsonObject;
    expect(after.lastSuccessfulTime !== undefined).toBe(minor >= 22);
  });

  it.concurrent("keeps successfulJobsHistoryLimit finished Jobs", async ({ expect }) => {
    create(cronJob("hist", { successfulJobsHistoryLimit: 1 }));
    for (let i = 0; i < 3; i++) {
      const seen = new Set(jobsOf("hist").map((j) => j.metadata.uid));
      const next = await until("next job", () => jobsOf("hist").find((j) => !seen.has(j.metadata.uid)));
      complete(client, next);
    }
    await until("history pruned", () => jobsOf("hist").filter((j) => (j.status as JsonObject | undefined)?.completionTime).length <= 1);
  });

  it.concurrent("with concurrencyPolicy Forbid starts nothing while a Job runs", async ({ expect }) => {
    create(cronJob("forbid", { concurrencyPolicy: "Forbid" }));
    await until("first job", () => jobsOf("forbid").length === 1);
    await new Promise((r) => setTimeout(r, 2500));
    expect(jobsOf("forbid")).toHaveLength(1);
  });

  it.concurrent("with concurrencyPolicy Replace deletes the running Job for the next one", async ({ expect }) => {
    create(cronJob("replace", { concurrencyPolicy: "Replace" }));
    const first = await until("first job", () => jobsOf("replace")[0]);
    await until("replaced", () => jobsOf("replace").length === 1 && jobsOf("replace")[0]!.metadata.uid !== first.metadata.uid);
  });

  it.concurrent("creates nothing while suspended", async ({ expect }) => {
    create(cronJob("paused", { suspend: true }));
    await new Promise((r) => setTimeout(r, 2200));
    expect(jobsOf("paused")).toHaveLength(0);
  });
});

describe("CronJob controller with time stopped", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ k8sVersion: "1.30", controllers: ["cronjob"], controllerSettings: { cronJobTimeScale: 0 } });
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it.concurrent("never creates a Job", async ({ expect }) => {
    const client = new ControllerClient(emulator.service);
    client.create("batch/cronjobs", cronJob("never", { schedule: "* * * * *" }));
    await new Promise((r) => setTimeout(r, 1500));
    expect(client.list("batch/jobs", "default")).toHaveLength(0);
  });
});
