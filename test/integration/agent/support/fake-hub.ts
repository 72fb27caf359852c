// A stand-in for the hub's gRPC side, for the agent's suites: Register signs the agent's CSR with
// a test CA, Connect welcomes, acknowledges heartbeats and renews certificates, and records every
// message so a test can wait for them and answer. The real hub is tested against the real agent
// in the end-to-end suites; this one speaks only the contract (proto/lifeboat/v1/agent_service.proto).
import "reflect-metadata";
import { randomUUID } from "node:crypto";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate, timestampNow } from "@bufbuild/protobuf/wkt";
import type { Server } from "@grpc/grpc-js";
import * as x509 from "@peculiar/x509";
import {
  AgentConfigurationSchema,
  AgentService,
  type AgentConfiguration,
  type AgentMessage,
  type HubMessageSchema,
  type RegisterRequest,
} from "@lifeboat/proto";
import {
  LifeboatError,
  addService,
  bindServer,
  createServer,
  createServerTls,
  type HandlerContext,
  type ServerBidiStream,
  type ServiceImplementation,
  type ServiceMethods,
} from "@lifeboat/shared";
import { createTestCa, issueTestCertificate, type TestCertificateAuthority } from "../../../../shared/src/testing/certificates.js";

type HubMessageInit = MessageInitShape<typeof HubMessageSchema>;
type AgentMessageKind = NonNullable<AgentMessage["kind"]["case"]>;
/** The message one kind of AgentMessage carries, e.g. PullCredits for "credits". */
type KindValue<K extends AgentMessageKind> = Extract<AgentMessage["kind"], { case: K }>["value"];

const signingAlgorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/** One Connect stream as the fake hub saw it. */
export class RecordedStream {
  readonly messages: AgentMessage[] = [];
  private waiters: { predicate: (m: AgentMessage) => boolean; resolve: (m: AgentMessage) => void }[] = [];
  private dropStream: ((err: LifeboatError) => void) | undefined;
  readonly dropped: Promise<never>;
  ended = false;

  constructor(
    readonly clusterId: string,
    /** Serial number (lower-case hex) of the client certificate the stream came with. */
    readonly peerSerial: string | undefined,
    private readonly stream: ServerBidiStream<AgentMessage, HubMessageInit>,
    readonly signal: AbortSignal,
  ) {
    this.dropped = new Promise<never>((_, reject) => (this.dropStream = reject));
    this.dropped.catch(() => {});
  }

  /** The kinds received so far, in order. */
  kinds(): AgentMessageKind[] {
    return this.messages.map((m) => m.kind.case!);
  }

  /** Messages of one kind received so far. */
  all<K extends AgentMessageKind>(kind: K): KindValue<K>[] {
    return this.messages.filter((m) => m.kind.case === kind).map((m) => m.kind.value as unknown as KindValue<K>);
  }

  /** The first message (already received or still to come) of `kind` that satisfies `predicate`. */
  async waitFor<K extends AgentMessageKind>(
    kind: K,
    predicate: (value: KindValue<K>) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<KindValue<K>> {
    const matches = (m: AgentMessage) => m.kind.case === kind && predicate(m.kind.value as unknown as KindValue<K>);
    const found = this.messages.find(matches);
    if (found) return found.kind.value as unknown as KindValue<K>;
    return new Promise<KindValue<K>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${kind} message within ${timeoutMs} ms; got ${this.kinds().join(", ")}`)), timeoutMs);
      this.waiters.push({
        predicate: matches,
        resolve: (m) => {
          clearTimeout(timer);
          // TypeScript cannot relate KindValue<K> to itself through the Promise's resolve type.
          (resolve as (value: unknown) => void)(m.kind.value);
        },
      });
    });
  }

  send(message: HubMessageInit): Promise<void> {
    return this.stream.send(message);
  }

  /** Ends the stream from the hub's side with UNAVAILABLE, as a hub replica going away would. */
  drop(): void {
    this.dropStream?.(new LifeboatError("UNAVAILABLE", "the hub replica is going away", { retryable: true }));
  }

  received(message: AgentMessage): void {
    this.messages.push(message);
    const ready = this.waiters.filter((w) => w.predicate(message));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const waiter of ready) waiter.resolve(message);
  }
}

export interface FakeHubOptions {
  /** Tokens Register accepts, each once. */
  tokens?: string[];
  /** Lifetime of the certificates the hub issues; `age` backdates notBefore to make one due for renewal. */
  certificateLifetimeMs?: number;
  certificateAgeMs?: number;
  configuration?: Partial<{ heartbeatIntervalMs: number; leaseDurationMs: number; inventoryIntervalMs: number; maxMessageBytes: number }>;
  /** Answer heartbeats with HeartbeatAck (default true). */
  ackHeartbeats?: boolean;
  /** The CA to sign with: another fake hub's, to stand in for replicas of one hub. Default a new one. */
  ca?: TestCertificateAuthority;
}

export interface FakeHub {
  address: string;
  ca: TestCertificateAuthority;
  registrations: RegisterRequest[];
  streams: RecordedStream[];
  /** Certificate serial numbers the hub issued, in order. */
  issuedSerials: string[];
  /** The next stream to open after the `count` already seen (default: the first not yet returned). */
  nextStream(timeoutMs?: number): Promise<RecordedStream>;
  addToken(token: string): void;
  /** Refuse Connect for this cluster from now on, as after a revoke. */
  revoke(clusterId: string): void;
  options: FakeHubOptions;
  close(): Promise<void>;
}

export async function startFakeHub(options: FakeHubOptions = {}): Promise<FakeHub> {
  x509.cryptoProvider.set(globalThis.crypto);
  const ca = options.ca ?? (await createTestCa("lifeboat-test-hub-ca"));
  const serverCertificate = await issueTestCertificate(ca, { commonName: "hub", usage: "server" });
  const tokens = new Set(options.tokens ?? []);
  const clusterIdsByFingerprint = new Map<string, string>();
  const revoked = new Set<string>();
  const registrations: RegisterRequest[] = [];
  const streams: RecordedStream[] = [];
  const issuedSerials: string[] = [];
  let handedOut = 0;
  let streamWaiters: (() => void)[] = [];

  const issue = async (csrPem: string, clusterId: string) => {
    let csr: x509.Pkcs10CertificateRequest;
    try {
      csr = new x509.Pkcs10CertificateRequest(csrPem);
    } catch (err) {
      throw new LifeboatError("INVALID_ARGUMENT", "csr_pem is not a PKCS#10 request", { field: "csr_pem", cause: err });
    }
    if (!(await csr.verify())) throw new LifeboatError("INVALID_ARGUMENT", "the CSR's signature does not verify", { field: "csr_pem" });
    const lifetime = options.certificateLifetimeMs ?? 24 * 3600_000;
    const notBefore = new Date(Date.now() - (options.certificateAgeMs ?? 60_000));
    const serialNumber = randomUUID().replace(/-/g, "").slice(0, 16);
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject: `CN=${clusterId}`,
      issuer: ca.certificate.subject,
      notBefore,
      notAfter: new Date(notBefore.getTime() + lifetime),
      publicKey: csr.publicKey,
      signingKey: ca.privateKey,
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      ],
    });
    issuedSerials.push(serialNumber);
    return { certificatePem: `${certificate.toString("pem")}\n`, notAfter: certificate.notAfter };
  };

  const configuration = (): AgentConfiguration => {
    const c = options.configuration ?? {};
    return create(AgentConfigurationSchema, {
      heartbeatInterval: durationFromMs(c.heartbeatIntervalMs ?? 10_000),
      leaseDuration: durationFromMs(c.leaseDurationMs ?? 60_000),
      maxMessageBytes: c.maxMessageBytes ?? 16 * 1024 * 1024,
      inventoryInterval: c.inventoryIntervalMs === undefined ? undefined : durationFromMs(c.inventoryIntervalMs),
    });
  };

  const implementation: ServiceImplementation<ServiceMethods<typeof AgentService>> = {
    async register(request) {
      if (!tokens.delete(request.token)) throw new LifeboatError("UNAUTHENTICATED", "registration token refused");
      registrations.push(request);
      let clusterId = clusterIdsByFingerprint.get(request.fingerprint);
      if (!clusterId) clusterIdsByFingerprint.set(request.fingerprint, (clusterId = `c-${randomUUID().slice(0, 8)}`));
      revoked.delete(clusterId);
      const { certificatePem, notAfter } = await issue(request.csrPem, clusterId);
      return {
        clusterId,
        clusterName: request.clusterName || clusterId,
        certificatePem,
        caCertificatePem: ca.certificatePem,
        notAfter: timestampFromDate(notAfter),
      };
    },
    async connect(stream, context: HandlerContext) {
      const clusterId = context.peerCertificate?.subject.CN;
      if (!clusterId) throw new LifeboatError("UNAUTHENTICATED", "Connect needs the client certificate from Register");
      if (revoked.has(String(clusterId))) throw new LifeboatError("UNAUTHENTICATED", `the certificate of cluster ${clusterId} was revoked`);
      const record = new RecordedStream(String(clusterId), context.peerCertificate?.serialNumber?.toLowerCase(), stream, context.signal);
      streams.push(record);
      for (const wake of streamWaiters) wake();
      streamWaiters = [];
      const consume = async () => {
        for await (const message of stream) {
          record.received(message);
          switch (message.kind.case) {
            case "hello":
              await stream.send({
                kind: { case: "welcome", value: { clusterId: record.clusterId, hubInstance: "fake-hub", build: { component: "hub", version: "test" }, configuration: configuration() } },
              });
              break;
            case "heartbeat":
              if (options.ackHeartbeats !== false) {
                await stream.send({ kind: { case: "heartbeatAck", value: { agentSendTime: message.kind.value.sendTime, hubTime: timestampNow() } } });
              }
              break;
            case "renewCertificate": {
              const { certificatePem, notAfter } = await issue(message.kind.value.csrPem, record.clusterId);
              await stream.send({
                kind: { case: "renewedCertificate", value: { certificatePem, caCertificatePem: ca.certificatePem, notAfter: timestampFromDate(notAfter) } },
              });
              break;
            }
          }
        }
      };
      try {
        await Promise.race([consume(), record.dropped]);
      } finally {
        record.ended = true;
      }
    },
  };

  const server: Server = createServer();
  addService(server, AgentService, implementation);
  const port = await bindServer(
    server,
    "127.0.0.1:0",
    createServerTls({ caCertificatePem: ca.certificatePem, certificatePem: serverCertificate.certificatePem, privateKeyPem: serverCertificate.privateKeyPem }),
  );

  return {
    address: `127.0.0.1:${port}`,
    ca,
    registrations,
    streams,
    issuedSerials,
    options,
    async nextStream(timeoutMs = 20_000) {
      const index = handedOut++;
      const deadline = Date.now() + timeoutMs;
      while (!streams[index]) {
        if (Date.now() > deadline) throw new Error(`no stream #${index + 1} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
          streamWaiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return streams[index]!;
    },
    addToken: (token) => tokens.add(token),
    revoke: (clusterId) => revoked.add(clusterId),
    async close() {
      server.forceShutdown();
    },
  };
}
