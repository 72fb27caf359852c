import { LifeboatError } from "@lifeboat/shared";
import type { ClusterId, TokenId } from "../store/index.js";

export const CLUSTER_STATES = ["connected", "disconnected"] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number];

/** The client certificate the hub last issued to a cluster's agent (never the certificate itself). */
export interface ClusterCertificateRecord {
  /** Lower-case hex. */
  serial: string;
  notBefore: number;
  notAfter: number;
}

/**
 * A registered cluster as the hub keeps it: plain data, converted to the wire at the gRPC edge.
 * Times are ms since epoch by the Redis clock. The inventory is kept apart (it can be large).
 */
export interface ClusterRecord {
  id: ClusterId;
  /** Unique in the fleet. */
  name: string;
  labels: Record<string, string>;
  /** UID of the cluster's kube-system namespace. */
  fingerprint: string;
  kubernetesVersion: string;
  agentVersion: string;
  state: ClusterState;
  /** The hub replica holding the stream, while connected. */
  connectedHub?: string;
  /** The stream (its dispatcher lease owner) the record follows, while connected. */
  connectionId?: string;
  connectTime?: number;
  disconnectTime?: number;
  lastHeartbeatTime?: number;
  certificate: ClusterCertificateRecord;
  registrationTokenId: TokenId;
  /** When the stored inventory was collected; unset until the first one arrives. */
  inventoryTime?: number;
  createTime: number;
  updateTime: number;
}

function corrupt(what: string): LifeboatError {
  return new LifeboatError("CORRUPT", `cluster record in Redis is damaged: ${what}`);
}

/**
 * Turns a cluster hash (HGETALL's flat array, a script's reply, or an event's record object)
 * into a record. Throws CORRUPT for a hash the scripts did not write.
 */
export function parseClusterFields(source: readonly string[] | Record<string, string>): ClusterRecord {
  const f = Array.isArray(source) ? fieldsOf(source as readonly string[]) : new Map(Object.entries(source));
  const text = (name: string): string => {
    const value = f.get(name);
    if (value === undefined) throw corrupt(`field "${name}" is missing (cluster ${f.get("id") ?? "?"})`);
    return value;
  };
  const time = (name: string): number => {
    const n = Number(text(name));
    if (!Number.isSafeInteger(n)) throw corrupt(`field "${name}" is not an integer (cluster ${f.get("id") ?? "?"})`);
    return n;
  };
  const optionalTime = (name: string): number | undefined => (f.has(name) ? time(name) : undefined);
  const state = text("state");
  if (!(CLUSTER_STATES as readonly string[]).includes(state)) throw corrupt(`state ${JSON.stringify(state)} is not one of ${CLUSTER_STATES.join(", ")}`);
  let labels: Record<string, string>;
  try {
    labels = JSON.parse(f.get("labels") ?? "{}") as Record<string, string>;
  } catch {
    throw corrupt(`labels of cluster ${f.get("id") ?? "?"} are not JSON`);
  }
  // cjson writes an empty Lua table as {} but could write [] for one that was an array.
  if (Array.isArray(labels)) labels = {};
  const record: ClusterRecord = {
    id: text("id") as ClusterId,
    name: text("name"),
    labels,
    fingerprint: text("fingerprint"),
    kubernetesVersion: f.get("kubernetesVersion") ?? "",
    agentVersion: f.get("agentVersion") ?? "",
    state: state as ClusterState,
    certificate: { serial: text("certSerial"), notBefore: time("certNotBefore"), notAfter: time("certNotAfter") },
    registrationTokenId: text("registrationTokenId") as TokenId,
    createTime: time("createTime"),
    updateTime: time("updateTime"),
  };
  const optional = {
    connectedHub: f.get("connectedHub"),
    connectionId: f.get("connectionId"),
    connectTime: optionalTime("connectTime"),
    disconnectTime: optionalTime("disconnectTime"),
    lastHeartbeatTime: optionalTime("lastHeartbeatTime"),
    inventoryTime: optionalTime("inventoryTime"),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (record as unknown as Record<string, unknown>)[key] = value;
  }
  return record;
}

function fieldsOf(flat: readonly string[]): Map<string, string> {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i]!, flat[i + 1]!);
  return f;
}
