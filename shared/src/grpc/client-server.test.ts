import { create, createFileRegistry, type DescService, type MessageInitShape } from "@bufbuild/protobuf";
import type { GenService } from "@bufbuild/protobuf/codegenv2";
import {
  FileDescriptorProtoSchema,
  StringValueSchema,
  UInt32ValueSchema,
  durationFromMs,
  durationMs,
  file_google_protobuf_wrappers,
  timestampDate,
  timestampFromDate,
} from "@bufbuild/protobuf/wkt";
import { Metadata, status as GrpcStatus } from "@grpc/grpc-js";
import {
  AdminService,
  AgentService,
  ClusterChangeType,
  ClusterState,
  RegistrationTokenState,
  type AgentMessageSchema,
  type HubMessage,
} from "@lifeboat/proto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LifeboatError, isLifeboatError } from "../errors/index.js";
import { startGrpcFixture, type GrpcFixture } from "../testing/grpc-fixture.js";
import { createClient, type ServiceClient } from "./client.js";
import { addService, type HandlerContext, type ServiceImplementation } from "./server.js";
import type { ServiceMethods } from "./service-definition.js";
import { fromGrpcError } from "./status.js";

const ADMIN_CREDENTIAL = "Bearer admin-credential-for-tests";

/** What the handlers saw, for assertions about the server side of a call. */
const seen = {
  unexpectedErrors: [] as unknown[],
  watchStopped: undefined as Promise<AbortSignal> | undefined,
  connectEnded: undefined as Promise<{ error: unknown; signal: AbortSignal }> | undefined,
  slowCallSignal: undefined as Promise<AbortSignal> | undefined,
};

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function notInThisTest(): never {
  throw new LifeboatError("FAILED_PRECONDITION", "not implemented by the test server");
}

type AdminImplementation = ServiceImplementation<ServiceMethods<typeof AdminService>>;

const adminImplementation: AdminImplementation = {
  // Every method the tests below do not call refuses; the ones defined after it answer.
  ...(Object.fromEntries(AdminService.methods.map((m) => [m.localName, notInThisTest])) as unknown as AdminImplementation),
  createToken(request) {
    const ttlMs = request.ttl ? durationMs(request.ttl) : 3_600_000;
    if (ttlMs <= 0) {
      throw new LifeboatError("INVALID_ARGUMENT", `ttl ${ttlMs}ms is not positive: give a ttl such as 1h`, {
        field: "ttl",
        value: `${ttlMs}ms`,
      });
    }
    return {
      token: {
        id: "tok-1",
        labels: request.labels,
        description: request.description,
        state: RegistrationTokenState.ACTIVE,
        expireTime: timestampFromDate(new Date(Date.UTC(2030, 0, 1) + ttlMs)),
      },
      secret: "lbt_secret",
    };
  },
  listTokens() {
    // A foreign error whose text must not reach the caller.
    throw new Error("redis: WRONGPASS for AUTH hunter2");
  },
  getCluster(request) {
    if (request.id !== "c-1") {
      throw new LifeboatError("NOT_FOUND", `cluster "${request.id}" is not registered: see \`cluster list\``, {
        field: "id",
        value: request.id,
      });
    }
    return { cluster: { id: "c-1", name: "édge-1", state: ClusterState.CONNECTED, labels: { env: "prod" } } };
  },
  async getTask(request, context) {
    if (request.id !== "slow") notInThisTest();
    // Answers only when the call ends: lets a test watch deadlines and cancellation arrive.
    const stopped = deferred<AbortSignal>();
    seen.slowCallSignal = stopped.promise;
    await new Promise((resolve) => context.signal.addEventListener("abort", resolve, { once: true }));
    stopped.resolve(context.signal);
    return {};
  },
  async *watchEvents(request, context) {
    if (request.afterEventId === "forever") {
      const stopped = deferred<AbortSignal>();
      seen.watchStopped = stopped.promise;
      try {
        for (let id = 1; ; id++) yield { event: { id: String(id) } };
      } finally {
        stopped.resolve(context.signal);
      }
    }
    const last = request.afterEventId === "fail-after-2" ? 2 : 50;
    for (let id = 1; id <= last; id++) {
      yield {
        event: {
          id: String(id),
          change: { case: "cluster", value: { type: ClusterChangeType.CONNECTED, cluster: { id: request.clusterId } } },
        },
      };
    }
    if (request.afterEventId === "fail-after-2") {
      throw new LifeboatError("FAILED_PRECONDITION", "event 3 is older than the retained history", {
        field: "after_event_id",
        value: "3",
      });
    }
  },
};

const agentImplementation: ServiceImplementation<ServiceMethods<typeof AgentService>> = {
  register(request) {
    if (request.token !== "lbt_secret") {
      // Never the token itself in the error: it is a secret, even a wrong one.
      throw new LifeboatError("UNAUTHENTICATED", "registration token is not valid: create one with `token create`", {
        field: "token",
      });
    }
    return {
      clusterId: "c-1",
      clusterName: request.clusterName,
      certificatePem: `CERT FOR ${request.csrPem}`,
      notAfter: timestampFromDate(new Date(Date.UTC(2030, 0, 1))),
    };
  },
  async connect(stream, context) {
    const ended = deferred<{ error: unknown; signal: AbortSignal }>();
    seen.connectEnded = ended.promise;
    let assigned = 0;
    try {
      for await (const message of stream) {
        const kind = message.kind;
        switch (kind.case) {
          case "hello":
            if (kind.value.fingerprint !== "kube-system-uid") {
              throw new LifeboatError("PERMISSION_DENIED", "the certificate belongs to another cluster", {
                field: "hello.fingerprint",
                value: kind.value.fingerprint,
              });
            }
            await stream.send({
              kind: {
                case: "welcome",
                value: {
                  clusterId: "c-1",
                  hubInstance: "hub-a",
                  configuration: { heartbeatInterval: durationFromMs(10_000), maxMessageBytes: 1 << 20 },
                },
              },
            });
            break;
          case "credits":
            for (let i = 0; i < kind.value.credits; i++) {
              assigned++;
              await stream.send({
                kind: { case: "assignment", value: { task: { id: `t-${assigned}`, attempt: 1, spec: { kind: { case: "inventory", value: {} } } } } },
              });
            }
            break;
          case "heartbeat":
            await stream.send({
              kind: { case: "heartbeatAck", value: { agentSendTime: kind.value.sendTime, hubTime: timestampFromDate(new Date()) } },
            });
            break;
          default:
            break;
        }
      }
      // The agent half-closed: one last word, then the stream ends OK.
      await stream.send({ kind: { case: "cancel", value: { taskId: "t-1", reason: "agent is leaving" } } });
      ended.resolve({ error: undefined, signal: context.signal });
    } catch (error) {
      ended.resolve({ error, signal: context.signal });
      throw error;
    }
  },
};

function authorizeAdmin(context: HandlerContext): void {
  if (context.metadata.get("authorization")[0] !== ADMIN_CREDENTIAL) {
    throw new LifeboatError("UNAUTHENTICATED", "admin credential missing or wrong: pass the one `hub init` printed");
  }
}

let fixture: GrpcFixture;
let admin: ServiceClient<ServiceMethods<typeof AdminService>>;
let agent: ServiceClient<ServiceMethods<typeof AgentService>>;

beforeAll(async () => {
  fixture = await startGrpcFixture((server) => {
    addService(server, AdminService, adminImplementation, {
      authorize: authorizeAdmin,
      onUnexpectedError: (error) => seen.unexpectedErrors.push(error),
    });
    addService(server, AgentService, agentImplementation);
  });
  const metadata = new Metadata();
  metadata.set("authorization", ADMIN_CREDENTIAL);
  admin = createClient(AdminService, fixture.channel, { metadata });
  agent = createClient(AgentService, fixture.channel);
});

afterAll(async () => {
  await fixture?.close();
});

async function rejectionOf(promise: Promise<unknown>): Promise<LifeboatError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (err: unknown) => err,
  );
  if (!isLifeboatError(error)) throw new Error(`expected a LifeboatError, got ${String(error)}`);
  return error;
}

/** The grpc-js error a LifeboatError from a call was made from. */
function grpcErrorOf(error: LifeboatError): { code: number; details: string; metadata: Metadata } {
  return error.cause as { code: number; details: string; metadata: Metadata };
}

describe("unary calls", () => {
  it("round-trips generated messages, init shapes in and typed messages out", async () => {
    const response = await admin.createToken({
      ttl: durationFromMs(2 * 3_600_000),
      labels: { env: "prod", region: "eu-west" },
      description: "edge clusters",
    });
    expect(response.$typeName).toBe("lifeboat.v1.CreateTokenResponse");
    expect(response.secret).toBe("lbt_secret");
    expect(response.token?.labels).toEqual({ env: "prod", region: "eu-west" });
    expect(response.token?.state).toBe(RegistrationTokenState.ACTIVE);
    expect(timestampDate(response.token!.expireTime!).toISOString()).toBe("2030-01-01T02:00:00.000Z");
  });

  it("carries non-ASCII text intact", async () => {
    const { cluster } = await admin.getCluster({ id: "c-1" });
    expect(cluster?.name).toBe("édge-1");
    expect(cluster?.state).toBe(ClusterState.CONNECTED);
  });

  it("refuses an admin call without the credential, before the handler runs", async () => {
    const anonymous = createClient(AdminService, fixture.channel);
    const error = await rejectionOf(anonymous.getCluster({ id: "c-1" }));
    expect(error.code).toBe("UNAUTHENTICATED");
    expect(grpcErrorOf(error).code).toBe(GrpcStatus.UNAUTHENTICATED);
  });

  it("lets a call's metadata replace the client's", async () => {
    const metadata = new Metadata();
    metadata.set("authorization", "Bearer wrong");
    const error = await rejectionOf(admin.getCluster({ id: "c-1" }, { metadata }));
    expect(error.code).toBe("UNAUTHENTICATED");
  });

  it("fails with UNAVAILABLE past the deadline, and the handler sees its signal abort", async () => {
    const error = await rejectionOf(admin.getTask({ id: "slow" }, { deadline: Date.now() + 200 }));
    expect(error.code).toBe("UNAVAILABLE");
    expect(error.retryable).toBe(true);
    expect(grpcErrorOf(error).code).toBe(GrpcStatus.DEADLINE_EXCEEDED);
    const signal = await seen.slowCallSignal!;
    expect(signal.aborted).toBe(true);
  });

  it("rejects with the abort reason when the caller aborts, and cancels the call", async () => {
    seen.slowCallSignal = undefined;
    const controller = new AbortController();
    const call = admin.getTask({ id: "slow" }, { signal: controller.signal });
    await vi.waitFor(() => expect(seen.slowCallSignal).toBeDefined());
    const reason = new Error("operator pressed Ctrl-C");
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect((await seen.slowCallSignal!).aborted).toBe(true);
  });
});

describe("errors", () => {
  it("sends a thrown LifeboatError as its gRPC status with code, field and value in trailing metadata", async () => {
    const error = await rejectionOf(admin.getCluster({ id: "c-missing" }));
    const grpcError = grpcErrorOf(error);
    expect(grpcError.code).toBe(GrpcStatus.NOT_FOUND);
    expect(grpcError.details).toBe('cluster "c-missing" is not registered: see `cluster list`');
    expect(grpcError.metadata.get("lifeboat-error-code")).toEqual(["NOT_FOUND"]);
    expect(grpcError.metadata.get("lifeboat-error-field-bin")).toEqual([Buffer.from("id")]);
  });

  it("restores code, field, value and message with fromGrpcError", async () => {
    const error = await rejectionOf(admin.createToken({ ttl: durationFromMs(-5_000) }));
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.field).toBe("ttl");
    expect(error.value).toBe("-5000ms");
    expect(error.message).toBe("ttl -5000ms is not positive: give a ttl such as 1h");
    expect(error.retryable).toBe(false);
    const again = fromGrpcError(error.cause);
    expect({ code: again.code, field: again.field, value: again.value, message: again.message }).toEqual({
      code: "INVALID_ARGUMENT",
      field: "ttl",
      value: "-5000ms",
      message: "ttl -5000ms is not positive: give a ttl such as 1h",
    });
  });

  it("answers INTERNAL without the text of an error that is not a LifeboatError, and reports it", async () => {
    const error = await rejectionOf(admin.listTokens({}));
    expect(error.code).toBe("INTERNAL");
    expect(grpcErrorOf(error).code).toBe(GrpcStatus.INTERNAL);
    expect(error.message).toBe("internal error in /lifeboat.v1.AdminService/ListTokens");
    expect(error.message).not.toContain("hunter2");
    expect(seen.unexpectedErrors.map((e) => (e as Error).message)).toContain("redis: WRONGPASS for AUTH hunter2");
  });

  it("keeps a secret out of an authentication failure", async () => {
    const error = await rejectionOf(agent.register({ token: "lbt_guess", fingerprint: "uid" }));
    expect(error.code).toBe("UNAUTHENTICATED");
    expect(error.field).toBe("token");
    expect(error.value).toBeUndefined();
    expect(JSON.stringify(grpcErrorOf(error).metadata.toJSON())).not.toContain("lbt_guess");
  });
});

describe("server streams", () => {
  it("delivers every message in order, then ends", async () => {
    const ids: string[] = [];
    for await (const { event } of admin.watchEvents({ clusterId: "c-7" })) {
      expect(event?.change.case).toBe("cluster");
      if (event?.change.case === "cluster") expect(event.change.value.cluster?.id).toBe("c-7");
      ids.push(event!.id);
    }
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
  });

  it("delivers the messages sent before a failure, then throws the failure", async () => {
    const ids: string[] = [];
    const failure = await (async () => {
      for await (const { event } of admin.watchEvents({ afterEventId: "fail-after-2" })) ids.push(event!.id);
    })().then(
      () => undefined,
      (err: unknown) => err as LifeboatError,
    );
    expect(ids).toEqual(["1", "2"]);
    expect(failure?.code).toBe("FAILED_PRECONDITION");
    expect(failure?.field).toBe("after_event_id");
    expect(failure?.value).toBe("3");
  });

  it("keeps the failure for a consumer that starts reading after the stream ended", async () => {
    const events = admin.watchEvents({ afterEventId: "fail-after-2" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids: string[] = [];
    await expect(
      (async () => {
        for await (const { event } of events) ids.push(event!.id);
      })(),
    ).rejects.toMatchObject({ code: "FAILED_PRECONDITION" });
    expect(ids).toEqual(["1", "2"]);
  });

  it("cancels the call when the client stops reading, and the server's generator is closed", async () => {
    const ids: string[] = [];
    for await (const { event } of admin.watchEvents({ afterEventId: "forever" })) {
      ids.push(event!.id);
      if (ids.length === 3) break;
    }
    expect(ids).toEqual(["1", "2", "3"]);
    const signal = await seen.watchStopped!;
    expect(signal.aborted).toBe(true);
  });

  it("throws the abort reason when the caller aborts mid-stream", async () => {
    const controller = new AbortController();
    const reason = new Error("stop watching");
    let count = 0;
    await expect(
      (async () => {
        for await (const _ of admin.watchEvents({ afterEventId: "forever" }, { signal: controller.signal })) {
          if (++count === 5) controller.abort(reason);
        }
      })(),
    ).rejects.toBe(reason);
    expect((await seen.watchStopped!).aborted).toBe(true);
  });
});

describe("bidirectional streams", () => {
  it("carries messages both ways, in order, until the agent half-closes", async () => {
    const stream = agent.connect();
    const received = stream[Symbol.asyncIterator]();
    const next = async (): Promise<HubMessage> => {
      const result = await received.next();
      if (result.done) throw new Error("the stream ended early");
      return result.value;
    };
    const send = (kind: MessageInitShape<typeof AgentMessageSchema>["kind"]) => stream.send({ kind });

    await send({ case: "hello", value: { fingerprint: "kube-system-uid", build: { component: "agent", version: "0.1.0" } } });
    const welcome = await next();
    expect(welcome.kind.case).toBe("welcome");
    if (welcome.kind.case === "welcome") {
      expect(welcome.kind.value.clusterId).toBe("c-1");
      expect(durationMs(welcome.kind.value.configuration!.heartbeatInterval!)).toBe(10_000);
    }

    await send({ case: "credits", value: { credits: 3 } });
    const assigned = [await next(), await next(), await next()].map((m) =>
      m.kind.case === "assignment" ? m.kind.value.task?.id : m.kind.case,
    );
    expect(assigned).toEqual(["t-1", "t-2", "t-3"]);

    const sendTime = timestampFromDate(new Date("2026-01-02T03:04:05Z"));
    await send({ case: "heartbeat", value: { sendTime } });
    const ack = await next();
    expect(ack.kind.case === "heartbeatAck" && timestampDate(ack.kind.value.agentSendTime!).toISOString()).toBe(
      "2026-01-02T03:04:05.000Z",
    );

    stream.end();
    await expect(stream.send({ kind: { case: "heartbeat", value: {} } })).rejects.toMatchObject({ code: "FAILED_PRECONDITION" });
    const farewell = await next();
    expect(farewell.kind.case).toBe("cancel");
    expect(await received.next()).toEqual({ value: undefined, done: true });
    expect((await seen.connectEnded!).error).toBeUndefined();
    // The hub closed the stream: the agent's next move is to reconnect.
    await expect(stream.send({ kind: { case: "heartbeat", value: {} } })).rejects.toMatchObject({ code: "UNAVAILABLE", retryable: true });
  });

  it("ends with the handler's LifeboatError, and refuses sends after", async () => {
    const stream = agent.connect();
    await stream.send({ kind: { case: "hello", value: { fingerprint: "other-cluster-uid" } } });
    const failure = await (async () => {
      for await (const _ of stream) throw new Error("expected no message");
    })().then(
      () => undefined,
      (err: unknown) => err as LifeboatError,
    );
    expect(failure?.code).toBe("PERMISSION_DENIED");
    expect(failure?.field).toBe("hello.fingerprint");
    expect(failure?.value).toBe("other-cluster-uid");
    await expect(stream.send({ kind: { case: "heartbeat", value: {} } })).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
  });

  it("tells the handler when the agent cancels: its iteration throws UNAVAILABLE and its signal aborts", async () => {
    const stream = agent.connect();
    await stream.send({ kind: { case: "hello", value: { fingerprint: "kube-system-uid" } } });
    for await (const message of stream) {
      expect(message.kind.case).toBe("welcome");
      break; // cancels the call
    }
    const { error, signal } = await seen.connectEnded!;
    expect((error as LifeboatError).code).toBe("UNAVAILABLE");
    expect(signal.aborted).toBe(true);
  });
});

describe("client streams", () => {
  // The contract has no client-streaming method yet; a service built from a descriptor at run
  // time exercises that path through the same glue.
  const file = createFileRegistry(
    create(FileDescriptorProtoSchema, {
      name: "test/v1/upload.proto",
      package: "test.v1",
      syntax: "proto3",
      dependency: ["google/protobuf/wrappers.proto"],
      service: [
        {
          name: "UploadService",
          method: [
            {
              name: "Upload",
              inputType: ".google.protobuf.StringValue",
              outputType: ".google.protobuf.UInt32Value",
              clientStreaming: true,
            },
          ],
        },
      ],
    }),
    (name) => (name === "google/protobuf/wrappers.proto" ? file_google_protobuf_wrappers : undefined),
  );
  const UploadService = file.getService("test.v1.UploadService") as DescService as unknown as GenService<{
    upload: { methodKind: "client_streaming"; input: typeof StringValueSchema; output: typeof UInt32ValueSchema };
  }>;

  it("sends every request and returns the handler's one response", async () => {
    const uploads = await startGrpcFixture((server) =>
      addService(server, UploadService, {
        async upload(requests) {
          let bytes = 0;
          for await (const chunk of requests) {
            if (chunk.value === "bad") throw new LifeboatError("INVALID_ARGUMENT", "chunk is bad", { field: "value" });
            bytes += chunk.value.length;
          }
          return { value: bytes };
        },
      }),
    );
    try {
      const client = createClient(UploadService, uploads.channel);
      async function* chunks() {
        for (const value of ["abc", "de", "f"]) yield { value };
      }
      expect((await client.upload(chunks())).value).toBe(6);
      const error = await rejectionOf(client.upload([{ value: "ok" }, { value: "bad" }]));
      expect(error.code).toBe("INVALID_ARGUMENT");
      expect(error.field).toBe("value");
    } finally {
      await uploads.close();
    }
  });
});
