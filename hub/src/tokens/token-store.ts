import { LifeboatError } from "@lifeboat/shared";
import type { Redis } from "ioredis";
import { DEFAULT_KEY_PREFIX, defineTaskScripts, newTokenId, parseTokenId, taskKeys, type TaskKeys, type TaskScriptCommands, type TokenId } from "../store/index.js";
import { parseTokenFields, TOKEN_STATES, type TokenRecord, type TokenState } from "./token-record.js";
import { hashTokenSecret, newTokenSecret } from "./token-secret.js";

export interface TokenStoreOptions {
  redis: Redis;
  prefix?: string;
  eventsMaxLen?: number;
  /** TTL when CreateToken gives none (default 1 h). */
  defaultTtlMs?: number;
  /** Longest TTL accepted (default 30 days). */
  maxTtlMs?: number;
}

export interface CreateTokenOptions {
  ttlMs?: number;
  labels?: Record<string, string>;
  description?: string;
}

export interface ListTokensOptions {
  state?: TokenState;
  /** 1-1000, default 100. */
  limit?: number;
  cursor?: string;
}

export interface TokenPage {
  tokens: TokenRecord[];
  nextCursor?: string;
}

type Reply = [string, string[]?];

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * Registration tokens in Redis: single-use, expiring, stored as a SHA-256 hash of the secret.
 * A token is used up by ClusterStore.register, in the same script that registers the cluster.
 */
export class TokenStore {
  readonly keys: TaskKeys;
  private readonly redis: Redis & TaskScriptCommands;
  private readonly eventsMaxLen: string;
  private readonly defaultTtlMs: number;
  private readonly maxTtlMs: number;

  constructor(options: TokenStoreOptions) {
    this.redis = defineTaskScripts(options.redis);
    this.keys = taskKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
    this.eventsMaxLen = String(options.eventsMaxLen ?? 100_000);
    this.defaultTtlMs = options.defaultTtlMs ?? 60 * 60 * 1000;
    this.maxTtlMs = options.maxTtlMs ?? 30 * 24 * 60 * 60 * 1000;
  }

  private common(): string[] {
    return [this.keys.prefix, "", this.eventsMaxLen];
  }

  /** Makes a token; its secret is returned here and never again. Throws INVALID_ARGUMENT naming the field at fault. */
  async create(options: CreateTokenOptions = {}): Promise<{ token: TokenRecord; secret: string }> {
    const ttlMs = options.ttlMs ?? this.defaultTtlMs;
    if (!Number.isSafeInteger(ttlMs) || ttlMs < 1000 || ttlMs > this.maxTtlMs) {
      throw new LifeboatError(
        "INVALID_ARGUMENT",
        `ttl ${ttlMs / 1000}s is invalid: a registration token lives from 1s to ${this.maxTtlMs / 1000}s`,
        { field: "ttl", value: `${ttlMs / 1000}s` },
      );
    }
    const labels = options.labels ?? {};
    for (const [key, value] of Object.entries(labels)) {
      if (!LABEL_KEY.test(key)) throw new LifeboatError("INVALID_ARGUMENT", `labels key ${JSON.stringify(key)} is not a valid label key`, { field: "labels", value: key });
      if (!LABEL_VALUE.test(value)) {
        throw new LifeboatError("INVALID_ARGUMENT", `labels["${key}"] value ${JSON.stringify(value)} is not a valid label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`, {
          field: `labels.${key}`,
          value,
        });
      }
    }
    const description = options.description ?? "";
    if (description.length > 1024) {
      throw new LifeboatError("INVALID_ARGUMENT", `description is ${description.length} characters; at most 1024`, { field: "description" });
    }
    for (;;) {
      const id = newTokenId();
      const secret = newTokenSecret();
      const [status, flat] = (await this.redis.lifeboatCreateToken(
        ...this.common(),
        id,
        hashTokenSecret(secret),
        JSON.stringify(labels),
        description,
        String(ttlMs),
      )) as Reply;
      // "exists": a random id or secret collided; pick new ones.
      if (status === "ok") return { token: parseTokenFields(flat!), secret };
    }
  }

  async get(id: TokenId): Promise<TokenRecord | undefined> {
    parseTokenId(id, "id");
    const flat = (await this.redis.call("HGETALL", this.keys.token(id))) as string[];
    return flat.length === 0 ? undefined : parseTokenFields(flat);
  }

  /** Revokes an unused token; revoking a revoked one succeeds. FAILED_PRECONDITION for a used or expired token, NOT_FOUND for none. */
  async revoke(id: TokenId): Promise<TokenRecord> {
    parseTokenId(id, "id");
    const [status, flat] = (await this.redis.lifeboatRevokeToken(...this.common(), id)) as Reply;
    if (status === "missing") throw new LifeboatError("NOT_FOUND", `registration token ${id} not found`, { field: "id", value: id });
    const token = parseTokenFields(flat!);
    if (status === "refused") {
      throw new LifeboatError("FAILED_PRECONDITION", `registration token ${id} cannot be revoked: it is ${token.state}`, { field: "id", value: id });
    }
    return token;
  }

  /** Tokens newest first, optionally in one state, a page at a time. */
  async list(options: ListTokensOptions = {}): Promise<TokenPage> {
    const limit = options.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
      throw new LifeboatError("INVALID_ARGUMENT", `page_size ${limit} is invalid: must be from 1 to 1000`, { field: "page_size", value: String(limit) });
    }
    if (options.state !== undefined && !(TOKEN_STATES as readonly string[]).includes(options.state)) {
      throw new LifeboatError("INVALID_ARGUMENT", `state ${options.state} is invalid`, { field: "state", value: options.state });
    }
    if (options.cursor !== undefined && !/^\d+$/.test(options.cursor)) {
      throw new LifeboatError("INVALID_ARGUMENT", `page_token ${JSON.stringify(options.cursor)} is invalid: pass the next_page_token of a previous page`, {
        field: "page_token",
        value: options.cursor,
      });
    }
    const tokens: TokenRecord[] = [];
    let before = options.cursor;
    for (;;) {
      const max = before === undefined ? "+inf" : `(${before}`;
      const reply = (await this.redis.call("ZRANGE", this.keys.tokens, max, "-inf", "BYSCORE", "REV", "LIMIT", "0", String(limit), "WITHSCORES")) as string[];
      if (reply.length === 0) return { tokens };
      const entries: [string, string][] = [];
      for (let i = 0; i + 1 < reply.length; i += 2) entries.push([reply[i]!, reply[i + 1]!]);
      const records = await Promise.all(entries.map(([id]) => this.redis.call("HGETALL", this.keys.token(id as TokenId)) as Promise<string[]>));
      for (let i = 0; i < entries.length; i++) {
        before = entries[i]![1];
        const flat = records[i]!;
        if (flat.length === 0) continue;
        const token = parseTokenFields(flat);
        if (options.state !== undefined && token.state !== options.state) continue;
        tokens.push(token);
        if (tokens.length === limit) return { tokens, nextCursor: before };
      }
      if (entries.length < limit) return { tokens };
    }
  }
}
