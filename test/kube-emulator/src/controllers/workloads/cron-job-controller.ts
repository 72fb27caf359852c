import type { JsonObject, KubeObject } from "../../api-types.js";
import { StatusError } from "../../http/status-error.js";
import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { WorkQueue } from "../work-queue.js";
import { CronClock } from "./cron-job-clock.js";
import { formatRfc3339In, formatTime, jobNameFor, parseSchedule, unmetScheduleTimes, type Schedule } from "./cron-job-schedule.js";
import { isJobFinished } from "./job-controller.js";
import { controllerOf } from "./owner-refs.js";

const cronJobsKey = "batch/cronjobs";
const jobsKey = "batch/jobs";
const component = "cronjob-controller";
/** The annotation (1.28+) recording which schedule time a Job was made for. */
export const scheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";
/** Timers never wait longer than this; a sync then simply sets the next one. */
const maxTimerMs = 24 * 3600_000;

function spec(cj: KubeObject): JsonObject {
  return (cj.spec as JsonObject | undefined) ?? {};
}

function finishedType(job: KubeObject): "Complete" | "Failed" | undefined {
  const conditions = ((job.status as JsonObject | undefined)?.conditions as JsonObject[] | undefined) ?? [];
  const done = conditions.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
  return done?.type as "Complete" | "Failed" | undefined;
}

/** ref.GetReference of a Job, as status.active lists it. */
function jobReference(job: KubeObject): JsonObject {
  return {
    kind: "Job",
    namespace: job.metadata.namespace ?? "",
    name: job.metadata.name ?? "",
    uid: job.metadata.uid ?? "",
    apiVersion: "batch/v1",
    resourceVersion: job.metadata.resourceVersion ?? "",
  };
}

/** byJobStartTime: oldest start first, Jobs that never started last, then by name. */
function byStartTime(a: KubeObject, b: KubeObject): number {
  const sa = (a.status as JsonObject | undefined)?.startTime as string | undefined;
  const sb = (b.status as JsonObject | undefined)?.startTime as string | undefined;
  if (!sa && sb) return 1;
  if (sa && !sb) return -1;
  if (sa && sb && sa !== sb) return Date.parse(sa) - Date.parse(sb);
  return String(a.metadata.name).localeCompare(String(b.metadata.name));
}

/**
 * The CronJob controller (pkg/controller/cronjob, the v2 controller from 1.21 and the
 * polling one before, which behave alike here): at each schedule time it creates the Job
 * `<cronjob>-<minutes since the epoch>` from the jobTemplate, honouring suspend,
 * concurrencyPolicy and startingDeadlineSeconds; it keeps status.active and
 * lastScheduleTime (and lastSuccessfulTime from 1.22) and deletes finished Jobs beyond the
 * history limits. Time runs on a CronClock, so tests can speed it up or stop it.
 */
export class CronJobController implements Controller {
  readonly name = "cronjob";
  private readonly queue: WorkQueue<string>;
  private readonly clock: CronClock;
  /**
   * Events already given per CronJob ("ns/name"): for each kind of event the occasion last
   * reported (a schedule time, a generation, a Job's uid), so a resync does not repeat it.
   */
  private readonly reported = new Map<string, { uid: string; last: Map<string, string> }>();
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.clock = new CronClock(ctx.settings.cronJobTimeScale);
    this.queue = new WorkQueue((key) => this.sync(key), (key, err) => ctx.log(`cronjob ${key}: ${String(err)}`));
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const cj of store.list(cronJobsKey).items) this.queue.add(`${cj.metadata.namespace}/${cj.metadata.name}`);
    this.unsubscribe = store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    if (event.storageKey === cronJobsKey) {
      this.queue.add(`${event.namespace}/${event.object.metadata.name}`);
    } else if (event.storageKey === jobsKey) {
      const owner = controllerOf(event.object);
      if (owner?.kind === "CronJob") this.queue.add(`${event.namespace}/${owner.name}`);
    }
  }

  /** Resync when the clock reaches `clockMs`. */
  private wakeAt(key: string, clockMs: number): void {
    const delay = this.clock.wallDelayUntil(clockMs);
    if (Number.isFinite(delay)) this.queue.addAfter(key, Math.min(maxTimerMs, delay + 20));
    else this.queue.cancelAfter(key);
  }

  private warnOnce(cj: KubeObject, kind: string, occasion: string, reason: string, message: string, type: "Normal" | "Warning" = "Warning"): void {
    const key = `${cj.metadata.namespace}/${cj.metadata.name}`;
    let entry = this.reported.get(key);
    if (!entry || entry.uid !== cj.metadata.uid) this.reported.set(key, (entry = { uid: cj.metadata.uid ?? "", last: new Map() }));
    if (entry.last.get(kind) === occasion) return;
    entry.last.set(kind, occasion);
    this.ctx.events.record(component, cj, type, reason, message);
  }

  private sync(key: string): void {
    const slash = key.indexOf("/");
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const { client } = this.ctx;
    const cj = client.get(cronJobsKey, namespace, name);
    if (!cj) {
      this.reported.delete(key);
      this.queue.cancelAfter(key);
      return;
    }
    const minor = this.ctx.service.minor;
    const jobs = client.list(jobsKey, namespace).filter((j) => controllerOf(j)?.uid === cj.metadata.uid);
    const before = (cj.status as JsonObject | undefined) ?? {};
    let active = ((before.active as JsonObject[] | undefined) ?? []).map((r) => ({ ...r }));
    let lastScheduleTime = before.lastScheduleTime as string | undefined;
    let lastSuccessfulTime = before.lastSuccessfulTime as string | undefined;
    const events: Array<[type: "Normal" | "Warning", reason: string, message: string]> = [];
    const write = (): void => this.writeStatus(cj, active, lastScheduleTime, lastSuccessfulTime, events);

    const seen = this.reported.get(key)?.last;
    for (const kind of [...(seen?.keys() ?? [])]) {
      if (kind.startsWith("unexpected/") && !jobs.some((j) => `unexpected/${j.metadata.uid}` === kind)) seen!.delete(kind);
    }
    for (const job of jobs) {
      const listed = active.some((r) => r.uid === job.metadata.uid);
      const finished = finishedType(job);
      if (!listed && !finished) {
        this.warnOnce(cj, `unexpected/${job.metadata.uid}`, "seen", "UnexpectedJob", `Saw a job that the controller did not create or forgot: ${job.metadata.name}`);
      } else if (listed && finished) {
        active = active.filter((r) => r.uid !== job.metadata.uid);
        events.push(["Normal", "SawCompletedJob", `Saw completed job: ${job.metadata.name}, status: ${finished}`]);
      }
      const completionTime = (job.status as JsonObject | undefined)?.completionTime as string | undefined;
      if (minor >= 22 && finished === "Complete" && completionTime && (!lastSuccessfulTime || Date.parse(completionTime) > Date.parse(lastSuccessfulTime))) {
        lastSuccessfulTime = completionTime;
      }
    }
    // Active Jobs that are gone (deleted by hand, say) leave the list.
    for (const ref of [...active]) {
      if (jobs.some((j) => j.metadata.uid === ref.uid)) continue;
      const job = client.get(jobsKey, namespace, String(ref.name));
      if (!job || job.metadata.uid !== ref.uid) {
        events.push(["Normal", "MissingJob", `Active job went missing: ${ref.name}`]);
        active = active.filter((r) => r.uid !== ref.uid);
      }
    }
    active = this.cleanupFinishedJobs(cj, jobs, active, events);

    const s = spec(cj);
    if (cj.metadata.deletionTimestamp || s.suspend === true || !this.clock.running) return write();

    const timeZone = minor >= 25 && typeof s.timeZone === "string" ? s.timeZone : undefined;
    let schedule: Schedule;
    try {
      schedule = parseSchedule(String(s.schedule ?? ""), timeZone);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (timeZone && err instanceof RangeError) this.warnOnce(cj, "tz", String(cj.metadata.generation), "UnknownTimeZone", `invalid timeZone: "${timeZone}": unknown time zone ${timeZone}`);
      else this.warnOnce(cj, "schedule", String(cj.metadata.generation), "UnparseableSchedule", `unparseable schedule: "${String(s.schedule ?? "")}" : ${message}`);
      return write();
    }

    const now = this.clock.now();
    const deadline = typeof s.startingDeadlineSeconds === "number" ? s.startingDeadlineSeconds * 1000 : undefined;
    let earliest = lastScheduleTime ? Date.parse(lastScheduleTime) : this.clock.toClock(Date.parse(String(cj.metadata.creationTimestamp ?? new Date().toISOString())));
    if (deadline !== undefined) earliest = Math.max(earliest, now - deadline);
    const unmet = unmetScheduleTimes(schedule, earliest, now);
    const nextRun = (): void => this.wakeAt(key, schedule.next(Math.max(now, earliest)));
    if (unmet.missed > 100) {
      const first = schedule.next(earliest);
      const interval = schedule.next(first) - first;
      const count = interval > 0 ? Math.floor((now - first) / interval) + 1 : unmet.missed;
      this.warnOnce(cj, "missed", String(unmet.mostRecent), "TooManyMissedTimes", `too many missed start times: ${count}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    const scheduled = unmet.mostRecent;
    if (scheduled === undefined) {
      nextRun();
      return write();
    }
    if (deadline !== undefined && scheduled + deadline < now) {
      events.push(["Warning", "MissSchedule", `Missed scheduled time to start a job: ${new Date(scheduled).toUTCString().replace("GMT", "+0000")}`]);
      nextRun();
      return write();
    }
    const jobName = jobNameFor(name, scheduled);
    if (active.some((r) => r.name === jobName) || (lastScheduleTime && Date.parse(lastScheduleTime) === scheduled)) {
      nextRun();
      return write();
    }
    const policy = s.concurrencyPolicy ?? "Allow";
    if (policy === "Forbid" && active.length > 0) {
      this.warnOnce(cj, "forbid", String(scheduled), "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid", "Normal");
      nextRun();
      return write();
    }
    if (policy === "Replace") {
      for (const ref of active) {
        const job = client.get(jobsKey, namespace, String(ref.name));
        if (job && job.metadata.uid === ref.uid) this.deleteJob(cj, job, events);
      }
      active = [];
    }

    const job = this.jobFor(cj, jobName, scheduled, timeZone);
    try {
      const created = client.create(jobsKey, job);
      events.push(["Normal", "SuccessfulCreate", `Created job ${created.metadata.name}`]);
      active.push(jobReference(created));
      lastScheduleTime = formatTime(scheduled);
    } catch (err) {
      // A Job of that name exists already: whoever made it is trusted to have recorded it.
      if (!(err instanceof StatusError && err.code === 409)) {
        events.push(["Warning", "FailedCreate", `Error creating job: ${err instanceof Error ? err.message : String(err)}`]);
      }
    }
    nextRun();
    write();
  }

  /** getJobFromTemplate2: the jobTemplate's labels, annotations and spec under the deterministic name. */
  private jobFor(cj: KubeObject, name: string, scheduled: number, timeZone: string | undefined): KubeObject {
    const minor = this.ctx.service.minor;
    const template = (spec(cj).jobTemplate as JsonObject | undefined) ?? {};
    const meta = (template.metadata as JsonObject | undefined) ?? {};
    const annotations: Record<string, string> = { ...((meta.annotations as Record<string, string> | undefined) ?? {}) };
    if (minor >= 28) annotations[scheduledTimestampAnnotation] = formatRfc3339In(scheduled, timeZone);
    const labels = (meta.labels as Record<string, string> | undefined) ?? undefined;
    return {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name,
        namespace: cj.metadata.namespace ?? "",
        ...(labels ? { labels: { ...labels } } : {}),
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        ownerReferences: [
          {
            // The v2 controller owns Jobs as batch/v1 CronJobs; the one before 1.21 as batch/v1beta1.
            apiVersion: minor >= 21 ? "batch/v1" : "batch/v1beta1",
            kind: "CronJob",
            name: cj.metadata.name ?? "",
            uid: cj.metadata.uid ?? "",
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: structuredClone((template.spec as JsonObject | undefined) ?? {}),
    };
  }

  /** cleanupFinishedJobs: the oldest finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit go. */
  private cleanupFinishedJobs(cj: KubeObject, jobs: KubeObject[], active: JsonObject[], events: Array<[type: "Normal" | "Warning", reason: string, message: string]>): JsonObject[] {
    const s = spec(cj);
    let remaining = active;
    const prune = (finished: KubeObject[], limit: unknown): void => {
      if (typeof limit !== "number") return;
      const sorted = [...finished].sort(byStartTime);
      for (const job of sorted.slice(0, Math.max(0, sorted.length - limit))) {
        this.deleteJob(cj, job, events);
        remaining = remaining.filter((r) => r.uid !== job.metadata.uid);
      }
    };
    prune(jobs.filter((j) => isJobFinished(j) && finishedType(j) === "Complete"), s.successfulJobsHistoryLimit);
    prune(jobs.filter((j) => isJobFinished(j) && finishedType(j) === "Failed"), s.failedJobsHistoryLimit);
    return remaining;
  }

  private deleteJob(cj: KubeObject, job: KubeObject, events: Array<[type: "Normal" | "Warning", reason: string, message: string]>): void {
    try {
      this.ctx.client.delete(jobsKey, job, { propagationPolicy: "Background", preconditions: { uid: job.metadata.uid } });
      events.push(["Normal", "SuccessfulDelete", `Deleted job ${job.metadata.name}`]);
    } catch (err) {
      if (err instanceof StatusError && (err.code === 404 || err.code === 409)) return;
      events.push(["Warning", "FailedDelete", `Deleted job: ${err instanceof Error ? err.message : String(err)}`]);
    }
  }

  private writeStatus(
    cj: KubeObject,
    active: JsonObject[],
    lastScheduleTime: string | undefined,
    lastSuccessfulTime: string | undefined,
    events: Array<[type: "Normal" | "Warning", reason: string, message: string]>,
  ): void {
    const latest = this.ctx.client.get(cronJobsKey, cj.metadata.namespace ?? "", cj.metadata.name ?? "");
    if (latest && latest.metadata.uid === cj.metadata.uid) {
      const status: JsonObject = {
        ...(active.length > 0 ? { active } : {}),
        ...(lastScheduleTime ? { lastScheduleTime } : {}),
        ...(lastSuccessfulTime ? { lastSuccessfulTime } : {}),
      };
      if (JSON.stringify(status) !== JSON.stringify(latest.status ?? {})) this.ctx.client.updateStatus(cronJobsKey, { ...latest, status });
    }
    for (const [type, reason, message] of events) this.ctx.events.record(component, cj, type, reason, message);
  }
}
