import { RegistrationTokenStateSchema } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { enumName, parseCount, parseDuration, parseEnum, parseLabels } from "./arguments.js";

describe("parseDuration", () => {
  it("reads durations with units", () => {
    expect(parseDuration("--ttl", "1h")).toBe(3_600_000);
    expect(parseDuration("--ttl", "90d")).toBe(90 * 86_400_000);
    expect(parseDuration("--ttl", "1h30m")).toBe(5_400_000);
  });

  it.each(["1x", "10", "", "-1h", "soon"])("refuses %j naming the option", (text) => {
    expect(() => parseDuration("--ttl", text)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", field: "--ttl", message: expect.stringMatching(/^--ttl /) }));
  });
});

describe("parseLabels", () => {
  it("reads k=v pairs, with prefixed keys and empty values", () => {
    expect(parseLabels("--labels", "env=dev,team.example.com/owner=ops,empty=")).toEqual({ env: "dev", "team.example.com/owner": "ops", empty: "" });
  });

  it.each([
    ["env", /expected key=value/],
    ["-env=dev", /label key "-env"/],
    ["env=dev!", /label value "dev!"/],
    ["Bad_Prefix/x=1", /prefix "Bad_Prefix"/],
    [`k=${"a".repeat(64)}`, /label value/],
    ["env=a,env=b", /given twice/],
  ])("refuses %j naming the bad label", (text, reason) => {
    expect(() => parseLabels("--labels", text)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", field: "--labels", message: expect.stringMatching(reason) }));
  });
});

describe("enums and counts", () => {
  it("reads and shows enum values by their short names", () => {
    expect(parseEnum("--state", "Active", RegistrationTokenStateSchema)).toBe(1);
    expect(enumName(RegistrationTokenStateSchema, 3)).toBe("REVOKED");
    expect(enumName(RegistrationTokenStateSchema, 0)).toBe("");
    expect(() => parseEnum("--state", "unspecified", RegistrationTokenStateSchema)).toThrow(/expected one of active, used, revoked, expired/);
  });

  it("refuses counts below the minimum", () => {
    expect(parseCount("--concurrency", "3")).toBe(3);
    expect(() => parseCount("--concurrency", "0")).toThrow(/--concurrency "0" is invalid/);
  });
});
