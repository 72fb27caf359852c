import { describe, expect, it } from "vitest";
import { parseTaskFields } from "./task-record.js";

const base = [
  "id", "t1", "clusterId", "c1", "kind", "backup", "spec", 'j{"ns":"shop"}', "state", "leased",
  "attempts", "2", "maxAttempts", "3", "createdAt", "1000", "updatedAt", "2000", "seq", "7",
];

describe("parseTaskFields", () => {
  it("reads a leased task with its lease and last error", () => {
    const task = parseTaskFields([
      ...base,
      "leaseOwner", "hub-a/s1", "leaseExpiresAt", "32000", "progress", 'j{"items":4}',
      "errorCode", "LEASE_EXPIRED", "errorMessage", "lease of attempt 1 expired",
    ]);
    expect(task).toEqual({
      id: "t1",
      clusterId: "c1",
      kind: "backup",
      spec: { ns: "shop" },
      state: "leased",
      attempts: 2,
      maxAttempts: 3,
      createdAt: 1000,
      updatedAt: 2000,
      seq: 7,
      leaseOwner: "hub-a/s1",
      leaseExpiresAt: 32000,
      progress: { items: 4 },
      error: { code: "LEASE_EXPIRED", message: "lease of attempt 1 expired" },
    });
  });

  it("leaves absent optional fields out", () => {
    const task = parseTaskFields(base);
    expect(task).not.toHaveProperty("leaseOwner");
    expect(task).not.toHaveProperty("result");
    expect(task).not.toHaveProperty("error");
  });

  it("reports a missing field or unknown state as CORRUPT", () => {
    expect(() => parseTaskFields(base.slice(2))).toThrow(/field "id" is missing/);
    const badState = base.map((v) => (v === "leased" ? "sleeping" : v));
    expect(() => parseTaskFields(badState)).toThrow(expect.objectContaining({ code: "CORRUPT" }));
  });
});
