// The CronJob controller against real kubectl, with the schedule clock sped up
// (cronJobTimeScale 60: a minute a second) or stopped (0), and the Job controller, scheduler
// and kubelet running what it creates: Jobs named for their schedule minute, status.active and
// lastScheduleTime, suspend, and history limits.
import { describe, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

const matrix = [
  { version: "1.16", transport: "https" },
  { version: "1.30", transport: "http" },
] as const;

interface Obj {
  metadata: {
    name: string;
    uid: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  };
  spec?: any;
  status?: any;
}
interface List {
  items: Obj[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cronJob(version: string, name: string, spec: Record<string, unknown> = {}) {
  return {
    // Before 1.21 CronJobs are served as batch/v1beta1 only.
    apiVersion: version === "1.16" ? "batch/v1beta1" : "batch/v1",
    kind: "CronJob",
    metadata: { name },
    spec: {
      schedule: "* * * * *",
      jobTemplate: {
        metadata: { labels: { cron: name } },
        spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "tick", image: "busybox:1.36", command: ["date"] }] } } },
      },
      ...spec,
    },
  };
}

describe.each(matrix)("CronJobs on $version over $transport at 60x", ({ version, transport }) => {
  const { k, getJson, namespace } = useKubectlCluster<Obj>(version, transport, { controllerSettings: { cronJobTimeScale: 60 } });
  const jobs = async (ns: string) => (await getJson<List>(["-n", ns, "get", "jobs"])).items;

  it.concurrent("creates the Job of each schedule minute within seconds, runs it and records it", async ({ expect }) => {
    const ns = await namespace("cron-every");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(cronJob(version, "ticker", { successfulJobsHistoryLimit: 2 })));
    const cj = await getJson(["-n", ns, "get", "cronjob", "ticker"]);
    const [first] = await eventually("a Job", async () => ((await jobs(ns)).length > 0 ? jobs(ns) : undefined), 30_000);
    const minutes = Number(/^ticker-(\d+)$/.exec(first!.metadata.name)?.[1]);
    expect(Number.isSafeInteger(minutes) && minutes > 0).toBe(true);
    expect(first!.metadata.labels).toMatchObject({ cron: "ticker" });
    expect(first!.metadata.ownerReferences).toEqual([
      { apiVersion: version === "1.16" ? "batch/v1beta1" : "batch/v1", kind: "CronJob", name: "ticker", uid: cj.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    const scheduled = new Date(minutes * 60_000).toISOString().replace(".000Z", "Z");
    expect(first!.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"]).toBe(version === "1.30" ? scheduled : undefined);

    // The Jobs run to completion (a minute passes each second, so the first may already be trimmed away).
    await eventually("a completed Job", async () => ((await jobs(ns)).some((j) => j.status?.conditions?.some((c: any) => c.type === "Complete")) ? true : undefined), 30_000);
    const status = await eventually("status", async () => {
      const s = (await getJson(["-n", ns, "get", "cronjob", "ticker"])).status;
      return s?.lastScheduleTime ? s : undefined;
    }, 30_000);
    expect(Date.parse(status.lastScheduleTime)).toBeGreaterThanOrEqual(minutes * 60_000);
    if (version === "1.30") {
      await eventually("lastSuccessfulTime", async () => ((await getJson(["-n", ns, "get", "cronjob", "ticker"])).status?.lastSuccessfulTime ? true : undefined), 30_000);
    }

    // More minutes pass; finished Jobs beyond successfulJobsHistoryLimit are deleted.
    await eventually("history trimmed to 2", async () => {
      const list = await jobs(ns);
      const done = list.filter((j) => j.status?.conditions?.some((c: any) => c.type === "Complete" && c.status === "True"));
      return list.length >= 2 && done.length <= 2 && !list.some((j) => j.metadata.name === first!.metadata.name) ? true : undefined;
    }, 20_000);
    const events = await getJson<List>(["-n", ns, "get", "events", "--field-selector", "involvedObject.name=ticker"]);
    const messages = events.items.map((e: any) => `${e.reason}: ${e.message}`);
    expect(messages).toContain(`SuccessfulCreate: Created job ${first!.metadata.name}`);
    expect(messages).toContain(`SuccessfulDelete: Deleted job ${first!.metadata.name}`);
  }, 120_000);

  it.concurrent("stops creating Jobs while suspended", async ({ expect }) => {
    const ns = await namespace("cron-suspend");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(cronJob(version, "pausable")));
    await eventually("a Job", async () => ((await jobs(ns)).length > 0 ? true : undefined), 30_000);
    await k(["-n", ns, "patch", "cronjob", "pausable", "--type=merge", "-p", JSON.stringify({ spec: { suspend: true } })]);
    // Let a Job that was being made as the patch landed show up, then count.
    await sleep(1200);
    const before = (await jobs(ns)).map((j) => j.metadata.name).sort();
    await sleep(3500);
    expect((await jobs(ns)).map((j) => j.metadata.name).sort()).toEqual(before);

    await k(["-n", ns, "patch", "cronjob", "pausable", "--type=merge", "-p", JSON.stringify({ spec: { suspend: false } })]);
    await eventually("Jobs again", async () => ((await jobs(ns)).some((j) => !before.includes(j.metadata.name)) ? true : undefined), 30_000);
  }, 120_000);
});

describe.each(matrix)("CronJobs on $version over $transport with the clock stopped", ({ version, transport }) => {
  const { k, getJson, namespace } = useKubectlCluster<Obj>(version, transport, { controllerSettings: { cronJobTimeScale: 0 } });

  it("never creates a Job", async ({ expect }) => {
    const ns = await namespace("cron-stopped");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(cronJob(version, "frozen")));
    await sleep(3000);
    expect((await getJson<List>(["-n", ns, "get", "jobs"])).items).toHaveLength(0);
    const cj = await getJson(["-n", ns, "get", "cronjob", "frozen"]);
    expect(cj.status?.lastScheduleTime).toBeUndefined();
  }, 120_000);
});
