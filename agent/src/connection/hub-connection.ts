import {
  type Inventory,
  type RenewedCertificate,
  type Task,
  type TaskProgressReport,
  type TaskResultReport,
  type HubMessage,
  type Welcome,
} from "@lifeboat/proto";
import { LifeboatError, isLifeboatError } from "@lifeboat/shared";
import type { Logger } from "pino";
import type { AgentIdentity, IdentityStore } from "../identity/index.js";
import { DEFAULT_BACKOFF, backoffDelay, sleep, type BackoffPolicy } from "./backoff.js";
import { CertificateRenewer } from "./certificate-renewer.js";
import { HubAddressRotation } from "./hub-addresses.js";
import { dialHub } from "./hub-client.js";
import { HubSession, type AgentMessageInit } from "./hub-session.js";
import { DEFAULT_HUB_SETTINGS, applyConfiguration, type HubSettings } from "./hub-settings.js";
import { InventorySchedule } from "./inventory-schedule.js";
import { messageSize, oversizedResult } from "./message-limit.js";

/** What the connection needs of the executor (declared here, where it is used). */
export interface TaskRunner {
  readonly runningCount: number;
  activeTaskIds(): string[];
  currentProgress(): TaskProgressReport[];
  /** "already-running" when the task was running before this assignment. */
  assign(task: Task): "started" | "already-running";
  cancel(taskId: string, reason: string): boolean;
  setLeaseDuration(leaseDurationMs: number): void;
}

/** The cluster as hello describes it. */
export interface ClusterDescription {
  fingerprint: string;
  kubernetesVersion: string;
}

export interface HubConnectionOptions {
  identity: AgentIdentity;
  identityStore: IdentityStore;
  /** The CA to trust for the hub's server certificate; the CA from registration when absent. */
  hubCaCertificatePem?: string;
  agentVersion: string;
  /** Tasks run at once: the credits the agent grants. */
  concurrency: number;
  /** Inventory period when the hub's configuration leaves it unset, in ms; 0 for only on connect. */
  inventoryPeriodMs: number;
  /** Largest message before the hub's configuration says; default the shared limit. */
  maxMessageBytes?: number;
  backoff?: BackoffPolicy;
  welcomeTimeoutMs?: number;
  describeCluster(signal: AbortSignal): Promise<ClusterDescription>;
  collectInventory(signal: AbortSignal): Promise<Inventory>;
  /**
   * The hub refused the identity (UNAUTHENTICATED or PERMISSION_DENIED on Connect: revoked,
   * expired, cluster deleted, or a certificate copied to another cluster). Return a new identity
   * (registered again with a token) to carry on, or throw to stop the agent.
   */
  onIdentityRefused(error: LifeboatError, identity: AgentIdentity): Promise<AgentIdentity>;
  logger: Logger;
}

// Long enough for a hub replica under load to answer hello; short enough that an agent does not
// sit on a stream a broken hub accepted but will never serve.
const DEFAULT_WELCOME_TIMEOUT_MS = 30_000;
// How long stop() waits for the hub to close its side after the agent half-closes.
const CLOSE_GRACE_MS = 2_000;

/**
 * The agent's connection to the hub: one Connect stream at a time, reconnected with
 * exponential backoff and full jitter whenever it ends, for as long as `run`'s signal allows.
 * On every stream it sends hello (naming the tasks still running), waits for the welcome, grants
 * credits for its free task slots, sends results that are still owed, renews running tasks'
 * leases, and an inventory; then heartbeats, takes assignments, cancels and configuration, and
 * renews the client certificate when it falls due. Tasks outlive streams: their reports go to
 * whichever stream is open, and results wait for the next one.
 */
export class HubConnection {
  private identity: AgentIdentity;
  private settings: HubSettings;
  private session: HubSession | undefined;
  private sessionDone: Promise<unknown> | undefined;
  private isStopping = false;
  private runner: TaskRunner | undefined;
  /** Results not yet taken by a stream, by task id. */
  private readonly owedResults = new Map<string, TaskResultReport>();
  private readonly renewer: CertificateRenewer;
  private renewalStored: Promise<void> | undefined;
  private readonly inventory: InventorySchedule;
  private readonly logger: Logger;
  private readonly addresses = new HubAddressRotation();
  /** The replica the current (or last) stream went to, for the logs. */
  private dialled: string | undefined;

  constructor(private readonly options: HubConnectionOptions) {
    this.identity = options.identity;
    this.settings = { ...DEFAULT_HUB_SETTINGS, maxMessageBytes: options.maxMessageBytes ?? DEFAULT_HUB_SETTINGS.maxMessageBytes };
    this.logger = options.logger;
    this.renewer = new CertificateRenewer(options.identityStore, this.logger);
    this.inventory = new InventorySchedule(options.collectInventory, (inventory) => this.sendInventory(inventory), this.logger);
  }

  /** The identity in use: the registered one, or the latest renewal's. */
  get currentIdentity(): AgentIdentity {
    return this.identity;
  }

  /** Where assignments, cancels and lease changes go; set before run(). */
  attach(runner: TaskRunner): void {
    this.runner = runner;
  }

  /**
   * Connects and reconnects until `signal` aborts (then the stream is cancelled at once) or
   * shutdown() is called, and resolves; rejects with onIdentityRefused's error if it throws.
   */
  async run(signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted && !this.isStopping) {
      const end = await this.runSession(signal);
      if (signal.aborted || this.isStopping) break;
      const error = isLifeboatError(end.error) ? end.error : undefined;
      if (error && (error.code === "UNAUTHENTICATED" || error.code === "PERMISSION_DENIED")) {
        this.logger.error({ code: error.code, error: error.message, clusterId: this.identity.clusterId }, "the hub refused the agent's identity");
        this.identity = await this.options.onIdentityRefused(error, this.identity);
        attempt = 0;
        continue;
      }
      // A stream that was welcomed and then lasted a while was healthy: start escalating afresh.
      // One that ends as soon as it is welcomed keeps escalating, so a failing hub is not hammered.
      const policy = this.options.backoff ?? DEFAULT_BACKOFF;
      if (end.welcomed && end.durationMs >= policy.maxMs) attempt = 0;
      const delay = backoffDelay(attempt, policy);
      this.logger.warn(
        { hubAddress: this.dialled, error: describe(end.error), welcomed: end.welcomed, attempt: attempt + 1, delayMs: delay },
        "the stream to the hub ended; reconnecting",
      );
      attempt++;
      try {
        await sleep(delay, signal);
      } catch {
        break;
      }
    }
  }

  /**
   * Ends the connection cleanly: no reconnecting from now on, and the open stream half-closed,
   * so everything already sent (such as the results of tasks the stop interrupted) reaches the
   * hub before the stream ends; cancelled if the hub has not closed its side within a grace
   * period. run() then resolves.
   */
  async shutdown(): Promise<void> {
    this.isStopping = true;
    const session = this.session;
    const done = this.sessionDone;
    if (session && done) await session.close(CLOSE_GRACE_MS, done);
  }

  private async runSession(signal: AbortSignal) {
    // A renewal still being stored when the stream ended: the next stream must use its certificate.
    await this.renewalStored;
    const identity = this.identity;
    let cluster: ClusterDescription;
    try {
      cluster = await this.options.describeCluster(signal);
    } catch (err) {
      return { welcomed: false, error: err, durationMs: 0 };
    }
    // Another replica after every end: one that went away is left for the next in the list.
    const address = this.addresses.next(identity.hubAddresses);
    this.dialled = address;
    const hub = dialHub(
      address,
      {
        caCertificatePem: this.options.hubCaCertificatePem ?? identity.caCertificatePem,
        certificatePem: identity.certificatePem,
        privateKeyPem: identity.privateKeyPem,
      },
      this.settings.maxMessageBytes,
    );
    const session: HubSession = new HubSession({
      agent: hub.agent,
      heartbeatIntervalMs: this.settings.heartbeatIntervalMs,
      welcomeTimeoutMs: this.options.welcomeTimeoutMs ?? DEFAULT_WELCOME_TIMEOUT_MS,
      logger: this.logger,
      handlers: {
        hello: () => ({
          build: { component: "agent", version: this.options.agentVersion },
          fingerprint: cluster.fingerprint,
          kubernetesVersion: cluster.kubernetesVersion,
          activeTaskIds: this.activeTaskIds(),
        }),
        activeTaskIds: () => this.activeTaskIds(),
        onWelcome: (welcome) => this.onWelcome(session, welcome),
        onMessage: (message) => this.onMessage(session, message),
        onHeartbeat: () => void this.renewCertificateIfDue(session),
      },
    });
    this.session = session;
    this.logger.debug({ hubAddress: address }, "connecting to the hub");
    const done = session.run(signal);
    this.sessionDone = done;
    try {
      return await done;
    } finally {
      this.inventory.stop();
      this.session = undefined;
      this.sessionDone = undefined;
      hub.close();
    }
  }

  private onWelcome(session: HubSession, welcome: Welcome): void {
    this.applySettings(session, applyConfiguration(this.settings, welcome.configuration));
    this.logger.info(
      { clusterId: welcome.clusterId, hubAddress: this.dialled, hubInstance: welcome.hubInstance, hubVersion: welcome.build?.version, running: this.activeTaskIds().length },
      "connected to the hub",
    );
    const runner = this.requireRunner();
    const free = this.options.concurrency - runner.runningCount;
    if (free > 0) void session.send({ kind: { case: "credits", value: { credits: free } } });
    for (const report of this.owedResults.values()) void this.deliverResult(report);
    for (const report of runner.currentProgress()) void session.send({ kind: { case: "progress", value: report } });
    this.inventory.start(this.inventoryIntervalMs());
    void this.renewCertificateIfDue(session);
  }

  private onMessage(session: HubSession, message: HubMessage): void {
    const runner = this.requireRunner();
    switch (message.kind.case) {
      case "assignment": {
        const task = message.kind.value.task;
        if (!task) {
          this.logger.warn("the hub sent an assignment without a task");
          return;
        }
        if (runner.runningCount >= this.options.concurrency) {
          this.logger.warn({ taskId: task.id, running: runner.runningCount }, "the hub assigned a task beyond the credits granted; running it anyway");
        }
        // A task handed out again while it runs took a credit but no slot: give the credit back.
        if (runner.assign(task) === "already-running") void session.send({ kind: { case: "credits", value: { credits: 1 } } });
        return;
      }
      case "cancel": {
        const { taskId, reason } = message.kind.value;
        this.owedResults.delete(taskId);
        if (!runner.cancel(taskId, reason)) this.logger.info({ taskId }, "the hub cancelled a task that is not running");
        return;
      }
      case "configuration":
        this.applySettings(session, applyConfiguration(this.settings, message.kind.value));
        this.logger.info({ settings: this.settings }, "configuration from the hub applied");
        return;
      case "renewedCertificate":
        this.renewalStored = this.acceptRenewal(message.kind.value);
        return;
      case "heartbeatAck":
        return;
      case "welcome":
        this.logger.warn("the hub sent a second welcome on the stream; ignored");
        return;
      default:
        this.logger.warn({ kind: message.kind.case }, "a message from the hub this agent does not know; ignored");
    }
  }

  // TaskReports, for the executor.

  sendProgress(report: TaskProgressReport): void {
    const session = this.session;
    if (session?.welcomed) void session.send({ kind: { case: "progress", value: report } });
  }

  sendResult(report: TaskResultReport): void {
    this.owedResults.set(report.taskId, report);
    if (this.session?.welcomed) void this.deliverResult(report);
  }

  taskEnded(): void {
    const session = this.session;
    // Before a welcome there is nothing to add to: the welcome grants every free slot.
    if (session?.welcomed) void session.send({ kind: { case: "credits", value: { credits: 1 } } });
  }

  private async deliverResult(report: TaskResultReport): Promise<void> {
    const session = this.session;
    if (!session) return;
    let message: AgentMessageInit = { kind: { case: "result", value: report } };
    const size = messageSize(message);
    if (size > this.settings.maxMessageBytes) {
      this.logger.error({ taskId: report.taskId, bytes: size, maxMessageBytes: this.settings.maxMessageBytes }, "a task result is too large to send");
      message = oversizedResult(report, size, this.settings.maxMessageBytes);
    }
    if ((await session.send(message)) && this.owedResults.get(report.taskId) === report) this.owedResults.delete(report.taskId);
  }

  private async sendInventory(inventory: Inventory): Promise<void> {
    const message: AgentMessageInit = { kind: { case: "inventory", value: inventory } };
    const size = messageSize(message);
    if (size > this.settings.maxMessageBytes) {
      this.logger.error({ bytes: size, maxMessageBytes: this.settings.maxMessageBytes }, "the inventory is too large to send; raise max_message_bytes on the hub");
      return;
    }
    const sent = await this.session?.send(message);
    if (sent) {
      this.logger.debug(
        { namespaces: inventory.namespaces.length, nodes: inventory.nodes.length, apiResources: inventory.apiResources.length },
        "inventory sent",
      );
    }
  }

  private async renewCertificateIfDue(session: HubSession): Promise<void> {
    try {
      const csrPem = await this.renewer.csrIfDue(this.identity, session, this.settings.certificateRenewBeforeMs);
      if (csrPem) await session.send({ kind: { case: "renewCertificate", value: { csrPem } } });
    } catch (err) {
      this.logger.error({ err }, "could not ask the hub to renew the client certificate");
    }
  }

  private async acceptRenewal(renewed: RenewedCertificate): Promise<void> {
    try {
      this.identity = await this.renewer.accept(this.identity, renewed);
    } catch (err) {
      this.logger.error({ err }, "the renewed client certificate was not stored; the agent will ask again");
    }
  }

  private applySettings(session: HubSession, settings: HubSettings): void {
    const previous = this.settings;
    this.settings = settings;
    if (settings.leaseDurationMs !== previous.leaseDurationMs) this.requireRunner().setLeaseDuration(settings.leaseDurationMs);
    session.setHeartbeatInterval(settings.heartbeatIntervalMs);
    this.inventory.setInterval(this.inventoryIntervalMs());
  }

  private inventoryIntervalMs(): number {
    return this.settings.inventoryIntervalMs ?? this.options.inventoryPeriodMs;
  }

  /** Tasks the hub should keep leased to this agent: running, or finished with a result still owed. */
  private activeTaskIds(): string[] {
    return [...new Set([...this.requireRunner().activeTaskIds(), ...this.owedResults.keys()])];
  }

  private requireRunner(): TaskRunner {
    if (!this.runner) throw new LifeboatError("INTERNAL", "HubConnection.attach must be called before run");
    return this.runner;
  }
}

function describe(error: unknown): string {
  if (isLifeboatError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
