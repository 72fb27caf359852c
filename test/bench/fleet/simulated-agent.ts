import { performance } from "node:perf_hooks";
import type { Client } from "@grpc/grpc-js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { AgentService, type AgentMessageSchema, type HubMessage, type TaskAssignment } from "@lifeboat/proto";
import { createChannel, createClient, createClientTls, type BidiStream } from "@lifeboat/shared";
import type { AgentIdentity } from "../../../agent/src/identity/index.js";
import { AGENT_BUILD } from "../../../agent/src/build-info.js";

type AgentMessageInit = MessageInitShape<typeof AgentMessageSchema>;

const KUBERNETES_VERSION = "v1.30.2";

/** What a simulated agent reports to its generator. */
export interface AgentEvents {
  welcomed(): void;
  taskCompleted(): void;
  cancelled(): void;
  heartbeatAck(roundTripUs: number): void;
  ended(error: unknown): void;
}

/**
 * One agent's Connect stream, as the real agent speaks it but with no cluster behind it: hello,
 * then credits, a heartbeat every interval (first at a random phase, so a fleet's heartbeats are
 * spread out as real agents' are), and every assignment answered at once with a valid
 * inventory result. Its own grpc-js channel, since each agent has its own client certificate.
 */
export class SimulatedAgent {
  private channel: Client | undefined;
  private stream: BidiStream<AgentMessageInit, HubMessage> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Send times of heartbeats not yet acknowledged, oldest first (acks come back in order). */
  private readonly pendingBeats: number[] = [];
  private stopped = false;

  constructor(
    private readonly hubAddress: string,
    private readonly identity: AgentIdentity,
    private readonly fingerprint: string,
    private readonly maxMessageBytes: number,
    private readonly events: AgentEvents,
  ) {}

  /** Opens the stream and sends hello; resolves once the hub's welcome came (rejects if the stream ended first). */
  connect(options: { heartbeatIntervalMs: number; credits: number }): Promise<void> {
    const tls = createClientTls({
      caCertificatePem: this.identity.caCertificatePem,
      certificatePem: this.identity.certificatePem,
      privateKeyPem: this.identity.privateKeyPem,
    });
    this.channel = createChannel(this.hubAddress, tls, { maxMessageBytes: this.maxMessageBytes });
    const stream = createClient(AgentService, this.channel).connect();
    this.stream = stream;
    return new Promise<void>((resolve, reject) => {
      let welcomed = false;
      void (async () => {
        await stream.send({ kind: { case: "hello", value: { build: AGENT_BUILD, fingerprint: this.fingerprint, kubernetesVersion: KUBERNETES_VERSION } } });
        for await (const message of stream) {
          switch (message.kind.case) {
            case "welcome":
              welcomed = true;
              this.events.welcomed();
              resolve();
              this.startHeartbeats(options.heartbeatIntervalMs);
              if (options.credits > 0) this.send({ kind: { case: "credits", value: { credits: options.credits } } });
              break;
            case "heartbeatAck": {
              const sentAt = this.pendingBeats.shift();
              if (sentAt !== undefined) this.events.heartbeatAck(Math.round((performance.now() - sentAt) * 1000));
              break;
            }
            case "assignment":
              this.complete(message.kind.value);
              break;
            case "cancel":
              this.events.cancelled();
              this.send({ kind: { case: "credits", value: { credits: 1 } } });
              break;
            default:
              break;
          }
        }
        throw new Error("the hub closed the stream");
      })().catch((err: unknown) => {
        this.stopHeartbeats();
        if (!this.stopped) this.events.ended(err);
        if (!welcomed) reject(err);
      });
    });
  }

  /** Heartbeats sent and not answered yet. */
  unanswered(): number {
    return this.pendingBeats.length;
  }

  stop(): void {
    this.stopped = true;
    this.stopHeartbeats();
    this.stream?.cancel();
    this.channel?.close();
  }

  private startHeartbeats(intervalMs: number): void {
    const beat = () => {
      this.pendingBeats.push(performance.now());
      this.send({ kind: { case: "heartbeat", value: { sendTime: timestampNow(), activeTaskIds: [] } } });
    };
    this.timer = setTimeout(() => {
      beat();
      this.timer = setInterval(beat, intervalMs);
    }, Math.random() * intervalMs);
  }

  private stopHeartbeats(): void {
    clearTimeout(this.timer);
    clearInterval(this.timer);
  }

  private complete(assignment: TaskAssignment): void {
    const task = assignment.task;
    if (!task) return;
    // A valid result of the task's kind (inventory is the one kind there is): an empty cluster.
    this.send({
      kind: {
        case: "result",
        value: {
          taskId: task.id,
          attempt: task.attempt,
          outcome: { case: "result", value: { kind: { case: "inventory", value: { inventory: { collectTime: timestampNow(), kubernetesVersion: KUBERNETES_VERSION } } } } },
        },
      },
    });
    this.send({ kind: { case: "credits", value: { credits: 1 } } });
    this.events.taskCompleted();
  }

  private send(message: AgentMessageInit): void {
    // A failed send means the stream ended; the iteration reports why.
    this.stream?.send(message).catch(() => undefined);
  }
}
