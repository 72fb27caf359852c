import { AgentService } from "@lifeboat/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LifeboatError } from "../errors/index.js";
import { createTestCa, issueTestCertificate, type TestCertificate, type TestCertificateAuthority } from "../testing/certificates.js";
import { startGrpcFixture, type GrpcFixture } from "../testing/grpc-fixture.js";
import { createClient } from "./client.js";
import { addService } from "./server.js";
import type { ServiceMethods } from "./service-definition.js";
import type { ServiceImplementation } from "./server.js";
import { createClientTls, createServerTls } from "./tls.js";

let ca: TestCertificateAuthority;
let agentCertificate: TestCertificate;
let foreignCertificate: TestCertificate;
let fixture: GrpcFixture;

const implementation: ServiceImplementation<ServiceMethods<typeof AgentService>> = {
  // Register is the one call made before the agent has a certificate.
  register(_request, context) {
    return { clusterId: context.peerCertificate ? "had-a-certificate" : "no-certificate" };
  },
  async connect(stream, context) {
    const commonName = context.peerCertificate?.subject.CN;
    if (!commonName) throw new LifeboatError("UNAUTHENTICATED", "Connect needs the client certificate from Register");
    await stream.send({ kind: { case: "welcome", value: { clusterId: String(commonName) } } });
  },
};

beforeAll(async () => {
  ca = await createTestCa("lifeboat-hub-ca");
  const serverCertificate = await issueTestCertificate(ca, { commonName: "hub", usage: "server" });
  agentCertificate = await issueTestCertificate(ca, { commonName: "c-42", usage: "client" });
  foreignCertificate = await issueTestCertificate(await createTestCa("someone-else"), { commonName: "c-42", usage: "client" });
  fixture = await startGrpcFixture((server) => addService(server, AgentService, implementation), {
    serverCredentials: createServerTls({
      caCertificatePem: ca.certificatePem,
      certificatePem: serverCertificate.certificatePem,
      privateKeyPem: serverCertificate.privateKeyPem,
    }),
    channelCredentials: createClientTls({ caCertificatePem: ca.certificatePem }),
  });
});

afterAll(async () => {
  await fixture?.close();
});

async function firstMessageOf(stream: AsyncIterable<{ kind: { case: string | undefined; value?: unknown } }>) {
  for await (const message of stream) return message;
  return undefined;
}

describe("one TLS port for Register and Connect", () => {
  it("accepts Register without a client certificate", async () => {
    const agent = createClient(AgentService, fixture.channel);
    expect((await agent.register({ token: "t" })).clusterId).toBe("no-certificate");
  });

  it("hands a client certificate signed by the CA to the handler", async () => {
    const channel = fixture.openChannel({
      credentials: createClientTls({
        caCertificatePem: ca.certificatePem,
        certificatePem: agentCertificate.certificatePem,
        privateKeyPem: agentCertificate.privateKeyPem,
      }),
    });
    const stream = createClient(AgentService, channel).connect();
    const welcome = await firstMessageOf(stream);
    expect(welcome?.kind).toMatchObject({ case: "welcome", value: { clusterId: "c-42" } });
  });

  it("hands no certificate to the handler when the client's is signed by another CA", async () => {
    const channel = fixture.openChannel({
      credentials: createClientTls({
        caCertificatePem: ca.certificatePem,
        certificatePem: foreignCertificate.certificatePem,
        privateKeyPem: foreignCertificate.privateKeyPem,
      }),
    });
    const stream = createClient(AgentService, channel).connect();
    await expect(firstMessageOf(stream)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("refuses a client that does not trust the hub's CA", async () => {
    const stranger = await createTestCa("not-the-hub");
    const channel = fixture.openChannel({ credentials: createClientTls({ caCertificatePem: stranger.certificatePem }) });
    const agent = createClient(AgentService, channel);
    await expect(agent.register({ token: "t" }, { deadline: Date.now() + 5_000 })).rejects.toMatchObject({
      code: "UNAVAILABLE",
    });
  });
});
