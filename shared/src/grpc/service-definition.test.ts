import { create, toBinary } from "@bufbuild/protobuf";
import { AdminService, AgentMessageSchema, AgentService, CreateTokenRequestSchema } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { isLifeboatError } from "../errors/index.js";
import { createServiceDefinition, decodeMessage } from "./service-definition.js";

describe("createServiceDefinition", () => {
  it("derives paths and streaming flags from the descriptors", () => {
    const agent = createServiceDefinition(AgentService);
    expect(agent.register).toMatchObject({
      path: "/lifeboat.v1.AgentService/Register",
      originalName: "Register",
      requestStream: false,
      responseStream: false,
    });
    expect(agent.connect).toMatchObject({
      path: "/lifeboat.v1.AgentService/Connect",
      requestStream: true,
      responseStream: true,
    });
    expect(createServiceDefinition(AdminService).watchEvents).toMatchObject({
      path: "/lifeboat.v1.AdminService/WatchEvents",
      requestStream: false,
      responseStream: true,
    });
  });

  it("covers every method of the service", () => {
    expect(Object.keys(createServiceDefinition(AdminService)).sort()).toEqual(
      AdminService.methods.map((method) => method.localName).sort(),
    );
  });

  it("is derived once per service", () => {
    expect(createServiceDefinition(AgentService)).toBe(createServiceDefinition(AgentService));
  });

  it("serializes an init shape to the same bytes as the message, and back", () => {
    const { connect } = createServiceDefinition(AgentService);
    const init = { kind: { case: "credits" as const, value: { credits: 4 } } };
    const bytes = connect.requestSerialize(init);
    expect(Buffer.compare(bytes, Buffer.from(toBinary(AgentMessageSchema, create(AgentMessageSchema, init))))).toBe(0);
    const decoded = connect.requestDeserialize(bytes);
    expect(decoded.kind.case === "credits" && decoded.kind.value.credits).toBe(4);
  });
});

describe("decodeMessage", () => {
  it("throws INVALID_ARGUMENT naming the message type for bytes that are not one", () => {
    let thrown: unknown;
    try {
      decodeMessage(CreateTokenRequestSchema, new Uint8Array([0x0f]));
    } catch (err) {
      thrown = err;
    }
    expect(isLifeboatError(thrown) && [thrown.code, thrown.field]).toEqual(["INVALID_ARGUMENT", "lifeboat.v1.CreateTokenRequest"]);
  });

  it("keeps fields it does not know, so a newer peer's additions survive a round trip", () => {
    const withUnknown = new Uint8Array([0x3a, 0x01, 0x7a, ...toBinary(CreateTokenRequestSchema, create(CreateTokenRequestSchema, { description: "d" }))]);
    const message = decodeMessage(CreateTokenRequestSchema, withUnknown);
    expect(message.description).toBe("d");
    expect(toBinary(CreateTokenRequestSchema, message)).toContain(0x7a);
  });
});
