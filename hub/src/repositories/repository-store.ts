import { LifeboatError } from "@lifeboat/shared";
import type { Redis } from "ioredis";
import { repositoryKeys, type RepositoryKeys } from "./repository-keys.js";

/** A repository as Redis holds it; `sealedCredentials` opens only with the hub's secret key. */
export interface RepositoryRecord {
  name: string;
  url: string;
  description: string;
  /** The repository's own id, read from its repository.json when it was added. */
  repositoryId: string;
  credentialNames: string[];
  sealedCredentials: string;
  /** ms since epoch */
  createTime: number;
  updateTime: number;
}

// Creates the record only when the name is free, in one step, so two hubs adding the same
// name cannot both succeed.
const CREATE = `
if redis.call("EXISTS", KEYS[1]) == 1 then return 0 end
redis.call("HSET", KEYS[1], unpack(ARGV, 2))
redis.call("ZADD", KEYS[2], 0, ARGV[1])
return 1
`;

// Refuses while any policy names the repository; policies join that set in the same kind of
// script (policy-store.ts), so no policy can slip in between the check and the delete.
const DELETE = `
if redis.call("EXISTS", KEYS[1]) == 0 then return {"missing"} end
local users = redis.call("SMEMBERS", KEYS[3])
if #users > 0 then return {"used", users} end
redis.call("DEL", KEYS[1], KEYS[3])
redis.call("ZREM", KEYS[2], ARGV[1])
return {"ok"}
`;

/** Repository records in Redis, shared by every hub replica. */
export class RepositoryStore {
  readonly keys: RepositoryKeys;
  private readonly redis: Redis;

  constructor(options: { redis: Redis; prefix: string }) {
    this.redis = options.redis;
    this.keys = repositoryKeys(options.prefix);
  }

  /** ALREADY_EXISTS (field "repository.name") when the name is taken; nothing changes then. */
  async create(record: RepositoryRecord): Promise<void> {
    const fields = Object.entries(toFields(record)).flat();
    const created = await this.redis.eval(CREATE, 2, this.keys.repository(record.name), this.keys.repositoryNames, record.name, ...fields);
    if (created !== 1) throw alreadyExists(record.name);
  }

  async get(name: string): Promise<RepositoryRecord | undefined> {
    const fields = await this.redis.hgetall(this.keys.repository(name));
    return Object.keys(fields).length === 0 ? undefined : fromFields(fields);
  }

  /** Like get; NOT_FOUND naming `field` when there is no such repository. */
  async require(name: string, field: string): Promise<RepositoryRecord> {
    const record = await this.get(name);
    if (!record) throw notFound(name, field);
    return record;
  }

  async isTaken(name: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.repository(name))) === 1;
  }

  /** Every repository, in name order. */
  async list(): Promise<RepositoryRecord[]> {
    const names = await this.redis.zrange(this.keys.repositoryNames, 0, -1);
    const records = await Promise.all(names.map((name) => this.get(name)));
    return records.filter((r): r is RepositoryRecord => r !== undefined);
  }

  /** NOT_FOUND when unknown; FAILED_PRECONDITION naming the policies while any uses it. */
  async delete(name: string, field: string): Promise<void> {
    const [status, users] = (await this.redis.eval(
      DELETE,
      3,
      this.keys.repository(name),
      this.keys.repositoryNames,
      this.keys.repositoryPolicies(name),
      name,
    )) as [string, string[]?];
    if (status === "missing") throw notFound(name, field);
    if (status === "used") {
      throw new LifeboatError(
        "FAILED_PRECONDITION",
        `repository "${name}" is used by ${users!.length} ${users!.length === 1 ? "policy" : "policies"} (${users!.join(", ")}): delete them or point them elsewhere first`,
        { field, value: name },
      );
    }
  }
}

function alreadyExists(name: string): LifeboatError {
  return new LifeboatError("ALREADY_EXISTS", `repository "${name}" exists already: choose another name or delete it first`, { field: "repository.name", value: name });
}

export function notFound(name: string, field: string): LifeboatError {
  return new LifeboatError("NOT_FOUND", `repository "${name}" not found`, { field, value: name });
}

function toFields(record: RepositoryRecord): Record<string, string> {
  return {
    name: record.name,
    url: record.url,
    description: record.description,
    repositoryId: record.repositoryId,
    credentialNames: JSON.stringify(record.credentialNames),
    sealedCredentials: record.sealedCredentials,
    createTime: String(record.createTime),
    updateTime: String(record.updateTime),
  };
}

function fromFields(fields: Record<string, string>): RepositoryRecord {
  return {
    name: fields.name ?? "",
    url: fields.url ?? "",
    description: fields.description ?? "",
    repositoryId: fields.repositoryId ?? "",
    credentialNames: JSON.parse(fields.credentialNames ?? "[]") as string[],
    sealedCredentials: fields.sealedCredentials ?? "",
    createTime: Number(fields.createTime ?? 0),
    updateTime: Number(fields.updateTime ?? 0),
  };
}
