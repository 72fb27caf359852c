import type { JsonObject, KubeObject } from "../../api-types.js";
import { now } from "../../api/object-meta.js";
import { StatusError } from "../../http/status-error.js";
import { labelSelectorFromObject, type LabelSelectorObject } from "../../selectors/index.js";
import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { WorkQueue } from "../work-queue.js";
import { completionIndexOf, finishTime, formatIndexes, isIndexed, jobSpec, jobTrackingFinalizer, newJobPod, parseIndexes, restartCount } from "./job-pods.js";
import { controllerOf } from "./owner-refs.js";
import { claimPods } from "./pod-claims.js";
import { isPodActive, isPodReady, podPhase } from "./pod-status.js";

const jobsKey = "batch/jobs";
const podsKey = "/pods";
const component = "job-controller";
/** DefaultJobPodFailureBackOff is 10 s and MaxJobPodFailureBackOff 6 minutes: the cap is 36 times the base. */
const maxBackoffFactor = 36;

type ConditionType = "Complete" | "Failed" | "Suspended";

interface Finish {
  type: "Complete" | "Failed";
  reason?: string;
  message?: string;
}

function conditionsOf(job: KubeObject): JsonObject[] {
  const c = (job.status as JsonObject | undefined)?.conditions;
  return Array.isArray(c) ? (c as JsonObject[]) : [];
}

function hasCondition(job: KubeObject, type: ConditionType): boolean {
  return conditionsOf(job).some((c) => c.type === type && c.status === "True");
}

/** IsJobFinished: a Complete or Failed condition that is True. */
export function isJobFinished(job: KubeObject): boolean {
  return hasCondition(job, "Complete") || hasCondition(job, "Failed");
}

function hasFinalizer(pod: KubeObject): boolean {
  return (pod.metadata.finalizers ?? []).includes(jobTrackingFinalizer);
}

/** isPodFailed: Failed, or (with no pod failure policy) being deleted before it succeeded, so orphans count. */
function isPodFailed(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase === "Failed" || (!!pod.metadata.deletionTimestamp && phase !== "Succeeded");
}

/** controller.ActivePods order: unscheduled, pending, not ready, then the newest go first. */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const rank = (p: KubeObject): number[] => {
    const phase = podPhase(p);
    return [
      ((p.spec as JsonObject | undefined)?.nodeName ? 1 : 0),
      phase === "Pending" ? 0 : phase === "Unknown" ? 1 : 2,
      isPodReady(p) ? 1 : 0,
    ];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  return String(b.metadata.creationTimestamp ?? "").localeCompare(String(a.metadata.creationTimestamp ?? ""));
}

/**
 * The Job controller (pkg/controller/job): runs pods to completion. It keeps
 * min(parallelism, completions - succeeded) pods active (Indexed Jobs one per missing
 * index), replaces failed pods after an exponential backoff, and finishes the Job with
 * Complete, or Failed once failures exceed backoffLimit or activeDeadlineSeconds passes.
 * From 1.26 pods carry the job-tracking finalizer until counted through
 * status.uncountedTerminatedPods; before that the counts are those of the pods present.
 */
export class JobController implements Controller {
  readonly name = "job";
  private readonly queue: WorkQueue<string>;
  /** namespace -> names of its Jobs, to find the Jobs an orphan pod might belong to. */
  private readonly jobsByNamespace = new Map<string, Set<string>>();
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((key) => this.sync(key), (key, err) => ctx.log(`job ${key}: ${String(err)}`));
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const job of store.list(jobsKey).items) this.index(job, false);
    this.unsubscribe = store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    if (event.storageKey === jobsKey) {
      this.index(event.object, event.type === "DELETED");
    } else if (event.storageKey === podsKey) {
      const owner = controllerOf(event.object);
      const previousOwner = event.previous ? controllerOf(event.previous) : undefined;
      if (owner?.kind === "Job") this.queue.add(`${event.namespace}/${owner.name}`);
      if (previousOwner?.kind === "Job" && previousOwner.uid !== owner?.uid) this.queue.add(`${event.namespace}/${previousOwner.name}`);
      if (!owner && event.type !== "DELETED") {
        // An orphan may be adopted by a Job it matches, or, if it still holds the tracking finalizer, released.
        for (const name of this.jobsByNamespace.get(event.namespace) ?? []) this.queue.add(`${event.namespace}/${name}`);
        if (hasFinalizer(event.object)) this.queue.add(`${event.namespace}/\0orphan:${event.object.metadata.name}`);
      }
    }
  }

  private index(job: KubeObject, deleted: boolean): void {
    const ns = job.metadata.namespace ?? "";
    const name = job.metadata.name ?? "";
    let names = this.jobsByNamespace.get(ns);
    if (deleted) {
      names?.delete(name);
      if (names?.size === 0) this.jobsByNamespace.delete(ns);
    } else {
      if (!names) this.jobsByNamespace.set(ns, (names = new Set()));
      names.add(name);
    }
    this.queue.add(`${ns}/${name}`);
  }

  private sync(key: string): void {
    const slash = key.indexOf("/");
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    if (name.startsWith("\0orphan:")) return this.releaseOrphan(namespace, name.slice("\0orphan:".length));
    const { client } = this.ctx;
    const job = client.get(jobsKey, namespace, name);
    // Pods of a Job that is gone (or was replaced by a namesake) are let go so their deletion can finish.
    for (const pod of client.list(podsKey, namespace)) {
      const ref = controllerOf(pod);
      if (ref?.kind === "Job" && ref.name === name && ref.uid !== job?.metadata.uid && hasFinalizer(pod)) this.removeFinalizer(pod);
    }
    if (!job) return;
    this.syncJob(job);
  }

  private releaseOrphan(namespace: string, podName: string): void {
    const pod = this.ctx.client.get(podsKey, namespace, podName);
    if (pod && !controllerOf(pod) && hasFinalizer(pod)) this.removeFinalizer(pod);
  }

  private syncJob(job: KubeObject): void {
    const { client } = this.ctx;
    const minor = this.ctx.service.minor;
    const key = `${job.metadata.namespace}/${job.metadata.name}`;
    const tracking = minor >= 26;
    const spec = jobSpec(job);
    const selector = (spec.selector as LabelSelectorObject | undefined) ?? undefined;
    const claim = claimPods({ client, owner: job, ownerKey: jobsKey, selector: labelSelectorFromObject(selector) }, client.list(podsKey, job.metadata.namespace ?? ""));
    for (const err of claim.errors) this.ctx.log(`job ${key}: ${err.message}`);
    const pods = claim.claimed;

    if (isJobFinished(job)) {
      // Everything was counted when the Job finished; what still holds the finalizer is let go.
      if (tracking) for (const pod of pods) if (hasFinalizer(pod)) this.removeFinalizer(pod);
      return;
    }

    const status = { ...((job.status as JsonObject | undefined) ?? {}) };
    const at = now();
    const indexed = minor >= 21 && isIndexed(job);
    const completions = typeof spec.completions === "number" ? spec.completions : undefined;
    const parallelism = typeof spec.parallelism === "number" ? spec.parallelism : 1;
    const backoffLimit = typeof spec.backoffLimit === "number" ? spec.backoffLimit : 6;
    const suspended = minor >= 21 && spec.suspend === true;
    const conditions = conditionsOf(job).map((c) => ({ ...c }));
    const events: Array<[type: "Normal" | "Warning", reason: string, message: string]> = [];

    // Suspension and resumption (1.21+): a resumed Job starts its clock anew.
    const suspendedCondition = conditions.find((c) => c.type === "Suspended");
    if (suspended && suspendedCondition?.status !== "True") {
      setCondition(conditions, { type: "Suspended", status: "True", reason: "JobSuspended", message: "Job suspended" }, at);
      events.push(["Normal", "Suspended", "Job suspended"]);
    } else if (!suspended && suspendedCondition?.status === "True") {
      setCondition(conditions, { type: "Suspended", status: "False", reason: "JobResumed", message: "Job resumed" }, at);
      events.push(["Normal", "Resumed", "Job resumed"]);
      status.startTime = at;
    }
    if (!suspended && !status.startTime) status.startTime = at;

    let active = pods.filter(isPodActive);

    // What has finished: with tracking, pods still holding the finalizer that are done; else every finished pod.
    const uncounted = (status.uncountedTerminatedPods as JsonObject | undefined) ?? {};
    const uncountedSucceeded = new Set((uncounted.succeeded as string[] | undefined) ?? []);
    const uncountedFailed = new Set((uncounted.failed as string[] | undefined) ?? []);
    let succeeded = tracking ? Number(status.succeeded ?? 0) : 0;
    let failed = tracking ? Number(status.failed ?? 0) : 0;
    const completed = indexed ? parseIndexes(status.completedIndexes as string | undefined, completions ?? 0) : new Set<number>();
    const newlySucceeded: KubeObject[] = [];
    const newlyFailed: KubeObject[] = [];
    for (const pod of pods) {
      if (tracking && !hasFinalizer(pod)) continue;
      const uid = pod.metadata.uid ?? "";
      if (uncountedSucceeded.has(uid) || uncountedFailed.has(uid)) continue;
      if (podPhase(pod) === "Succeeded") newlySucceeded.push(pod);
      else if (tracking ? isPodFailed(pod) : podPhase(pod) === "Failed") newlyFailed.push(pod);
    }
    const succeededCount = (): number => {
      if (indexed) {
        const all = new Set(completed);
        for (const pod of newlySucceeded) {
          const ix = completionIndexOf(pod);
          if (ix !== undefined && ix < (completions ?? 0)) all.add(ix);
        }
        return all.size;
      }
      return succeeded + uncountedSucceeded.size + newlySucceeded.length;
    };
    const failedCount = (): number => failed + uncountedFailed.size + newlyFailed.length;

    // Finishing: failures beyond the backoff limit, the deadline, or enough completions.
    let finish: Finish | undefined;
    const restartPolicy = ((spec.template as JsonObject | undefined)?.spec as JsonObject | undefined)?.restartPolicy;
    const restarts = restartPolicy === "OnFailure" ? active.reduce((n, p) => n + restartCount(p), 0) : 0;
    const deadline = typeof spec.activeDeadlineSeconds === "number" && status.startTime ? Date.parse(String(status.startTime)) + spec.activeDeadlineSeconds * 1000 : undefined;
    if (failedCount() > backoffLimit || (restartPolicy === "OnFailure" && (backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit))) {
      finish = { type: "Failed", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };
    } else if (!suspended && deadline !== undefined && Date.now() >= deadline) {
      finish = { type: "Failed", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" };
    } else if (completions === undefined ? succeededCount() > 0 && active.length === 0 : succeededCount() >= completions) {
      finish = { type: "Complete" };
    }

    if (finish) {
      // Active pods of a finished Job are deleted; with tracking they count as failed.
      for (const pod of active) {
        this.deletePod(job, pod);
        if (tracking && hasFinalizer(pod)) newlyFailed.push(pod);
      }
      active = [];
    } else if (suspended) {
      // Pods removed for a suspension are not failures: their finalizer goes before they do.
      for (const pod of active) {
        if (tracking && hasFinalizer(pod)) this.removeFinalizer(pod);
        this.deletePod(job, pod);
      }
      active = [];
    } else {
      active = this.manage(job, pods, active, { indexed, completions, parallelism, succeeded: succeededCount(), completed, key, newlySucceeded });
      if (deadline !== undefined) this.queue.addAfter(key, deadline - Date.now() + 10);
    }

    if (tracking && (newlySucceeded.length > 0 || newlyFailed.length > 0)) {
      // Record the pods as uncounted first, so a crash between the two writes loses nothing, then let them go.
      const latest = client.get(jobsKey, job.metadata.namespace ?? "", job.metadata.name ?? "");
      if (!latest || latest.metadata.uid !== job.metadata.uid) return;
      const pending = {
        ...(uncountedSucceeded.size + newlySucceeded.length > 0 ? { succeeded: [...uncountedSucceeded, ...newlySucceeded.map((p) => p.metadata.uid ?? "")] } : {}),
        ...(uncountedFailed.size + newlyFailed.length > 0 ? { failed: [...uncountedFailed, ...newlyFailed.map((p) => p.metadata.uid ?? "")] } : {}),
      };
      client.updateStatus(jobsKey, { ...latest, status: { ...((latest.status as JsonObject | undefined) ?? {}), uncountedTerminatedPods: pending } });
      for (const pod of [...newlySucceeded, ...newlyFailed]) {
        const current = client.get(podsKey, pod.metadata.namespace ?? "", pod.metadata.name ?? "");
        if (current && current.metadata.uid === pod.metadata.uid && hasFinalizer(current)) this.removeFinalizer(current);
      }
    }
    if (indexed) {
      for (const pod of newlySucceeded) {
        const ix = completionIndexOf(pod);
        if (ix !== undefined && ix < (completions ?? 0)) completed.add(ix);
      }
    }
    succeeded = indexed ? completed.size : succeeded + uncountedSucceeded.size + newlySucceeded.length;
    failed = failed + uncountedFailed.size + newlyFailed.length;
    if (!tracking) {
      // Before finalizers the counts are those of the finished pods still present.
      succeeded = indexed ? completed.size : pods.filter((p) => podPhase(p) === "Succeeded").length;
      failed = pods.filter((p) => podPhase(p) === "Failed").length;
    }

    const next: JsonObject = { ...status };
    delete next.conditions;
    next.active = active.length;
    next.succeeded = succeeded;
    next.failed = failed;
    for (const field of ["active", "succeeded", "failed"]) if (next[field] === 0) delete next[field];
    if (indexed) {
      const text = formatIndexes(completed);
      if (text) next.completedIndexes = text;
      else delete next.completedIndexes;
    }
    if (minor >= 24) next.ready = active.filter(isPodReady).length;
    if (minor >= 29) next.terminating = pods.filter((p) => p.metadata.deletionTimestamp && podPhase(p) !== "Succeeded" && podPhase(p) !== "Failed").length;
    if (tracking) next.uncountedTerminatedPods = {};
    if (finish) {
      setCondition(conditions, { type: finish.type, status: "True", ...(finish.reason ? { reason: finish.reason } : {}), ...(finish.message ? { message: finish.message } : {}) }, at);
      if (finish.type === "Complete") {
        next.completionTime = at;
        events.push(["Normal", "Completed", "Job completed"]);
      } else {
        events.push(["Warning", finish.reason ?? "Failed", finish.message ?? ""]);
      }
    }
    if (conditions.length > 0) next.conditions = conditions;
    this.writeStatus(job, next);
    for (const [type, reason, message] of events) this.ctx.events.record(component, job, type, reason, message);
  }

  /** manageJob: create or delete pods towards the active count the Job wants; returns the pods left active. */
  private manage(
    job: KubeObject,
    pods: KubeObject[],
    active: KubeObject[],
    c: { indexed: boolean; completions: number | undefined; parallelism: number; succeeded: number; completed: Set<number>; key: string; newlySucceeded: KubeObject[] },
  ): KubeObject[] {
    const minor = this.ctx.service.minor;
    let keep = active;
    if (c.indexed) {
      // Pods with no valid index, a duplicate one or a completed one are surplus.
      const seen = new Set<number>();
      const surplus: KubeObject[] = [];
      keep = [];
      for (const pod of [...active].sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)))) {
        const ix = completionIndexOf(pod);
        if (ix === undefined || ix >= (c.completions ?? 0) || seen.has(ix) || c.completed.has(ix)) surplus.push(pod);
        else {
          seen.add(ix);
          keep.push(pod);
        }
      }
      for (const pod of surplus) this.deletePod(job, pod);
    }
    let wantActive: number;
    if (c.completions === undefined) wantActive = c.succeeded > 0 ? keep.length : c.parallelism;
    else wantActive = Math.max(0, Math.min(c.completions - c.succeeded, c.parallelism));
    if (keep.length > wantActive) {
      const excess = [...keep].sort(deletionOrder).slice(0, keep.length - wantActive);
      for (const pod of excess) this.deletePod(job, pod);
      return keep.filter((p) => !excess.includes(p));
    }
    let diff = wantActive - keep.length;
    if (diff <= 0) return keep;

    // Failed pods are replaced only after a backoff doubling with each failure since the last success.
    const remaining = this.backoffRemaining(pods, c.newlySucceeded);
    if (remaining > 0) {
      this.queue.addAfter(c.key, remaining);
      return keep;
    }
    const created: KubeObject[] = [];
    if (c.indexed) {
      const busy = new Set(keep.map(completionIndexOf));
      for (let ix = 0; ix < (c.completions ?? 0) && diff > 0; ix++) {
        if (c.completed.has(ix) || busy.has(ix)) continue;
        const pod = this.createPod(job, newJobPod(job, ix, minor));
        if (!pod) break;
        created.push(pod);
        diff--;
      }
    } else {
      for (; diff > 0; diff--) {
        const pod = this.createPod(job, newJobPod(job, undefined, minor));
        if (!pod) break;
        created.push(pod);
      }
    }
    return [...keep, ...created];
  }

  private backoffRemaining(pods: KubeObject[], newlySucceeded: KubeObject[]): number {
    const lastSuccess = Math.max(0, ...pods.filter((p) => podPhase(p) === "Succeeded" || newlySucceeded.includes(p)).map(finishTime));
    const failures = pods.filter(isPodFailed).map(finishTime).filter((t) => t >= lastSuccess);
    if (failures.length === 0) return 0;
    const base = this.ctx.settings.jobBackoffMs;
    const delay = Math.min(base * 2 ** (failures.length - 1), base * maxBackoffFactor);
    return Math.max(...failures) + delay - Date.now();
  }

  private createPod(job: KubeObject, pod: KubeObject): KubeObject | undefined {
    try {
      const created = this.ctx.client.create(podsKey, pod);
      this.ctx.events.record(component, job, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name}`);
      return created;
    } catch (err) {
      this.ctx.events.record(component, job, "Warning", "FailedCreate", `Error creating: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  private deletePod(job: KubeObject, pod: KubeObject): void {
    try {
      this.ctx.client.delete(podsKey, pod, { preconditions: { uid: pod.metadata.uid } });
      this.ctx.events.record(component, job, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      if (err instanceof StatusError && (err.code === 404 || err.code === 409)) return;
      this.ctx.events.record(component, job, "Warning", "FailedDelete", `Error deleting: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private removeFinalizer(pod: KubeObject): void {
    const current = this.ctx.client.get(podsKey, pod.metadata.namespace ?? "", pod.metadata.name ?? "");
    if (!current || current.metadata.uid !== pod.metadata.uid) return;
    const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== jobTrackingFinalizer);
    const metadata = { ...current.metadata, finalizers };
    if (finalizers.length === 0) delete (metadata as Partial<typeof metadata>).finalizers;
    try {
      this.ctx.client.update(podsKey, { ...current, metadata });
    } catch (err) {
      if (!(err instanceof StatusError) || err.code !== 404) throw err;
    }
  }

  private writeStatus(job: KubeObject, status: JsonObject): void {
    const latest = this.ctx.client.get(jobsKey, job.metadata.namespace ?? "", job.metadata.name ?? "");
    if (!latest || latest.metadata.uid !== job.metadata.uid) return;
    if (JSON.stringify(latest.status ?? {}) === JSON.stringify(status)) return;
    this.ctx.client.updateStatus(jobsKey, { ...latest, status });
  }
}

/** Adds or updates a condition, moving lastTransitionTime only when its status changes. */
function setCondition(conditions: JsonObject[], condition: JsonObject, at: string): void {
  const existing = conditions.find((c) => c.type === condition.type);
  if (existing) {
    const changed = existing.status !== condition.status;
    for (const field of ["reason", "message"]) delete existing[field];
    Object.assign(existing, condition, { lastProbeTime: at, lastTransitionTime: changed ? at : existing.lastTransitionTime });
  } else {
    conditions.push({ ...condition, lastProbeTime: at, lastTransitionTime: at });
  }
}

