import { describe, expect, it } from "vitest";
import { isLifeboatError } from "@lifeboat/shared";
import { checkTimeZone, nextRunAfter, parseSchedule } from "./parse-schedule.js";

function refusal(fn: () => unknown): { code: string; field?: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isLifeboatError(err)) return { code: err.code, field: err.field, message: err.message };
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("parseSchedule", () => {
  it("reads a 5-field cron expression in its time zone", () => {
    expect(parseSchedule(" 0  2 * * * ", "Europe/Paris")).toEqual({ kind: "cron", pattern: "0 2 * * *", timeZone: "Europe/Paris" });
    expect(parseSchedule("*/15 * * * 1-5", "")).toEqual({ kind: "cron", pattern: "*/15 * * * 1-5", timeZone: "UTC" });
  });

  it("reads @every with Go-style durations", () => {
    expect(parseSchedule("@every 2h30m", "")).toEqual({ kind: "every", everyMs: 9_000_000 });
    expect(parseSchedule("@every 1s", "")).toEqual({ kind: "every", everyMs: 1_000 });
    expect(parseSchedule("@every 1.5h", "")).toEqual({ kind: "every", everyMs: 5_400_000 });
  });

  it("takes an empty schedule as run-by-hand only", () => {
    expect(parseSchedule("", "")).toBeUndefined();
  });

  it.each([
    ["61 * * * *", /minute|61|0-59/],
    ["0 25 * * *", /25/],
    ["a b c d e", /Invalid characters/],
    ["0 2 * *", /4 fields, expected 5/],
    ["* * * * * *", /6 fields, expected 5/],
  ])("refuses the malformed cron %j naming the field", (schedule, why) => {
    const err = refusal(() => parseSchedule(schedule, "", "policy.schedule"));
    expect(err).toMatchObject({ code: "INVALID_ARGUMENT", field: "policy.schedule" });
    expect(err.message).toContain(JSON.stringify(schedule));
    expect(err.message).toMatch(why);
  });

  it.each(["@every", "@every 10", "@every 1h garbage", "@every -5s", "@every soon", "@everyday"])("refuses the bad @every %j", (schedule) => {
    expect(refusal(() => parseSchedule(schedule, ""))).toMatchObject({ code: "INVALID_ARGUMENT", field: "schedule" });
  });

  it("refuses @every shorter than a second", () => {
    const err = refusal(() => parseSchedule("@every 500ms", ""));
    expect(err).toMatchObject({ code: "INVALID_ARGUMENT", field: "schedule" });
    expect(err.message).toMatch(/at least 1s/);
  });

  it("refuses an unknown time zone naming its field, even with an @every schedule", () => {
    expect(refusal(() => parseSchedule("0 2 * * *", "Mars/Olympus", "schedule", "policy.time_zone"))).toMatchObject({
      code: "INVALID_ARGUMENT",
      field: "policy.time_zone",
    });
    expect(refusal(() => parseSchedule("@every 1h", "Not/AZone"))).toMatchObject({ code: "INVALID_ARGUMENT", field: "time_zone" });
    expect(checkTimeZone("America/New_York")).toBe("America/New_York");
  });
});

describe("nextRunAfter", () => {
  it("computes the next cron occurrence in the policy's time zone", () => {
    const after = Date.parse("2026-03-10T12:00:00Z");
    // 02:00 in Paris (UTC+1 in March before the switch) is 01:00 UTC.
    expect(new Date(nextRunAfter({ kind: "cron", pattern: "0 2 * * *", timeZone: "Europe/Paris" }, after)).toISOString()).toBe("2026-03-11T01:00:00.000Z");
    expect(new Date(nextRunAfter({ kind: "cron", pattern: "0 2 * * *", timeZone: "UTC" }, after)).toISOString()).toBe("2026-03-11T02:00:00.000Z");
    expect(new Date(nextRunAfter({ kind: "cron", pattern: "*/15 * * * *", timeZone: "UTC" }, after + 1)).toISOString()).toBe("2026-03-10T12:15:00.000Z");
  });

  it("puts the next @every one interval later", () => {
    expect(nextRunAfter({ kind: "every", everyMs: 60_000 }, 125_000)).toBe(185_000);
  });
});
