import { LifeboatError } from "@lifeboat/shared";
import type { ClusterId, TokenId } from "../store/index.js";

/** How a token's life is stored; "expired" is derived from expireTime, never stored. */
export const STORED_TOKEN_STATES = ["active", "used", "revoked"] as const;
export const TOKEN_STATES = ["active", "used", "revoked", "expired"] as const;
export type TokenState = (typeof TOKEN_STATES)[number];

/** A registration token as the hub shows it: never its secret, nor the secret's hash. */
export interface TokenRecord {
  id: TokenId;
  labels: Record<string, string>;
  description: string;
  /** "expired" once an active token's expireTime has passed. */
  state: TokenState;
  createTime: number;
  expireTime: number;
  useTime?: number;
  clusterId?: ClusterId;
  revokeTime?: number;
}

function corrupt(what: string): LifeboatError {
  return new LifeboatError("CORRUPT", `registration token record in Redis is damaged: ${what}`);
}

/**
 * Turns a token hash (HGETALL's flat array, a script's reply, or an event's record object) into a
 * record, with an active token past its expireTime (by `now`) shown as expired.
 */
export function parseTokenFields(source: readonly string[] | Record<string, string>, now = Date.now()): TokenRecord {
  const f = new Map<string, string>();
  if (Array.isArray(source)) {
    const flat = source as readonly string[];
    for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i]!, flat[i + 1]!);
  } else for (const [k, v] of Object.entries(source)) f.set(k, v);
  const text = (name: string): string => {
    const value = f.get(name);
    if (value === undefined) throw corrupt(`field "${name}" is missing (token ${f.get("id") ?? "?"})`);
    return value;
  };
  const time = (name: string): number => {
    const n = Number(text(name));
    if (!Number.isSafeInteger(n)) throw corrupt(`field "${name}" is not an integer (token ${f.get("id") ?? "?"})`);
    return n;
  };
  const stored = text("state");
  if (!(STORED_TOKEN_STATES as readonly string[]).includes(stored)) throw corrupt(`state ${JSON.stringify(stored)} is unknown`);
  let labels: Record<string, string>;
  try {
    labels = JSON.parse(f.get("labels") ?? "{}") as Record<string, string>;
  } catch {
    throw corrupt(`labels of token ${f.get("id") ?? "?"} are not JSON`);
  }
  if (Array.isArray(labels)) labels = {};
  const expireTime = time("expireTime");
  const record: TokenRecord = {
    id: text("id") as TokenId,
    labels,
    description: f.get("description") ?? "",
    state: stored === "active" && expireTime <= now ? "expired" : (stored as TokenState),
    createTime: time("createTime"),
    expireTime,
  };
  if (f.has("useTime")) record.useTime = time("useTime");
  if (f.has("clusterId")) record.clusterId = text("clusterId") as ClusterId;
  if (f.has("revokeTime")) record.revokeTime = time("revokeTime");
  return record;
}
