import { Metadata, status as GrpcStatus } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { LifeboatError, type ErrorCode } from "../errors/index.js";
import { fromGrpcError, grpcStatusFor, toGrpcStatus } from "./status.js";

const table: [ErrorCode, GrpcStatus][] = [
  ["INVALID_ARGUMENT", GrpcStatus.INVALID_ARGUMENT],
  ["NOT_FOUND", GrpcStatus.NOT_FOUND],
  ["ALREADY_EXISTS", GrpcStatus.ALREADY_EXISTS],
  ["FAILED_PRECONDITION", GrpcStatus.FAILED_PRECONDITION],
  ["UNAUTHENTICATED", GrpcStatus.UNAUTHENTICATED],
  ["PERMISSION_DENIED", GrpcStatus.PERMISSION_DENIED],
  ["UNAVAILABLE", GrpcStatus.UNAVAILABLE],
  ["CORRUPT", GrpcStatus.DATA_LOSS],
  ["INTERNAL", GrpcStatus.INTERNAL],
];

describe("the status table", () => {
  it.each(table)("sends %s as gRPC status %i and reads it back", (code, grpcStatus) => {
    expect(grpcStatusFor(code)).toBe(grpcStatus);
    const sent = toGrpcStatus(new LifeboatError(code, "it went wrong", { field: "spec.name", value: "x" }), "/m");
    expect(sent.code).toBe(grpcStatus);
    const read = fromGrpcError(sent);
    expect([read.code, read.message, read.field, read.value]).toEqual([code, "it went wrong", "spec.name", "x"]);
  });

  it.each(table)("reads bare status %s without Lifeboat metadata, as from a proxy", (code, grpcStatus) => {
    expect(fromGrpcError({ code: grpcStatus, details: "from elsewhere", metadata: new Metadata() }).code).toBe(code);
  });

  it.each([
    [GrpcStatus.CANCELLED, "UNAVAILABLE", true],
    [GrpcStatus.DEADLINE_EXCEEDED, "UNAVAILABLE", true],
    [GrpcStatus.UNAVAILABLE, "UNAVAILABLE", true],
    [GrpcStatus.RESOURCE_EXHAUSTED, "INVALID_ARGUMENT", false],
    [GrpcStatus.UNIMPLEMENTED, "FAILED_PRECONDITION", false],
    [GrpcStatus.ABORTED, "FAILED_PRECONDITION", true],
    [GrpcStatus.UNKNOWN, "INTERNAL", false],
  ])("reads status %i, which no Lifeboat code sends, as %s (retryable: %s)", (grpcStatus, code, retryable) => {
    const read = fromGrpcError({ code: grpcStatus, details: "d", metadata: new Metadata() });
    expect([read.code, read.retryable]).toEqual([code, retryable]);
  });
});

describe("toGrpcStatus", () => {
  it("keeps retryable and carries a non-ASCII field and value intact", () => {
    const sent = toGrpcStatus(
      new LifeboatError("UNAVAILABLE", "S3 is throttling", { field: "bucket", value: "sauvegardé", retryable: true }),
      "/m",
    );
    const read = fromGrpcError(sent);
    expect([read.retryable, read.value]).toEqual([true, "sauvegardé"]);
  });

  it("says only where an error that is not a LifeboatError happened", () => {
    const sent = toGrpcStatus(new Error("connect ECONNREFUSED redis://:hunter2@10.0.0.1"), "/lifeboat.v1.AdminService/ListTokens");
    expect(sent.code).toBe(GrpcStatus.INTERNAL);
    expect(sent.details).toBe("internal error in /lifeboat.v1.AdminService/ListTokens");
    expect(JSON.stringify(sent.metadata.toJSON())).not.toContain("hunter2");
  });

  it("shortens a long value to fit in a header", () => {
    const sent = toGrpcStatus(new LifeboatError("INVALID_ARGUMENT", "too long", { value: "v".repeat(100_000) }), "/m");
    expect(fromGrpcError(sent).value!.length).toBeLessThanOrEqual(1025);
  });
});

describe("fromGrpcError", () => {
  it("keeps the gRPC error as the cause", () => {
    const grpcError = { code: GrpcStatus.NOT_FOUND, details: "no such cluster", metadata: new Metadata() };
    expect(fromGrpcError(grpcError).cause).toBe(grpcError);
  });

  it("passes a LifeboatError through unchanged", () => {
    const error = new LifeboatError("CORRUPT", "pack p-1 is truncated");
    expect(fromGrpcError(error)).toBe(error);
  });

  it("ignores a code in metadata that is not a Lifeboat code", () => {
    const metadata = new Metadata();
    metadata.set("lifeboat-error-code", "TEAPOT");
    expect(fromGrpcError({ code: GrpcStatus.NOT_FOUND, details: "d", metadata }).code).toBe("NOT_FOUND");
  });

  it("reads something that is not a gRPC error as INTERNAL", () => {
    const read = fromGrpcError(new TypeError("boom"));
    expect(read.code).toBe("INTERNAL");
    expect(read.message).toContain("boom");
  });
});
