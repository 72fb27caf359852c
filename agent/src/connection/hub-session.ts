import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { AgentHelloSchema, AgentMessageSchema, HubMessage, Welcome } from "@lifeboat/proto";
import { LifeboatError, type BidiStream } from "@lifeboat/shared";
import type { Logger } from "pino";
import type { AgentServiceClient } from "./hub-client.js";

export type AgentMessageInit = MessageInitShape<typeof AgentMessageSchema>;
export type AgentHelloInit = MessageInitShape<typeof AgentHelloSchema>;

/** What a session asks of the connection that runs it. */
export interface SessionHandlers {
  /** The hello to open with (active task ids filled in at the moment it is sent). */
  hello(): AgentHelloInit;
  /** Ids of the tasks to name in heartbeats. */
  activeTaskIds(): string[];
  /** The hub accepted the stream. Runs before any later message is handled. */
  onWelcome(welcome: Welcome): void;
  /** Every message after the welcome. */
  onMessage(message: HubMessage): void;
  /** After each heartbeat. */
  onHeartbeat(): void;
}

export interface SessionOptions {
  agent: AgentServiceClient;
  handlers: SessionHandlers;
  heartbeatIntervalMs: number;
  /** How long to wait for the welcome after hello. */
  welcomeTimeoutMs: number;
  logger: Logger;
}

/** How a session ended. */
export interface SessionEnd {
  /** The hub had welcomed the stream. */
  welcomed: boolean;
  /** Why it ended: the stream's error, the hub closing it (UNAVAILABLE), or the stop signal's reason. */
  error: unknown;
  durationMs: number;
}

// The hub takes a cluster for disconnected after three missed heartbeats; the agent gives up on
// a stream that has been silent as long (HeartbeatAck answers every heartbeat).
const SILENT_HEARTBEATS = 3;

/**
 * One Connect stream: hello, the welcome, heartbeats, and every later message handed to the
 * connection, until the stream fails, the hub closes it, it falls silent, or `run`'s signal
 * aborts. One session per stream; the connection makes a new one to reconnect.
 */
export class HubSession {
  private readonly controller = new AbortController();
  private stream: BidiStream<AgentMessageInit, HubMessage> | undefined;
  private isWelcomed = false;
  private lastHeardAt = Date.now();
  private heartbeatIntervalMs: number;
  private heartbeats: NodeJS.Timeout | undefined;

  constructor(private readonly options: SessionOptions) {
    this.heartbeatIntervalMs = options.heartbeatIntervalMs;
  }

  get welcomed(): boolean {
    return this.isWelcomed;
  }

  /** Opens the stream and runs it to its end; never throws (the end says why). */
  async run(signal: AbortSignal): Promise<SessionEnd> {
    const startedAt = Date.now();
    const onStop = () => this.controller.abort(signal.reason);
    if (signal.aborted) onStop();
    else signal.addEventListener("abort", onStop, { once: true });
    let welcomeTimer: NodeJS.Timeout | undefined;
    let error: unknown;
    try {
      const stream = this.options.agent.connect({ signal: this.controller.signal });
      this.stream = stream;
      await stream.send({ kind: { case: "hello", value: this.options.handlers.hello() } });
      welcomeTimer = setTimeout(
        () => this.abort(`no welcome from the hub within ${this.options.welcomeTimeoutMs} ms of hello`),
        this.options.welcomeTimeoutMs,
      );
      for await (const message of stream) {
        this.lastHeardAt = Date.now();
        if (this.isWelcomed) {
          this.options.handlers.onMessage(message);
          continue;
        }
        if (message.kind.case !== "welcome") {
          throw new LifeboatError("FAILED_PRECONDITION", `the hub's first message was ${message.kind.case ?? "empty"}, not welcome`);
        }
        clearTimeout(welcomeTimer);
        this.isWelcomed = true;
        this.startHeartbeats();
        this.options.handlers.onWelcome(message.kind.value);
      }
      error = new LifeboatError("UNAVAILABLE", "the hub closed the stream", { retryable: true });
    } catch (err) {
      error = this.controller.signal.aborted ? this.controller.signal.reason : err;
    } finally {
      clearTimeout(welcomeTimer);
      clearInterval(this.heartbeats);
      signal.removeEventListener("abort", onStop);
      this.controller.abort(error);
      this.stream?.cancel();
    }
    return { welcomed: this.isWelcomed, error, durationMs: Date.now() - startedAt };
  }

  /**
   * Sends one message; true once grpc-js has taken it, false when the stream is not open or has
   * failed (the session is then ending, and the connection resends what matters on the next).
   */
  async send(message: AgentMessageInit): Promise<boolean> {
    if (!this.stream || this.controller.signal.aborted) return false;
    try {
      await this.stream.send(message);
      return true;
    } catch (err) {
      this.options.logger.debug({ err, kind: message.kind?.case }, "a message to the hub was not sent: the stream has ended");
      return false;
    }
  }

  /** Heartbeats every `ms` from now on. */
  setHeartbeatInterval(ms: number): void {
    if (ms === this.heartbeatIntervalMs) return;
    this.heartbeatIntervalMs = ms;
    if (this.isWelcomed && !this.controller.signal.aborted) this.startHeartbeats();
  }

  /**
   * Half-closes the stream, so the hub sees a clean end after everything already sent, and
   * cancels it if the hub has not closed its side within `graceMs`.
   */
  async close(graceMs: number, done: Promise<unknown>): Promise<void> {
    this.stream?.end();
    const timer = setTimeout(() => this.abort("the agent is stopping"), graceMs);
    await done;
    clearTimeout(timer);
  }

  private startHeartbeats(): void {
    clearInterval(this.heartbeats);
    this.heartbeats = setInterval(() => this.beat(), this.heartbeatIntervalMs);
  }

  private beat(): void {
    const silentMs = Date.now() - this.lastHeardAt;
    if (silentMs > SILENT_HEARTBEATS * this.heartbeatIntervalMs) {
      this.abort(`no message from the hub for ${silentMs} ms (${SILENT_HEARTBEATS} heartbeat intervals): the stream looks dead`);
      return;
    }
    void this.send({
      kind: { case: "heartbeat", value: { sendTime: timestampNow(), activeTaskIds: this.options.handlers.activeTaskIds() } },
    });
    this.options.handlers.onHeartbeat();
  }

  private abort(why: string): void {
    this.controller.abort(new LifeboatError("UNAVAILABLE", why, { retryable: true }));
  }
}
