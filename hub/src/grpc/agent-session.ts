import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs, timestampNow, timestampMs } from "@bufbuild/protobuf/wkt";
import {
  InventorySchema,
  type AgentHello,
  type AgentMessage,
  type HubMessageSchema,
  type Inventory,
  TaskSchema,
  type Task,
  type TaskProgressReport,
  type TaskResultReport,
} from "@lifeboat/proto";
import { LifeboatError, isLifeboatError, type HandlerContext, type ServerBidiStream } from "@lifeboat/shared";
import { revokedCertificate, type ClusterRecord, type ClusterStore } from "../clusters/index.js";
import type { AgentSettings } from "../config/index.js";
import type { HubLog } from "../log.js";
import type { CertificateAuthority, PeerIdentity } from "../pki/index.js";
import type { AttachedStream, Dispatcher, TaskQueue, TaskRecord } from "../queue/index.js";
import { parseTaskId, type ClusterId } from "../store/index.js";
import { HUB_BUILD } from "../version.js";
import { agentConfiguration, readHello } from "./agent-hello.js";
import type { ClusterChange, ClusterStreams } from "./cluster-streams.js";
import { enqueueConnectInventory } from "./connect-inventory.js";
import { progressToPayload, resultToPayload, toWireTask } from "./wire-task.js";

/** What the Connect handler needs from the hub process. */
export interface AgentSessionDeps {
  clusters: ClusterStore;
  queue: TaskQueue;
  dispatcher: Dispatcher;
  ca: CertificateAuthority;
  streams: ClusterStreams;
  hubId: string;
  settings: AgentSettings;
  maxMessageBytes: number;
  log: HubLog;
  /**
   * Completes a task just before it goes to the agent: secrets a task needs (a repository's
   * credentials) are never stored with it in Redis, only added on the way out.
   */
  prepareAssignment?: (task: Task) => Promise<Task>;
}

type HubMessageInit = MessageInitShape<typeof HubMessageSchema>;

/** Most assignments a stream may have room for at once (credits sent and not yet used). */
export const MAX_OUTSTANDING_CREDITS = 1000;
// Three missed heartbeats and the stream is taken for dead (AgentConfiguration.heartbeat_interval).
const MISSED_HEARTBEATS = 3;

/**
 * One agent's Connect stream on this hub process, after its certificate was checked: hello and
 * welcome, then tasks out (assignments against pull credits, cancels) and reports in (progress,
 * results, heartbeats, inventories, certificate renewals), until either side ends it. The
 * cluster is marked connected on hello and disconnected when the stream ends, unless a newer
 * stream of the cluster took over the record meanwhile.
 */
export class AgentSession {
  private readonly clusterId: ClusterId;
  private attached: AttachedStream | undefined;
  private lastMessageAt = Date.now();
  /** Why the stream is ending, once something (watchdog, cluster change, shutdown) ended it. */
  private endReason: Error | undefined;
  /** Rejecters of the waits in progress (at most two: the next message and its handling). */
  private readonly endListeners = new Set<(reason: Error) => void>();

  constructor(
    private readonly deps: AgentSessionDeps,
    private readonly identity: PeerIdentity,
    private readonly cluster: ClusterRecord,
    private readonly stream: ServerBidiStream<AgentMessage, HubMessageInit>,
    private readonly context: HandlerContext,
  ) {
    this.clusterId = cluster.id;
  }

  /** Runs the stream to its end; throws the error the stream ends with (a LifeboatError). */
  async run(): Promise<void> {
    const removeCloser = this.deps.streams.add(this.clusterId, (change) => this.onClusterChange(change));
    const silenceMs = MISSED_HEARTBEATS * this.deps.settings.heartbeatIntervalMs;
    const watchdog = setInterval(() => {
      if (Date.now() - this.lastMessageAt > silenceMs) {
        this.endWith(new LifeboatError("UNAVAILABLE", `no message from the agent of cluster ${this.clusterId} for ${silenceMs} ms (${MISSED_HEARTBEATS} heartbeat intervals); closing the stream`, { retryable: true }));
      }
    }, Math.max(50, Math.floor(this.deps.settings.heartbeatIntervalMs / 2)));
    const iterator = this.stream[Symbol.asyncIterator]();
    try {
      const first = await this.untilEnded(iterator.next());
      if (first.done) return;
      this.lastMessageAt = Date.now();
      await this.untilEnded(this.open(readHello(first.value, this.cluster, this.identity)));
      for (;;) {
        const next = await this.untilEnded(iterator.next());
        if (next.done) return;
        this.lastMessageAt = Date.now();
        await this.untilEnded(this.handle(next.value));
      }
    } finally {
      clearInterval(watchdog);
      removeCloser();
      await this.close();
    }
  }

  /** Ends the stream with `reason`: whatever run() waits for is abandoned. */
  private endWith(reason: Error): void {
    if (this.endReason) return;
    this.endReason = reason;
    for (const listener of [...this.endListeners]) listener(reason);
  }

  /**
   * `work`, or the stream's end if that comes first. Not Promise.race with one long-lived "ended"
   * promise: each race would leave a reaction on it, holding the settled value (every message
   * received, inventories included) until the stream ends, which for an agent is days.
   */
  private untilEnded<T>(work: Promise<T>): Promise<T> {
    if (this.endReason) {
      work.catch(() => undefined);
      return Promise.reject(this.endReason);
    }
    return new Promise<T>((resolve, reject) => {
      const onEnd = (reason: Error) => {
        this.endListeners.delete(onEnd);
        reject(reason);
      };
      this.endListeners.add(onEnd);
      work.then(
        (value) => {
          this.endListeners.delete(onEnd);
          resolve(value);
        },
        (err: unknown) => {
          this.endListeners.delete(onEnd);
          reject(err);
        },
      );
    });
  }

  private onClusterChange(change: ClusterChange): void {
    if (change === "shutdown") {
      this.endWith(new LifeboatError("UNAVAILABLE", `hub ${this.deps.hubId} is shutting down; reconnect to any hub`, { retryable: true }));
      return;
    }
    // A re-registration revokes the cluster's earlier certificates; a stream opened since, with
    // the new one, stays.
    void this.deps.clusters.isRevoked(this.identity.serial).then(
      (revoked) => {
        if (revoked) this.endWith(revokedCertificate(this.identity.serial));
      },
      (err: unknown) => this.deps.log.error("cannot check a certificate's revocation", { clusterId: this.clusterId, error: err }),
    );
  }

  /** Sends a leased task; one that cannot be completed for the agent fails at once with the reason. */
  private async assign(record: TaskRecord): Promise<void> {
    let task: Task = create(TaskSchema, toWireTask(record));
    if (this.deps.prepareAssignment) {
      try {
        task = await this.deps.prepareAssignment(task);
      } catch (err) {
        const error = isLifeboatError(err) ? err : new LifeboatError("INTERNAL", `task ${record.id} could not be prepared: ${(err as Error).message}`);
        this.deps.log.warn("a task could not be prepared for its agent and fails", { taskId: record.id, clusterId: this.clusterId, code: error.code, error: error.message });
        await this.deps.queue.fail(record.id, this.owner(), { code: error.code, message: error.message }, { retryable: false });
        return;
      }
    }
    await this.send({ kind: { case: "assignment", value: { task } } });
  }

  private async open(hello: AgentHello): Promise<void> {
    const { deps } = this;
    this.attached = deps.dispatcher.attach(this.clusterId, {
      send: (task) => this.assign(task),
      cancel: (taskId, reason) => void this.send({ kind: { case: "cancel", value: { taskId, reason } } }).catch(() => undefined),
    });
    const owner = this.attached.owner;
    try {
      await deps.clusters.markConnected(this.clusterId, deps.hubId, owner, {
        kubernetesVersion: hello.kubernetesVersion,
        agentVersion: hello.build?.version ?? "",
      });
    } catch (err) {
      // Deleted between the certificate check and hello.
      if (isLifeboatError(err) && err.code === "NOT_FOUND") throw revokedCertificate(this.identity.serial);
      throw err;
    }
    const active = hello.activeTaskIds.map((id, i) => parseTaskId(id, `hello.active_task_ids[${i}]`));
    const adopted = await deps.queue.adopt(this.clusterId, owner, deps.settings.leaseMs, active);
    deps.log.info("agent connected", {
      clusterId: this.clusterId,
      peer: this.context.peer,
      serial: this.identity.serial,
      connection: owner,
      adoptedTasks: adopted.length,
    });
    await this.send({
      kind: {
        case: "welcome",
        value: { clusterId: this.clusterId, hubInstance: deps.hubId, build: HUB_BUILD, configuration: agentConfiguration(deps.settings, deps.maxMessageBytes) },
      },
    });
    await enqueueConnectInventory(deps.queue, this.clusterId);
  }

  private async handle(message: AgentMessage): Promise<void> {
    const { kind } = message;
    switch (kind.case) {
      case "hello":
        throw new LifeboatError("INVALID_ARGUMENT", "hello was sent twice: it opens the stream and comes once", { field: "kind", value: "hello" });
      case "heartbeat":
        await this.deps.clusters.heartbeat(this.clusterId, this.owner());
        await this.send({ kind: { case: "heartbeatAck", value: { agentSendTime: kind.value.sendTime, hubTime: timestampNow() } } });
        return;
      case "credits":
        return this.addCredits(kind.value.credits);
      case "progress":
        return this.recordProgress(kind.value);
      case "result":
        return this.recordResult(kind.value);
      case "inventory":
        await this.storeInventory(kind.value);
        return;
      case "renewCertificate":
        return this.renewCertificate(kind.value.csrPem);
      case undefined:
        // A kind this hub does not know (a newer agent): ignored, as unknown fields are.
        return;
    }
  }

  private addCredits(credits: number): void {
    const attached = this.attached!;
    if (attached.credits() + credits > MAX_OUTSTANDING_CREDITS) {
      throw new LifeboatError(
        "INVALID_ARGUMENT",
        `credits.credits ${credits} is invalid: it would give the stream ${attached.credits() + credits} unused credits; at most ${MAX_OUTSTANDING_CREDITS}`,
        { field: "credits.credits", value: String(credits) },
      );
    }
    attached.addCredits(credits);
  }

  private async recordProgress(report: TaskProgressReport): Promise<void> {
    const taskId = parseTaskId(report.taskId, "progress.task_id");
    try {
      await this.deps.queue.renew(taskId, this.owner(), this.deps.settings.leaseMs, progressToPayload(report.progress), this.attemptCheck(report.attempt));
    } catch (err) {
      if (!isLeaseLost(err)) throw err;
      // The task was handed back, cancelled or completed elsewhere: tell the agent to stop it.
      await this.send({ kind: { case: "cancel", value: { taskId, reason: `the hub no longer leases this task to this stream: ${err.message}` } } });
    }
  }

  private async recordResult(report: TaskResultReport): Promise<void> {
    const taskId = parseTaskId(report.taskId, "result.task_id");
    const check = this.attemptCheck(report.attempt);
    const { outcome } = report;
    try {
      if (outcome.case === "result") {
        const settlement = await this.deps.queue.complete(taskId, this.owner(), resultToPayload(outcome.value), check);
        const inventory = outcome.value.kind.case === "inventory" ? outcome.value.kind.value.inventory : undefined;
        if (inventory && !settlement.duplicate) await this.storeInventory(inventory);
      } else if (outcome.case === "error") {
        const error = outcome.value;
        await this.deps.queue.fail(taskId, this.owner(), { code: error.code || "INTERNAL", message: error.message }, { ...check, retryable: error.retryable });
      } else {
        throw new LifeboatError("INVALID_ARGUMENT", `result.outcome of task ${taskId} is empty: set result or error`, { field: "result.outcome", value: taskId });
      }
    } catch (err) {
      if (!isLeaseLost(err)) throw err;
      // A result for an attempt the hub already took back: the task lives on (or ended) without it.
      this.deps.log.warn("agent result refused", { clusterId: this.clusterId, taskId, reason: err.message });
    }
  }

  private async storeInventory(inventory: Inventory): Promise<void> {
    await this.deps.clusters.update(this.clusterId, {
      kubernetesVersion: inventory.kubernetesVersion,
      inventory: toBinary(InventorySchema, inventory),
      inventoryTime: inventory.collectTime ? timestampMs(inventory.collectTime) : undefined,
    });
  }

  private async renewCertificate(csrPem: string): Promise<void> {
    const { ca, clusters, settings } = this.deps;
    const issued = await ca.issueClientCertificate(csrPem, this.clusterId, {
      validityDays: settings.certificateValidityDays,
      csrField: "renew_certificate.csr_pem",
    });
    await clusters.renewCertificate(this.clusterId, this.identity.serial, {
      serial: issued.serial,
      notBefore: issued.notBefore.getTime(),
      notAfter: issued.notAfter.getTime(),
    });
    this.deps.log.info("agent certificate renewed", { clusterId: this.clusterId, serial: issued.serial, previousSerial: this.identity.serial });
    await this.send({
      kind: {
        case: "renewedCertificate",
        value: { certificatePem: issued.certificatePem, caCertificatePem: ca.certificatePem, notAfter: timestampFromMs(issued.notAfter.getTime()) },
      },
    });
  }

  private send(message: HubMessageInit): Promise<void> {
    return this.stream.send(message);
  }

  private owner(): string {
    return this.attached!.owner;
  }

  /** Attempt 0 (an agent that does not echo it) skips the check; the lease owner still must match. */
  private attemptCheck(attempt: number): { attempt?: number } {
    return attempt === 0 ? {} : { attempt };
  }

  private async close(): Promise<void> {
    const attached = this.attached;
    if (!attached) return;
    attached.detach();
    try {
      const changed = await this.deps.clusters.markDisconnected(this.clusterId, attached.owner);
      this.deps.log.info("agent disconnected", { clusterId: this.clusterId, connection: attached.owner, recorded: changed });
    } catch (err) {
      this.deps.log.error("cannot record agent disconnect", { clusterId: this.clusterId, error: err });
    }
  }
}

function isLeaseLost(err: unknown): err is LifeboatError {
  return isLifeboatError(err) && (err.code === "FAILED_PRECONDITION" || err.code === "NOT_FOUND");
}

