import { Queue, Worker, type Job } from "bullmq";
import type { Backup, Policy } from "@lifeboat/proto";
import type { Redis } from "ioredis";
import type { FirePolicy } from "../policies/fire-policy.js";
import type { PolicyStore } from "../policies/policy-store.js";
import { parseSchedule, type Schedule } from "./parse-schedule.js";

export interface PolicySchedulerOptions {
  policies: PolicyStore;
  fire: FirePolicy;
  /** This process's BullMQ connection (maxRetriesPerRequest: null); not closed by close(). */
  connection: Redis;
  /** Told of each scheduled firing (the BullMQ job id names the occurrence). */
  onFired?: (policy: Policy, backups: Backup[], occurrence: string) => void;
  onError?: (err: unknown) => void;
}

/** How a policy's schedule is set and cleared; what CreatePolicy, pause and delete need. */
export interface PolicyScheduleControl {
  /** Starts (or replaces) the policy's schedule; returns when it fires next. */
  schedule(policy: Policy): Promise<number | undefined>;
  /** Stops the policy's schedule; nothing when it has none. */
  unschedule(policyId: string): Promise<void>;
}

interface FiringData {
  policyId: string;
}

// One queue per deployment (under the key prefix). Each policy has one BullMQ job scheduler,
// keyed by the policy id, so every replica sees the same schedules and BullMQ hands each
// occurrence to one worker.
const QUEUE_NAME = "policy-firings";
const JOB_NAME = "fire";

/**
 * Fires policies on their schedules through BullMQ job schedulers, on every hub replica at once.
 * A scheduler keeps only its next job, so an occurrence missed while no hub ran fires once when
 * one comes back, and the schedule then carries on from the present.
 */
export class PolicyScheduler implements PolicyScheduleControl {
  private readonly options: PolicySchedulerOptions;
  private readonly queue: Queue<FiringData>;
  private worker: Worker<FiringData> | undefined;

  constructor(options: PolicySchedulerOptions) {
    this.options = options;
    this.queue = new Queue<FiringData>(QUEUE_NAME, { connection: options.connection, prefix: options.policies.keys.bullmqPrefix });
    this.queue.on("error", (err) => this.reportError(err));
  }

  /** Starts this replica's worker, after restoring any schedule a crash left out. */
  async start(): Promise<void> {
    if (this.worker) return;
    await this.reconcile();
    this.worker = new Worker<FiringData>(QUEUE_NAME, (job) => this.process(job), {
      connection: this.options.connection,
      prefix: this.options.policies.keys.bullmqPrefix,
      concurrency: 4,
    });
    this.worker.on("error", (err) => this.reportError(err));
    this.worker.on("failed", (_job, err) => this.reportError(err));
    // Connected before start() returns, so a close() right after does not cut a connection mid-handshake.
    await this.worker.waitUntilReady();
  }

  /** Stops this replica's worker; the schedules stay in Redis for the other replicas. */
  async close(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
    await this.queue.close();
  }

  async schedule(policy: Policy): Promise<number | undefined> {
    const schedule = parseSchedule(policy.schedule, policy.timeZone);
    if (!schedule) {
      await this.unschedule(policy.id);
      return undefined;
    }
    await this.queue.upsertJobScheduler(policy.id, repeatOptions(schedule), {
      name: JOB_NAME,
      data: { policyId: policy.id },
      opts: { removeOnComplete: true, removeOnFail: 100 },
    });
    return this.nextRun(policy.id);
  }

  async unschedule(policyId: string): Promise<void> {
    await this.queue.removeJobScheduler(policyId);
  }

  /** When the policy's schedule fires next (ms), if it has one. */
  async nextRun(policyId: string): Promise<number | undefined> {
    const scheduler = await this.queue.getJobScheduler(policyId);
    return scheduler?.next ?? undefined;
  }

  /** The BullMQ queue (for tests and diagnostics). */
  get bullQueue(): Queue<FiringData> {
    return this.queue;
  }

  private async process(job: Job<FiringData>): Promise<void> {
    const { policies, fire } = this.options;
    const policy = await policies.get(job.data.policyId);
    if (!policy) {
      // Deleted while this occurrence was queued (or a crash left its schedule behind).
      await this.unschedule(job.data.policyId);
      return;
    }
    if (policy.paused) return;
    // BullMQ queued the next occurrence when this one became active.
    const backups = await fire(policy, { nextRun: (await this.nextRun(policy.id)) ?? null });
    this.options.onFired?.(policy, backups, job.id ?? "");
  }

  // Restores schedules missing for unpaused scheduled policies (a crash between recording a
  // policy and scheduling it) and drops those of deleted policies. An existing schedule is never
  // replaced here: that would move its next occurrence and lose one missed while no hub ran.
  private async reconcile(): Promise<void> {
    const { policies } = this.options;
    const all = await policies.list();
    const ids = new Set(all.map((p) => p.id));
    for (const policy of all) {
      if (policy.paused || policy.schedule === "") continue;
      if (!(await this.queue.getJobScheduler(policy.id))) await policies.setNextRun(policy.id, await this.schedule(policy));
    }
    for (const scheduler of await this.queue.getJobSchedulers()) {
      if (scheduler.key && !ids.has(scheduler.key)) await this.unschedule(scheduler.key);
    }
  }

  private reportError(err: unknown): void {
    (this.options.onError ?? ((e: unknown) => console.error("policy scheduler:", e)))(err);
  }
}

// An @every schedule starts one interval from now, not at once: creating or resuming a policy
// is not a request to back up right away (RunPolicy is).
function repeatOptions(schedule: Schedule): { pattern: string; tz: string } | { every: number; startDate: number } {
  return schedule.kind === "cron" ? { pattern: schedule.pattern, tz: schedule.timeZone } : { every: schedule.everyMs, startDate: Date.now() + schedule.everyMs };
}
