import { webcrypto } from "node:crypto";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { Client } from "@grpc/grpc-js";
import {
  AgentService,
  InventorySchema,
  type AgentMessageSchema,
  type HubMessage,
  type Inventory,
  type RegisterResponse,
} from "@lifeboat/proto";
import { createChannel, createClient, createClientTls, type BidiStream } from "@lifeboat/shared";
import { x509, type RunningHub } from "@lifeboat/hub";
import type { TestFleet } from "./hub-fixture.js";

const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/** A key pair and CSR, as an agent makes them in its cluster. */
export async function newAgentKey(): Promise<{ csrPem: string; privateKeyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: "CN=agent", keys, signingAlgorithm: algorithm });
  const der = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey as unknown as webcrypto.CryptoKey);
  return { csrPem: csr.toString("pem"), privateKeyPem: x509.PemConverter.encode(der, "PRIVATE KEY") };
}

export interface AgentIdentity {
  clusterId: string;
  clusterName: string;
  certificatePem: string;
  privateKeyPem: string;
  caCertificatePem: string;
  fingerprint: string;
}

export interface RegisterOptions {
  token: string;
  fingerprint: string;
  clusterName?: string;
  kubernetesVersion?: string;
}

/** Registers like an agent: makes a key, sends its CSR with the token, keeps the certificate. */
export async function registerAgent(fleet: TestFleet, hub: RunningHub, options: RegisterOptions): Promise<AgentIdentity> {
  const key = await newAgentKey();
  const client = createClient(AgentService, fleet.channel(hub));
  const response: RegisterResponse = await client.register({
    token: options.token,
    fingerprint: options.fingerprint,
    kubernetesVersion: options.kubernetesVersion ?? "v1.30.2",
    agentVersion: "0.1.0-test",
    clusterName: options.clusterName ?? "",
    csrPem: key.csrPem,
  });
  return {
    clusterId: response.clusterId,
    clusterName: response.clusterName,
    certificatePem: response.certificatePem,
    privateKeyPem: key.privateKeyPem,
    caCertificatePem: response.caCertificatePem,
    fingerprint: options.fingerprint,
  };
}

/** A channel presenting `identity`'s client certificate. */
export function agentChannel(fleet: TestFleet, hub: RunningHub, identity: Pick<AgentIdentity, "certificatePem" | "privateKeyPem">, maxMessageBytes?: number): Client {
  return fleet.track(
    createChannel(
      hub.address,
      createClientTls({ caCertificatePem: fleet.caCertificatePem, certificatePem: identity.certificatePem, privateKeyPem: identity.privateKeyPem }),
      { maxMessageBytes },
    ),
  );
}

type AgentMessageInit = MessageInitShape<typeof AgentMessageSchema>;
type HubKind = NonNullable<HubMessage["kind"]["case"]>;
type KindValue<K extends HubKind> = Extract<HubMessage["kind"], { case: K }> extends { value: infer V } ? V : never;

/**
 * A minimal agent on one Connect stream: collects every hub message in order, answers nothing by
 * itself; tests drive it.
 */
export class TestAgentStream {
  readonly received: HubMessage[] = [];
  /** The error the stream ended with, or null once it ended OK. */
  ended: Error | null | undefined;
  private readonly stream: BidiStream<AgentMessageInit, HubMessage>;

  constructor(channel: Client) {
    const stream = createClient(AgentService, channel).connect();
    this.stream = stream;
    void (async () => {
      try {
        for await (const message of stream) this.received.push(message);
        this.ended = null;
      } catch (err) {
        this.ended = err as Error;
      }
    })();
  }

  send(message: AgentMessageInit): Promise<void> {
    return this.stream.send(message);
  }

  hello(fingerprint: string, activeTaskIds: string[] = []): Promise<void> {
    return this.send({ kind: { case: "hello", value: { fingerprint, kubernetesVersion: "v1.30.2", build: { component: "agent", version: "0.1.0-test" }, activeTaskIds } } });
  }

  credits(n: number): Promise<void> {
    return this.send({ kind: { case: "credits", value: { credits: n } } });
  }

  heartbeat(): Promise<void> {
    return this.send({ kind: { case: "heartbeat", value: { sendTime: timestampNow() } } });
  }

  /** Messages of one kind received so far. */
  all<K extends HubKind>(kind: K): KindValue<K>[] {
    return this.received.filter((m) => m.kind.case === kind).map((m) => m.kind.value as unknown as KindValue<K>);
  }

  /** Waits for the `index`-th message of a kind (0 = first). */
  async next<K extends HubKind>(kind: K, index = 0, timeoutMs = 10_000): Promise<KindValue<K>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.all(kind);
      if (found.length > index) return found[index]!;
      if (this.ended !== undefined) throw new Error(`stream ended (${this.ended?.message ?? "OK"}) before ${kind} #${index}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${kind} #${index}; received ${this.received.map((m) => m.kind.case).join(", ")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Resolves with the error the stream ends with (null for OK). */
  async end(timeoutMs = 10_000): Promise<Error | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.ended === undefined) {
      if (Date.now() > deadline) throw new Error("timed out waiting for the stream to end");
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.ended;
  }

  close(): void {
    this.stream.cancel();
  }
}

/** A small inventory such as an agent would collect. */
export function sampleInventory(namespaces: string[] = ["default", "kube-system", "shop"]): Inventory {
  return create(InventorySchema, {
    collectTime: timestampNow(),
    kubernetesVersion: "v1.30.2",
    namespaces: namespaces.map((name) => ({ name, uid: `uid-${name}`, phase: "Active" })),
    storageClasses: [{ name: "standard", provisioner: "rancher.io/local-path", isDefault: true, reclaimPolicy: "Delete", volumeBindingMode: "WaitForFirstConsumer" }],
    apiResources: [{ group: "apps", versions: ["v1"], preferredVersion: "v1", resource: "deployments", kind: "Deployment", namespaced: true, verbs: ["get", "list"] }],
  });
}
