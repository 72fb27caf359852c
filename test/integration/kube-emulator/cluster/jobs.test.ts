// The Job controller against real kubectl and client-node, with the emulator's scheduler and
// kubelet running the pods to completion: completions and parallelism, `kubectl wait` on the
// Complete and Failed conditions, failing pods (the exit-code annotation) and backoffLimit,
// Indexed completion, and the job-tracking finalizer from 1.26.
import { Watch } from "@kubernetes/client-node";
import { describe, it } from "vitest";
import { podExitCodeAnnotation } from "../../../kube-emulator/src/controllers/workloads/pod-exit.js";
import { kubeConfigFor } from "../support/client-node.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

const matrix = [
  { version: "1.16", transport: "http" },
  { version: "1.30", transport: "https" },
] as const;

interface Obj {
  metadata: {
    name: string;
    uid: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    ownerReferences?: { kind: string; name: string; controller?: boolean }[];
  };
  spec?: any;
  status?: any;
}
interface List {
  items: Obj[];
}

function job(name: string, spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}) {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name },
    spec: {
      template: { metadata: { annotations }, spec: { restartPolicy: "Never", containers: [{ name: "work", image: "busybox:1.36", command: ["sh", "-c", "true"] }] } },
      ...spec,
    },
  };
}

describe.each(matrix)("Jobs on $version over $transport", ({ version, transport }) => {
  // A failed pod is replaced after jobBackoffMs (10 s upstream), shortened here.
  const session = useKubectlCluster<Obj>(version, transport, { controllerSettings: { jobBackoffMs: 300 } });
  const { k, getJson, namespace } = session;
  const tracking = version === "1.30";

  it.concurrent("runs completions=3 two at a time to Complete, which kubectl wait sees", async ({ expect }) => {
    const ns = await namespace("job-complete");
    // How many of the Job's pods are running at once, from the server's own event order.
    const phases = new Map<string, string>();
    let maxRunning = 0;
    const watch = await new Watch(kubeConfigFor(session.cluster)).watch(`/api/v1/namespaces/${ns}/pods`, {}, (type, pod: any) => {
      if (type === "DELETED") phases.delete(pod.metadata.uid);
      else phases.set(pod.metadata.uid, pod.status?.phase ?? "Pending");
      maxRunning = Math.max(maxRunning, [...phases.values()].filter((p) => p !== "Succeeded" && p !== "Failed").length);
    }, () => {});
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(job("batch", { completions: 3, parallelism: 2 })));
    const waited = await k(["-n", ns, "wait", "--for=condition=complete", "job/batch", "--timeout=60s"]);
    expect(waited).toContain("job.batch/batch condition met");
    watch.abort();
    expect(maxRunning).toBe(2);

    const done = await getJson(["-n", ns, "get", "job", "batch"]);
    expect(done.status).toMatchObject({ succeeded: 3, conditions: [{ type: "Complete", status: "True" }] });
    expect(done.status.active).toBeUndefined();
    expect(Date.parse(done.status.completionTime)).toBeGreaterThanOrEqual(Date.parse(done.status.startTime));
    const uid = done.metadata.uid;
    expect(done.spec.selector.matchLabels).toEqual(tracking ? { "batch.kubernetes.io/controller-uid": uid } : { "controller-uid": uid });
    if (tracking) expect(done.status).toMatchObject({ ready: 0, uncountedTerminatedPods: {} });

    const pods = await getJson<List>(["-n", ns, "get", "pods", "-l", "job-name=batch"]);
    expect(pods.items).toHaveLength(3);
    for (const pod of pods.items) {
      expect(pod.status.phase).toBe("Succeeded");
      expect(pod.metadata.labels).toMatchObject({ "controller-uid": uid, "job-name": "batch" });
      if (tracking) expect(pod.metadata.labels).toMatchObject({ "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "batch" });
      // The tracking finalizer is gone once the Job has counted the pod.
      expect(pod.metadata.finalizers ?? []).not.toContain("batch.kubernetes.io/job-tracking");
      expect(pod.metadata.ownerReferences).toMatchObject([{ kind: "Job", name: "batch", controller: true }]);
    }
    const events = await getJson<List>(["-n", ns, "get", "events", "--field-selector", "involvedObject.kind=Job"]);
    const reasons = events.items.map((e: any) => `${e.reason}: ${e.message}`);
    expect(reasons.filter((r) => r.startsWith("SuccessfulCreate: Created pod: batch-"))).toHaveLength(3);
    expect(reasons).toContain("Completed: Job completed");
  }, 120_000);

  it.concurrent("fails with BackoffLimitExceeded once a failing pod has used up backoffLimit=1", async ({ expect }) => {
    const ns = await namespace("job-fail");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(job("broken", { backoffLimit: 1 }, { [podExitCodeAnnotation]: "3" })));
    await k(["-n", ns, "wait", "--for=condition=failed", "job/broken", "--timeout=60s"]);
    const failed = await getJson(["-n", ns, "get", "job", "broken"]);
    expect(failed.status).toMatchObject({
      failed: 2,
      conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }],
    });
    expect(failed.status.succeeded).toBeUndefined();
    expect(failed.status.completionTime).toBeUndefined();
    const pods = await getJson<List>(["-n", ns, "get", "pods", "-l", "job-name=broken"]);
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(pod.status.phase).toBe("Failed");
      expect(pod.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 3, reason: "Error" });
    }
    const events = await getJson<List>(["-n", ns, "get", "events", "--field-selector", "involvedObject.name=broken"]);
    expect(events.items.map((e: any) => `${e.type} ${e.reason}`)).toContain("Warning BackoffLimitExceeded");
  }, 120_000);

  if (tracking) {
    it.concurrent("runs an Indexed Job with one pod per completion index", async ({ expect }) => {
      const ns = await namespace("job-indexed");
      await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(job("shards", { completions: 3, parallelism: 3, completionMode: "Indexed" })));
      await k(["-n", ns, "wait", "--for=condition=complete", "job/shards", "--timeout=60s"]);
      const done = await getJson(["-n", ns, "get", "job", "shards"]);
      expect(done.status).toMatchObject({ succeeded: 3, completedIndexes: "0-2" });
      const pods = await getJson<List>(["-n", ns, "get", "pods", "-l", "job-name=shards"]);
      const indexes = pods.items.map((p) => p.metadata.annotations?.["batch.kubernetes.io/job-completion-index"]).sort();
      expect(indexes).toEqual(["0", "1", "2"]);
      for (const pod of pods.items) {
        const index = pod.metadata.annotations!["batch.kubernetes.io/job-completion-index"];
        expect(pod.metadata.name.startsWith(`shards-${index}-`)).toBe(true);
        expect(pod.metadata.labels?.["batch.kubernetes.io/job-completion-index"]).toBe(index);
        expect(pod.spec.hostname).toBe(`shards-${index}`);
      }
    }, 120_000);
  }
});
