import { describe, expect, it } from "vitest";
import { compareEventIds, parseEventEntry } from "./event-log.js";

describe("compareEventIds", () => {
  it("orders by milliseconds, then sequence", () => {
    expect(compareEventIds("1-0", "2-0")).toBe(-1);
    expect(compareEventIds("10-0", "9-5")).toBe(1);
    expect(compareEventIds("5-2", "5-10")).toBe(-1);
    expect(compareEventIds("5", "5-0")).toBe(0);
    expect(compareEventIds("1700000000000-18446744073709551615", "1700000000000-18446744073709551614")).toBe(1);
  });
});

describe("parseEventEntry", () => {
  it("reads a failed event with its error", () => {
    const event = parseEventEntry("9-1", [
      "type", "failed", "taskId", "t1", "clusterId", "c1", "kind", "backup", "state", "failed",
      "attempts", "3", "maxAttempts", "3", "at", "9", "owner", "hub/s", "errorCode", "LEASE_EXPIRED",
      "errorMessage", "lease expired after 3 attempts",
    ]);
    expect(event).toEqual({
      id: "9-1",
      type: "failed",
      taskId: "t1",
      clusterId: "c1",
      kind: "backup",
      state: "failed",
      attempts: 3,
      maxAttempts: 3,
      at: 9,
      owner: "hub/s",
      error: { code: "LEASE_EXPIRED", message: "lease expired after 3 attempts" },
    });
  });

  it("skips entries that are not task events", () => {
    expect(parseEventEntry("1-1", ["type", "mystery", "state", "queued"])).toBeUndefined();
  });
});
