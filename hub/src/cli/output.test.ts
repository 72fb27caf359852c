import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { RegistrationTokenSchema, RegistrationTokenState } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { LifeboatError } from "@lifeboat/shared";
import { errorLine, exitCodeFor } from "./errors.js";
import { formatLabels, formatOutput, renderTable } from "./output.js";
import { messageJson, formatTime } from "./message-output.js";

describe("output", () => {
  const token = create(RegistrationTokenSchema, {
    id: "tok-1",
    labels: { env: "dev" },
    state: RegistrationTokenState.ACTIVE,
    expireTime: timestampFromMs(Date.UTC(2026, 0, 2, 3, 4, 5)),
  });

  it("aligns table columns under capitalised headers", () => {
    const table = renderTable([{ a: "x", b: "1" }, { a: "longer", b: "2" }], [
      { header: "name", value: (r) => r.a },
      { header: "n", value: (r) => r.b },
    ]);
    expect(table).toBe("NAME     N\nx        1\nlonger   2\n");
  });

  it("writes messages with the proto JSON mapping, as JSON and YAML alike", () => {
    const value = messageJson(RegistrationTokenSchema, token);
    expect(value).toEqual({ id: "tok-1", labels: { env: "dev" }, state: "REGISTRATION_TOKEN_STATE_ACTIVE", expireTime: "2026-01-02T03:04:05Z" });
    expect(JSON.parse(formatOutput("json", value, () => ""))).toEqual(value);
    expect(parse(formatOutput("yaml", value, () => ""))).toEqual(value);
    expect(formatOutput("table", value, () => "T\n")).toBe("T\n");
  });

  it("formats times to the second and labels sorted", () => {
    expect(formatTime(token.expireTime)).toBe("2026-01-02T03:04:05Z");
    expect(formatTime(undefined)).toBe("");
    expect(formatLabels({ z: "1", a: "2" })).toBe("a=2,z=1");
  });
});

describe("errors", () => {
  it("maps codes to exit statuses, anything else to 1", () => {
    expect(exitCodeFor(new LifeboatError("INVALID_ARGUMENT", "x"))).toBe(2);
    expect(exitCodeFor(new LifeboatError("NOT_FOUND", "x"))).toBe(3);
    expect(exitCodeFor(new LifeboatError("UNAUTHENTICATED", "x"))).toBe(4);
    expect(exitCodeFor(new LifeboatError("PERMISSION_DENIED", "x"))).toBe(4);
    expect(exitCodeFor(new LifeboatError("UNAVAILABLE", "x"))).toBe(5);
    expect(exitCodeFor(new LifeboatError("CORRUPT", "x"))).toBe(1);
    expect(exitCodeFor(new Error("x"))).toBe(1);
  });

  it("prints one line, without a stack", () => {
    const err = new LifeboatError("INTERNAL", "first\n  second");
    expect(errorLine(err)).toBe("lifeboat: first second");
  });
});
