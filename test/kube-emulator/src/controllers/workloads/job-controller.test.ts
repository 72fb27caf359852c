import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../../api-types.js";
import { startEmulator, type RunningEmulator } from "../../emulator.js";
import { ControllerClient } from "../client.js";
import { formatIndexes, newJobPod, parseIndexes } from "./job-pods.js";

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function job(name: string, spec: JsonObject = {}): KubeObject {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: "default" },
    spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36" }] } }, ...spec },
  };
}

describe("Job pods", () => {
  const owner = { ...job("pi", { completionMode: "Indexed", completions: 3 }), metadata: { name: "pi", namespace: "default", uid: "job-uid" } } as KubeObject;

  it("names indexed pods <job>-<index>- with the index annotation, hostname and env; the label from 1.28", () => {
    const pod = newJobPod(owner, 2, 28);
    expect(pod.metadata).toMatchObject({
      generateName: "pi-2-",
      annotations: { "batch.kubernetes.io/job-completion-index": "2" },
      labels: { "batch.kubernetes.io/job-completion-index": "2" },
      finalizers: ["batch.kubernetes.io/job-tracking"],
    });
    expect(pod.spec).toMatchObject({ hostname: "pi-2" });
    expect(((pod.spec as JsonObject).containers as JsonObject[])[0]!.env).toEqual([
      { name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
    ]);
    const old = newJobPod(owner, undefined, 25);
    expect(old.metadata.generateName).toBe("pi-");
    expect(old.metadata.finalizers).toBeUndefined();
    expect(newJobPod(owner, 0, 27).metadata.labels?.["batch.kubernetes.io/job-completion-index"]).toBeUndefined();
  });

  it("writes and reads completedIndexes as compressed intervals", () => {
    expect(formatIndexes([5, 1, 2, 3, 7, 8])).toBe("1-3,5,7-8");
    expect(formatIndexes([])).toBe("");
    expect([...parseIndexes("1-3,5,7-8", 8)].sort()).toEqual([1, 2, 3, 5, 7]);
  });
});

describe.each(["1.16", "1.30"])("Job controller on %s", (version) => {
  let emulator: RunningEmulator;
  let client: ControllerClient;
  const tracking = version === "1.30";
  beforeAll(async () => {
    emulator = await startEmulator({ k8sVersion: version, controllers: ["garbage-collector", "job"], controllerSettings: { jobBackoffMs: 20 } });
    client = new ControllerClient(emulator.service);
  });
  afterAll(async () => {
    await emulator.stop();
  });

  const podsOf = (name: string) => client.list("/pods", "default").filter((p) => p.metadata.labels?.["job-name"] === name);
  const jobStatus = (name: string) => (client.get("batch/jobs", "default", name)!.status as JsonObject | undefined) ?? {};
  const finish = (pod: KubeObject, phase: "Succeeded" | "Failed") => {
    const current = client.get("/pods", "default", pod.metadata.name!)!;
    const exitCode = phase === "Succeeded" ? 0 : 3;
    client.updateStatus("/pods", {
      ...current,
      status: { phase, containerStatuses: [{ name: "c", restartCount: 0, state: { terminated: { exitCode, finishedAt: new Date().toISOString() } } }] },
    });
  };
  const running = (name: string) => podsOf(name).filter((p) => !["Succeeded", "Failed"].includes(String((p.status as JsonObject | undefined)?.phase)));

  it("generates the selector and pod labels from the new Job's uid", () => {
    const created = client.create("batch/jobs", job("sel"));
    const uid = created.metadata.uid!;
    const spec = created.spec as JsonObject;
    const labels = ((spec.template as JsonObject).metadata as JsonObject).labels;
    if (tracking) {
      expect(spec.selector).toEqual({ matchLabels: { "batch.kubernetes.io/controller-uid": uid } });
      expect(labels).toEqual({ "controller-uid": uid, "batch.kubernetes.io/controller-uid": uid, "job-name": "sel", "batch.kubernetes.io/job-name": "sel" });
    } else {
      expect(spec.selector).toEqual({ matchLabels: { "controller-uid": uid } });
      expect(labels).toEqual({ "controller-uid": uid, "job-name": "sel" });
    }
  });

  it("runs completions=3 with parallelism=2 to Complete", async () => {
    client.create("batch/jobs", job("three", { completions: 3, parallelism: 2 }));
    const firstTwo = await until("two pods", () => running("three").length === 2 && running("three"));
    expect(tracking ? firstTwo[0]!.metadata.finalizers : undefined).toEqual(tracking ? ["batch.kubernetes.io/job-tracking"] : undefined);
    expect(jobStatus("three")).toMatchObject({ active: 2 });
    expect(jobStatus("three").startTime).toBeDefined();
    for (const p of firstTwo) finish(p, "Succeeded");
    const third = await until("third pod", () => running("three").length === 1 && running("three"));
    expect(podsOf("three")).toHaveLength(3);
    finish(third[0]!, "Succeeded");
    const status = await until("complete", () => (jobStatus("three").conditions ? jobStatus("three") : undefined));
    expect(status).toMatchObject({ succeeded: 3, conditions: [{ type: "Complete", status: "True" }] });
    expect(status.active).toBeUndefined();
    expect(status.completionTime).toBeDefined();
    if (tracking) {
      expect(status).toMatchObject({ ready: 0, terminating: 0, uncountedTerminatedPods: {} });
      await until("finalizers gone", () => podsOf("three").every((p) => !p.metadata.finalizers));
    }
  });

  it("fails with BackoffLimitExceeded once failures exceed backoffLimit", async () => {
    client.create("batch/jobs", job("fails", { backoffLimit: 1 }));
    const first = await until("pod", () => running("fails").length === 1 && running("fails")[0]);
    finish(first, "Failed");
    const second = await until("replacement", () => running("fails").length === 1 && running("fails")[0]!.metadata.uid !== first.metadata.uid && running("fails")[0]);
    finish(second, "Failed");
    const status = await until("failed", () => (jobStatus("fails").conditions ? jobStatus("fails") : undefined));
    expect(status).toMatchObject({ failed: 2, conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }] });
    expect(status.completionTime).toBeUndefined();
  });

  it("counts a deleted pod as a failure only with tracking finalizers (1.26+)", async () => {
    client.create("batch/jobs", job("lost", { backoffLimit: 3 }));
    const first = await until("pod", () => running("lost").length === 1 && running("lost")[0]);
    client.delete("/pods", first);
    await until("replacement", () => running("lost").some((p) => p.metadata.uid !== first.metadata.uid));
    await until("status", () => (tracking ? jobStatus("lost").failed === 1 : jobStatus("lost").active === 1));
    expect(jobStatus("lost").failed).toBe(tracking ? 1 : undefined);
    expect(client.get("/pods", "default", first.metadata.name!)?.metadata.uid === first.metadata.uid).toBe(false);
  });

  it("fails a Job past activeDeadlineSeconds and deletes its pods", async () => {
    client.create("batch/jobs", job("slow", { activeDeadlineSeconds: 1 }));
    await until("pod", () => running("slow").length === 1);
    const status = await until("deadline", () => (jobStatus("slow").conditions ? jobStatus("slow") : undefined), 4000);
    expect(status).toMatchObject({ conditions: [{ type: "Failed", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" }] });
    await until("pods gone", () => running("slow").length === 0);
  });

  if (tracking) {
    it("runs an Indexed Job one pod per index and reports completedIndexes", async () => {
      client.create("batch/jobs", job("idx", { completionMode: "Indexed", completions: 3, parallelism: 3 }));
      const pods = await until("3 pods", () => running("idx").length === 3 && running("idx"));
      expect(pods.map((p) => p.metadata.annotations?.["batch.kubernetes.io/job-completion-index"]).sort()).toEqual(["0", "1", "2"]);
      const byIndex = (i: string) => pods.find((p) => p.metadata.annotations?.["batch.kubernetes.io/job-completion-index"] === i)!;
      finish(byIndex("1"), "Succeeded");
      await until("index 1", () => jobStatus("idx").completedIndexes === "1");
      finish(byIndex("0"), "Succeeded");
      finish(byIndex("2"), "Succeeded");
      const status = await until("complete", () => (jobStatus("idx").conditions ? jobStatus("idx") : undefined));
      expect(status).toMatchObject({ succeeded: 3, completedIndexes: "0-2" });
    });

    it("lets the pods of a deleted Job go: the garbage collector deletes them and the finalizer no longer holds them", async () => {
      const created = client.create("batch/jobs", job("gone", { parallelism: 2, completions: 2 }));
      await until("pods", () => running("gone").length === 2);
      client.delete("batch/jobs", created, { propagationPolicy: "Background" });
      await until("pods deleted", () => podsOf("gone").length === 0);
    });

    it("releases an orphaned pod's tracking finalizer", async () => {
      const created = client.create("batch/jobs", job("orphaned"));
      const pod = await until("pod", () => running("orphaned")[0]);
      client.delete("batch/jobs", created, { propagationPolicy: "Orphan" });
      await until("released", () => {
        const p = client.get("/pods", "default", pod.metadata.name!);
        return p && !p.metadata.ownerReferences && !p.metadata.finalizers;
      });
    });

    it("suspends a Job: its pods go, a Suspended condition appears, and resuming restarts it", async () => {
      client.create("batch/jobs", job("sus"));
      await until("pod", () => running("sus").length === 1);
      const j = client.get("batch/jobs", "default", "sus")!;
      client.update("batch/jobs", { ...j, spec: { ...(j.spec as JsonObject), suspend: true } });
      await until("suspended", () => running("sus").length === 0 && jobStatus("sus").conditions);
      expect(jobStatus("sus")).toMatchObject({ conditions: [{ type: "Suspended", status: "True", reason: "JobSuspended" }] });
      expect(jobStatus("sus").failed).toBeUndefined();
      const k = client.get("batch/jobs", "default", "sus")!;
      client.update("batch/jobs", { ...k, spec: { ...(k.spec as JsonObject), suspend: false } });
      await until("resumed", () => running("sus").length === 1);
      expect(jobStatus("sus")).toMatchObject({ conditions: [{ type: "Suspended", status: "False", reason: "JobResumed" }] });
    });
  }
});
