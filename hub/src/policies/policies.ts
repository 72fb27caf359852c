import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Backup, Policy } from "@lifeboat/proto";
import type { PolicyScheduleControl } from "../schedules/policy-scheduler.js";
import type { FirePolicy } from "./fire-policy.js";
import { newPolicyId } from "./policy-id.js";
import type { PolicyStore } from "./policy-store.js";
import { validatePolicy, type PolicyReferences } from "./validate-policy.js";

export interface PoliciesOptions {
  store: PolicyStore;
  schedules: PolicyScheduleControl;
  fire: FirePolicy;
  references: PolicyReferences;
  now?: () => number;
}

/** What the policy RPCs do: validate and record, schedule, pause and resume, run now, delete. */
export class Policies {
  private readonly options: PoliciesOptions;
  private readonly now: () => number;

  constructor(options: PoliciesOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** Validates (see validatePolicy; bad input records nothing), records and schedules the policy. */
  async create(input: Policy | undefined): Promise<Policy> {
    const { store, schedules } = this.options;
    const { policy } = await validatePolicy(input, this.options.references);
    const time = timestampFromMs(this.now());
    policy.id = newPolicyId();
    policy.createTime = time;
    policy.updateTime = time;
    policy.lastRunTime = undefined;
    policy.nextRunTime = undefined;
    await store.create(policy);
    if (!policy.paused) {
      try {
        await store.setNextRun(policy.id, await schedules.schedule(policy));
      } catch (err) {
        // A policy that cannot be scheduled is not left behind half-made.
        await store.delete(policy.id).catch(() => undefined);
        throw err;
      }
    }
    return this.get(policy.id);
  }

  async list(): Promise<Policy[]> {
    return this.options.store.list();
  }

  /** By id or name; NOT_FOUND naming `field`. */
  async get(idOrName: string, field = "policy"): Promise<Policy> {
    return this.options.store.require(idOrName, field);
  }

  /** Pausing removes the schedule; resuming puts it back from now. */
  async setPaused(idOrName: string, paused: boolean, field = "policy"): Promise<Policy> {
    const { store, schedules } = this.options;
    const policy = await store.require(idOrName, field);
    await store.setPaused(policy.id, paused, this.now());
    if (paused) {
      await schedules.unschedule(policy.id);
      await store.setNextRun(policy.id, undefined);
    } else {
      await store.setNextRun(policy.id, await schedules.schedule(policy));
    }
    return store.require(policy.id, field);
  }

  /** Fires the policy now, paused or not; returns the backups it launched. */
  async run(idOrName: string, field = "policy"): Promise<Backup[]> {
    return this.options.fire(await this.options.store.require(idOrName, field));
  }

  /** Removes the policy and its schedule; its backups stay. Returns it as it was. */
  async delete(idOrName: string, field = "policy"): Promise<Policy> {
    const { store, schedules } = this.options;
    const policy = await store.require(idOrName, field);
    await schedules.unschedule(policy.id);
    await store.delete(policy.id);
    return policy;
  }
}
