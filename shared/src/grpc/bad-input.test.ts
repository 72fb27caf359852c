import { Client, credentials, status as GrpcStatus, type ServiceError } from "@grpc/grpc-js";
import { AgentService } from "@lifeboat/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LifeboatError, isLifeboatError } from "../errors/index.js";
import { startGrpcFixture, type GrpcFixture } from "../testing/grpc-fixture.js";
import { createClient } from "./client.js";
import { addService, type HandlerContext, type ServiceImplementation } from "./server.js";
import type { ServiceMethods } from "./service-definition.js";

const MAX_MESSAGE_BYTES = 64 * 1024;

const calls = { register: 0, connectSignals: [] as AbortSignal[] };

const implementation: ServiceImplementation<ServiceMethods<typeof AgentService>> = {
  register(request) {
    calls.register++;
    // csr_pem "big" asks for a response over the size limit.
    return { clusterId: "c-1", certificatePem: request.csrPem === "big" ? "x".repeat(MAX_MESSAGE_BYTES * 2) : "cert" };
  },
  async connect(stream, context: HandlerContext) {
    calls.connectSignals.push(context.signal);
    for await (const message of stream) {
      if (message.kind.case === "hello") await stream.send({ kind: { case: "welcome", value: { clusterId: "c-1" } } });
    }
  },
};

let fixture: GrpcFixture;
let raw: Client;

beforeAll(async () => {
  fixture = await startGrpcFixture((server) => addService(server, AgentService, implementation), {
    limits: { maxMessageBytes: MAX_MESSAGE_BYTES },
  });
  raw = new Client(fixture.address, credentials.createInsecure());
});

afterAll(async () => {
  raw?.close();
  await fixture?.close();
});

const identity = (bytes: Buffer) => bytes;

/** A unary call with bytes the glue never saw: what a broken or hostile client could send. */
function callRaw(path: string, bytes: Buffer): Promise<ServiceError | Buffer> {
  return new Promise((resolve) => {
    raw.makeUnaryRequest(path, identity, identity, bytes, (err, response) => resolve(err ?? response!));
  });
}

async function serverStillAnswers(): Promise<void> {
  const agent = createClient(AgentService, fixture.channel);
  expect((await agent.register({ token: "t", csrPem: "csr" })).clusterId).toBe("c-1");
}

async function failureOf(promise: Promise<unknown>): Promise<LifeboatError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isLifeboatError(error)) throw new Error(`expected a LifeboatError, got ${String(error)}`);
  return error;
}

describe("malformed requests", () => {
  it.each([
    ["a length past the end of the frame", [0x0a, 0x05, 0x61]],
    ["an illegal wire type", [0x0f]],
    ["a string that is not UTF-8", [0x0a, 0x02, 0xff, 0xfe]],
  ])("answers INVALID_ARGUMENT to a unary request with %s, without running the handler", async (_, bytes) => {
    const before = calls.register;
    const result = await callRaw("/lifeboat.v1.AgentService/Register", Buffer.from(bytes));
    const error = result as ServiceError;
    expect(error.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error.details).toContain("not a valid lifeboat.v1.RegisterRequest");
    expect(error.metadata.get("lifeboat-error-code")).toEqual(["INVALID_ARGUMENT"]);
    expect(calls.register).toBe(before);
    await serverStillAnswers();
  });

  it("fails a stream at once when one of its messages is malformed, and the handler's signal aborts", async () => {
    const stream = raw.makeBidiStreamRequest("/lifeboat.v1.AgentService/Connect", identity, identity);
    const status = new Promise<{ code: number; details: string }>((resolve) => stream.on("status", resolve));
    stream.on("error", () => {});
    stream.on("data", () => {});
    stream.write(Buffer.from([0x0a, 0x00])); // an empty hello: valid
    stream.write(Buffer.from([0xff, 0xff, 0xff]));
    const { code, details } = await status;
    expect(code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(details).toContain("not a valid lifeboat.v1.AgentMessage");
    expect(calls.connectSignals.at(-1)?.aborted).toBe(true);
    await serverStillAnswers();
  });
});

describe("message size limits", () => {
  it("refuses a request over the server's limit with RESOURCE_EXHAUSTED, read as INVALID_ARGUMENT", async () => {
    const agent = createClient(AgentService, fixture.channel);
    const error = await failureOf(agent.register({ token: "t", csrPem: "x".repeat(MAX_MESSAGE_BYTES + 1) }));
    expect((error.cause as ServiceError).code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.retryable).toBe(false);
    await serverStillAnswers();
  });

  it("refuses a response over the server's limit instead of sending it", async () => {
    const agent = createClient(AgentService, fixture.channel);
    const error = await failureOf(agent.register({ token: "t", csrPem: "big" }));
    expect((error.cause as ServiceError).code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    await serverStillAnswers();
  });

  it("refuses a message over the client's own limit before sending it", async () => {
    const agent = createClient(AgentService, fixture.openChannel({ limits: { maxMessageBytes: 1024 } }));
    const before = calls.register;
    const error = await failureOf(agent.register({ token: "t", csrPem: "x".repeat(2048) }));
    expect((error.cause as ServiceError).code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(calls.register).toBe(before);
  });

  it("ends a stream that carries a message over the limit", async () => {
    const agent = createClient(AgentService, fixture.channel);
    const stream = agent.connect();
    await stream.send({ kind: { case: "hello", value: {} } });
    await stream.send({ kind: { case: "renewCertificate", value: { csrPem: "x".repeat(MAX_MESSAGE_BYTES + 1) } } });
    const error = await failureOf(
      (async () => {
        for await (const _ of stream) {
          // the welcome may arrive before the failure
        }
      })(),
    );
    expect((error.cause as ServiceError).code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    await serverStillAnswers();
  });
});
