// Redis names of policies, under the hub's key prefix (see store/keys.ts for the convention).

export interface PolicyKeys {
  /** HASH, one per policy: its definition (JSON) and its mutable state (paused, run times). */
  policy(id: string): string;
  /** HASH policy name -> id (names are unique). */
  readonly policyNames: string;
  /** ZSET of policy names, all scored 0: name order. */
  readonly policyNameOrder: string;
  /** The prefix BullMQ queues get (the same as the task queue's: "<prefix>bull"). */
  readonly bullmqPrefix: string;
}

export function policyKeys(prefix: string): PolicyKeys {
  return {
    policy: (id) => `${prefix}policy:${id}`,
    policyNames: `${prefix}policies:by-name`,
    policyNameOrder: `${prefix}policies:names`,
    bullmqPrefix: `${prefix}bull`,
  };
}
