import { LifeboatError } from "@lifeboat/shared";
import type { Redis } from "ioredis";
import { DEFAULT_KEY_PREFIX, defineTaskScripts, taskKeys, type ClusterId, type TaskKeys, type TaskScriptCommands } from "../store/index.js";
import { parseClusterFields, type ClusterRecord, type ClusterState } from "./cluster-record.js";
import { parseLabelSelector } from "@lifeboat/shared";

export interface ClusterStoreOptions {
  /** The hub process's command connection (see connectHubRedis). */
  redis: Redis;
  prefix?: string;
  eventsMaxLen?: number;
}

/** What Register records, once the certificate is signed. */
export interface Registration {
  tokenHash: string;
  clusterId: ClusterId;
  /** Whether `clusterId` came from the fingerprint index (a re-registration). */
  isKnown: boolean;
  fingerprint: string;
  nameHint: string;
  kubernetesVersion: string;
  agentVersion: string;
  certificate: { serial: string; notBefore: number; notAfter: number };
}

export type RegistrationOutcome =
  | { status: "ok"; cluster: ClusterRecord; tokenFields: string[]; created: boolean }
  | { status: "retry" }
  | { status: "token-unknown" | "token-used" | "token-revoked" | "token-expired" };

export interface ListClustersOptions {
  /** Kubernetes label selector syntax. */
  labelSelector?: string;
  state?: ClusterState;
  /** 1-1000, default 100. */
  limit?: number;
  /** `nextCursor` of the previous page (the last name it held). */
  cursor?: string;
}

export interface ClusterPage {
  clusters: ClusterRecord[];
  nextCursor?: string;
}

type Reply = [string, string[]?, string[]?, string?];

const versionsArg = (kubernetesVersion = "", agentVersion = "") => JSON.stringify({ kubernetesVersion, agentVersion });

/**
 * Registered clusters in Redis: records, the fingerprint and name indexes, issued and revoked
 * certificate serials, connection state and inventories. Every change is one script that also
 * appends its event to the event log; any number of hub processes may share one Redis.
 */
export class ClusterStore {
  readonly keys: TaskKeys;
  private readonly redis: Redis & TaskScriptCommands;
  private readonly eventsMaxLen: string;

  constructor(options: ClusterStoreOptions) {
    this.redis = defineTaskScripts(options.redis);
    this.keys = taskKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
    this.eventsMaxLen = String(options.eventsMaxLen ?? 100_000);
  }

  private common(): string[] {
    return [this.keys.prefix, "", this.eventsMaxLen];
  }

  async get(id: ClusterId): Promise<ClusterRecord | undefined> {
    const flat = (await this.redis.call("HGETALL", this.keys.cluster(id))) as string[];
    return flat.length === 0 ? undefined : parseClusterFields(flat);
  }

  /** Like get, but NOT_FOUND naming `field` when there is no such cluster. */
  async require(id: ClusterId, field = "id"): Promise<ClusterRecord> {
    const cluster = await this.get(id);
    if (!cluster) throw new LifeboatError("NOT_FOUND", `cluster ${id} not found`, { field, value: id });
    return cluster;
  }

  /** The latest inventory, protobuf binary (lifeboat.v1.Inventory), if any arrived. */
  async getInventory(id: ClusterId): Promise<Uint8Array | undefined> {
    const bytes = await this.redis.getBuffer(this.keys.clusterInventory(id));
    return bytes === null ? undefined : new Uint8Array(bytes);
  }

  async findByFingerprint(fingerprint: string): Promise<ClusterId | undefined> {
    return ((await this.redis.hget(this.keys.clusterFingerprints, fingerprint)) ?? undefined) as ClusterId | undefined;
  }

  async isRevoked(serial: string): Promise<boolean> {
    return (await this.redis.zscore(this.keys.revokedCertificates, serial)) !== null;
  }

  /**
   * Uses up the token and creates or re-issues the cluster, atomically (see
   * register-cluster.lua). Changes nothing unless the outcome is "ok".
   */
  async register(r: Registration): Promise<RegistrationOutcome> {
    const [status, cluster, token, outcome] = (await this.redis.lifeboatRegisterCluster(
      ...this.common(),
      r.tokenHash,
      r.clusterId,
      r.fingerprint,
      r.nameHint,
      versionsArg(r.kubernetesVersion, r.agentVersion),
      r.isKnown ? "1" : "0",
      r.certificate.serial,
      String(r.certificate.notBefore),
      String(r.certificate.notAfter),
    )) as Reply;
    if (status === "ok") return { status, cluster: parseClusterFields(cluster!), tokenFields: token!, created: outcome === "created" };
    return { status: status as "retry" };
  }

  /** Marks the cluster connected through stream `connectionId` on hub `hubId`; NOT_FOUND if it was deleted. */
  async markConnected(id: ClusterId, hubId: string, connectionId: string, versions: { kubernetesVersion?: string; agentVersion?: string } = {}): Promise<ClusterRecord> {
    const [status, flat] = (await this.redis.lifeboatConnectCluster(
      ...this.common(),
      id,
      hubId,
      connectionId,
      versionsArg(versions.kubernetesVersion, versions.agentVersion),
    )) as Reply;
    if (status === "missing") throw new LifeboatError("NOT_FOUND", `cluster ${id} not found`, { field: "clusterId", value: id });
    return parseClusterFields(flat!);
  }

  /** Marks the cluster disconnected if `connectionId` is still its stream; returns whether it changed. */
  async markDisconnected(id: ClusterId, connectionId: string): Promise<boolean> {
    const [status] = (await this.redis.lifeboatDisconnectCluster(...this.common(), id, connectionId)) as Reply;
    return status === "ok";
  }

  /** Records a heartbeat on stream `connectionId`; false when the record follows another stream. */
  async heartbeat(id: ClusterId, connectionId: string): Promise<boolean> {
    const [status] = (await this.redis.lifeboatHeartbeatCluster(...this.common(), id, connectionId)) as Reply;
    return status === "ok";
  }

  /** Records versions and, when given, a new inventory (protobuf binary); NOT_FOUND if deleted. */
  async update(
    id: ClusterId,
    change: { kubernetesVersion?: string; agentVersion?: string; inventory?: Uint8Array; inventoryTime?: number },
  ): Promise<ClusterRecord> {
    const [status, flat] = (await this.redis.lifeboatUpdateCluster(
      ...this.common(),
      id,
      versionsArg(change.kubernetesVersion, change.agentVersion),
      change.inventory ? Buffer.from(change.inventory.buffer, change.inventory.byteOffset, change.inventory.byteLength) : "",
      change.inventoryTime === undefined ? "" : String(Math.floor(change.inventoryTime)),
    )) as Reply;
    if (status === "missing") throw new LifeboatError("NOT_FOUND", `cluster ${id} not found`, { field: "clusterId", value: id });
    return parseClusterFields(flat!);
  }

  /**
   * Records a certificate renewed on a stream opened with `presentedSerial`. Throws NOT_FOUND
   * for a deleted cluster, UNAUTHENTICATED when the presented certificate was revoked meanwhile.
   */
  async renewCertificate(id: ClusterId, presentedSerial: string, certificate: { serial: string; notBefore: number; notAfter: number }): Promise<ClusterRecord> {
    const [status, flat] = (await this.redis.lifeboatRenewCertificate(
      ...this.common(),
      id,
      presentedSerial,
      certificate.serial,
      String(certificate.notBefore),
      String(certificate.notAfter),
    )) as Reply;
    if (status === "missing") throw new LifeboatError("NOT_FOUND", `cluster ${id} not found`, { field: "clusterId", value: id });
    if (status === "revoked") throw revokedCertificate(presentedSerial);
    return parseClusterFields(flat!);
  }

  /** Deletes the cluster and revokes its certificates; returns the record as it was. NOT_FOUND if there is none. */
  async delete(id: ClusterId): Promise<ClusterRecord> {
    const [status, flat] = (await this.redis.lifeboatDeleteCluster(...this.common(), id)) as Reply;
    if (status === "missing") throw new LifeboatError("NOT_FOUND", `cluster ${id} not found`, { field: "id", value: id });
    return parseClusterFields(flat!);
  }

  /**
   * Marks disconnected every connected cluster whose stream showed no life (connect or heartbeat)
   * for `maxSilenceMs` by the Redis clock; returns how many changed.
   */
  async disconnectStale(maxSilenceMs: number): Promise<number> {
    let total = 0;
    for (;;) {
      const [changed, more] = (await this.redis.lifeboatDisconnectStale(...this.common(), String(Math.floor(maxSilenceMs)), "500")) as number[];
      total += changed ?? 0;
      if (more !== 1) return total;
    }
  }

  /** Clusters in name order, filtered by labels and state, a page at a time. */
  /** The id of the cluster named `name`, if one is registered (names are unique in the fleet). */
  async idOfName(name: string): Promise<ClusterId | undefined> {
    return ((await this.redis.hget(this.keys.clusterNames, name)) ?? undefined) as ClusterId | undefined;
  }

  /**
   * Ids of the clusters `labelSelector` matches, in name order, page by page; stops once it has
   * more than `atMost` (so a caller can refuse too many without reading the whole fleet).
   */
  async idsMatching(labelSelector: string, atMost = Number.POSITIVE_INFINITY): Promise<ClusterId[]> {
    const ids: ClusterId[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ labelSelector, limit: 1000, cursor });
      ids.push(...page.clusters.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined && ids.length <= atMost);
    return ids;
  }

  async list(options: ListClustersOptions = {}): Promise<ClusterPage> {
    const limit = options.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
      throw new LifeboatError("INVALID_ARGUMENT", `page_size ${limit} is invalid: must be from 1 to 1000`, { field: "page_size", value: String(limit) });
    }
    const matches = parseLabelSelector(options.labelSelector ?? "");
    const clusters: ClusterRecord[] = [];
    let after = options.cursor;
    // Filters apply after the name index is read, so a page may take several reads.
    for (;;) {
      const min = after === undefined ? "-" : `(${after}`;
      const names = (await this.redis.call("ZRANGE", this.keys.clusterNameOrder, min, "+", "BYLEX", "LIMIT", "0", String(limit))) as string[];
      if (names.length === 0) return { clusters };
      const ids = ((await this.redis.hmget(this.keys.clusterNames, ...names)) as (string | null)[]);
      const records = await Promise.all(ids.map((id) => (id === null ? undefined : this.get(id as ClusterId))));
      for (let i = 0; i < names.length; i++) {
        after = names[i]!;
        const record = records[i];
        if (!record || !matches(record.labels) || (options.state !== undefined && record.state !== options.state)) continue;
        clusters.push(record);
        if (clusters.length === limit) return i === names.length - 1 && names.length < limit ? { clusters } : { clusters, nextCursor: after };
      }
      if (names.length < limit) return { clusters };
    }
  }
}

/** The refusal for a certificate whose serial is on the revoked list. */
export function revokedCertificate(serial: string): LifeboatError {
  return new LifeboatError("UNAUTHENTICATED", `certificate serial ${serial} was revoked (its cluster was deleted or registered again); register the agent again`, {
    field: "certificate",
    value: serial,
  });
}

