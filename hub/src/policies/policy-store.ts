import { clone, create, fromJsonString, toJsonString } from "@bufbuild/protobuf";
import { timestampDate, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { PolicySchema, type Policy } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import type { Redis } from "ioredis";
import { repositoryKeys, type RepositoryKeys } from "../repositories/index.js";
import { isPolicyId } from "./policy-id.js";
import { policyKeys, type PolicyKeys } from "./policy-keys.js";

// KEYS: policy, names, name order, repository, repository's policies. The repository must
// exist and the name be free; the policy joins the repository's users in the same step, so a
// repository cannot be deleted from under a policy being created (see repository-store.ts).
const CREATE = `
if redis.call("HEXISTS", KEYS[2], ARGV[2]) == 1 then return "name-taken" end
if redis.call("EXISTS", KEYS[4]) == 0 then return "no-repository" end
redis.call("HSET", KEYS[1], unpack(ARGV, 3))
redis.call("HSET", KEYS[2], ARGV[2], ARGV[1])
redis.call("ZADD", KEYS[3], 0, ARGV[2])
redis.call("SADD", KEYS[5], ARGV[1])
return "ok"
`;

// KEYS: policy, names, name order, repository's policies.
const DELETE = `
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
redis.call("DEL", KEYS[1])
redis.call("HDEL", KEYS[2], ARGV[2])
redis.call("ZREM", KEYS[3], ARGV[2])
redis.call("SREM", KEYS[4], ARGV[1])
return 1
`;

// Changes state fields only while the policy exists, so a late firing cannot resurrect a
// deleted policy as a half-record.
const UPDATE = `
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
redis.call("HSET", KEYS[1], unpack(ARGV))
return 1
`;

// A policy's mutable state lives beside its definition in separate fields, so pausing and a
// firing's run times never overwrite each other.
const STATE_FIELDS = ["paused", "updateTime", "lastRunTime", "nextRunTime"] as const;

/** Policies in Redis, shared by every hub replica. Each returned Policy is a fresh copy. */
export class PolicyStore {
  readonly keys: PolicyKeys;
  private readonly repositoryKeys: RepositoryKeys;
  private readonly redis: Redis;

  constructor(options: { redis: Redis; prefix: string }) {
    this.redis = options.redis;
    this.keys = policyKeys(options.prefix);
    this.repositoryKeys = repositoryKeys(options.prefix);
  }

  /**
   * Records a validated policy (id, name and times set). ALREADY_EXISTS naming policy.name for a
   * taken name, NOT_FOUND naming policy.backup.repository when the repository is gone.
   */
  async create(policy: Policy): Promise<void> {
    const repository = policy.backup?.repository ?? "";
    const fields = Object.entries(toFields(policy)).flat();
    const status = await this.redis.eval(
      CREATE,
      5,
      this.keys.policy(policy.id),
      this.keys.policyNames,
      this.keys.policyNameOrder,
      this.repositoryKeys.repository(repository),
      this.repositoryKeys.repositoryPolicies(repository),
      policy.id,
      policy.name,
      ...fields,
    );
    if (status === "name-taken") {
      throw new LifeboatError("ALREADY_EXISTS", `policy "${policy.name}" exists already: choose another name or delete it first`, { field: "policy.name", value: policy.name });
    }
    if (status === "no-repository") throw unknownRepository(repository);
  }

  async get(id: string): Promise<Policy | undefined> {
    const fields = await this.redis.hgetall(this.keys.policy(id));
    return Object.keys(fields).length === 0 ? undefined : fromFields(fields);
  }

  /** By id or name. */
  async find(idOrName: string): Promise<Policy | undefined> {
    if (isPolicyId(idOrName)) {
      const byId = await this.get(idOrName);
      if (byId) return byId;
    }
    const id = await this.redis.hget(this.keys.policyNames, idOrName);
    return id === null ? undefined : this.get(id);
  }

  /** By id or name; NOT_FOUND naming `field` when there is none. */
  async require(idOrName: string, field = "policy"): Promise<Policy> {
    if (idOrName === "") throw new LifeboatError("INVALID_ARGUMENT", `${field} is required: a policy id or name`, { field });
    const policy = await this.find(idOrName);
    if (!policy) throw new LifeboatError("NOT_FOUND", `policy ${JSON.stringify(idOrName)} not found`, { field, value: idOrName });
    return policy;
  }

  /** Every policy, in name order. */
  async list(): Promise<Policy[]> {
    const names = await this.redis.zrange(this.keys.policyNameOrder, 0, -1);
    if (names.length === 0) return [];
    const ids = await this.redis.hmget(this.keys.policyNames, ...names);
    const policies = await Promise.all(ids.map((id) => (id === null ? undefined : this.get(id))));
    return policies.filter((p): p is Policy => p !== undefined);
  }

  /** Sets paused (and update time); false when the policy is gone. */
  async setPaused(id: string, paused: boolean, time: number): Promise<boolean> {
    return this.update(id, { paused: paused ? "1" : "0", updateTime: String(time) });
  }

  /**
   * Records a firing at `time` and, when given, the next one (null: none) in the same write, so
   * a reader never sees the next run before the last; false when the policy is gone.
   */
  async recordRun(id: string, time: number, nextRun?: number | null): Promise<boolean> {
    return this.update(id, { lastRunTime: String(time), ...(nextRun === undefined ? {} : { nextRunTime: nextRun === null ? "" : String(nextRun) }) });
  }

  /** Records when it fires next (undefined: not scheduled); false when the policy is gone. */
  async setNextRun(id: string, nextRun: number | undefined): Promise<boolean> {
    return this.update(id, { nextRunTime: nextRun === undefined ? "" : String(nextRun) });
  }

  /** Removes the policy; returns it as it was, or undefined when it was already gone. */
  async delete(id: string): Promise<Policy | undefined> {
    const policy = await this.get(id);
    if (!policy) return undefined;
    const repository = policy.backup?.repository ?? "";
    const removed = await this.redis.eval(
      DELETE,
      4,
      this.keys.policy(id),
      this.keys.policyNames,
      this.keys.policyNameOrder,
      this.repositoryKeys.repositoryPolicies(repository),
      id,
      policy.name,
    );
    return removed === 1 ? policy : undefined;
  }

  private async update(id: string, fields: Partial<Record<(typeof STATE_FIELDS)[number], string>>): Promise<boolean> {
    return (await this.redis.eval(UPDATE, 1, this.keys.policy(id), ...Object.entries(fields).flat())) === 1;
  }
}

export function unknownRepository(name: string): LifeboatError {
  return new LifeboatError("NOT_FOUND", `policy.backup.repository "${name}" not found: add it with AddRepository first`, {
    field: "policy.backup.repository",
    value: name,
  });
}

function toFields(policy: Policy): Record<string, string> {
  const definition = clone(PolicySchema, policy);
  // The state fields are kept apart (see STATE_FIELDS).
  definition.paused = false;
  definition.updateTime = undefined;
  definition.lastRunTime = undefined;
  definition.nextRunTime = undefined;
  return {
    id: policy.id,
    name: policy.name,
    definition: toJsonString(PolicySchema, definition),
    paused: policy.paused ? "1" : "0",
    updateTime: policy.updateTime ? String(timestampDate(policy.updateTime).getTime()) : "",
    lastRunTime: policy.lastRunTime ? String(timestampDate(policy.lastRunTime).getTime()) : "",
    nextRunTime: policy.nextRunTime ? String(timestampDate(policy.nextRunTime).getTime()) : "",
  };
}

function fromFields(fields: Record<string, string>): Policy {
  const policy = fields.definition ? fromJsonString(PolicySchema, fields.definition) : create(PolicySchema, { id: fields.id ?? "", name: fields.name ?? "" });
  const time = (value: string | undefined) => (value ? timestampFromMs(Number(value)) : undefined);
  policy.paused = fields.paused === "1";
  policy.updateTime = time(fields.updateTime);
  policy.lastRunTime = time(fields.lastRunTime);
  policy.nextRunTime = policy.paused ? undefined : time(fields.nextRunTime);
  return policy;
}
