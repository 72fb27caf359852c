import { describe, expect, it } from "vitest";
import { CronClock } from "./cron-job-clock.js";
import { formatRfc3339In, jobNameFor, parseSchedule, unmetScheduleTimes } from "./cron-job-schedule.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe("CronJob schedules", () => {
  it("names Jobs <cronjob>-<minutes since the epoch> of the schedule time", () => {
    expect(jobNameFor("hello", at("2024-01-01T10:00:00Z"))).toBe("hello-28401720");
    expect(jobNameFor("hello", at("2024-01-01T10:00:59Z"))).toBe("hello-28401720");
    expect(jobNameFor("hello", at("2024-01-01T10:01:00Z"))).toBe("hello-28401721");
  });

  it("finds the next time strictly after a moment, in UTC unless a time zone is given", () => {
    const every5 = parseSchedule("*/5 * * * *");
    expect(iso(every5.next(at("2024-01-01T10:00:00Z")))).toBe("2024-01-01T10:05:00.000Z");
    expect(iso(every5.next(at("2024-01-01T10:03:10Z")))).toBe("2024-01-01T10:05:00.000Z");
    const nineInParis = parseSchedule("0 9 * * *", "Europe/Paris");
    expect(iso(nineInParis.next(at("2024-07-01T00:00:00Z")))).toBe("2024-07-01T07:00:00.000Z");
    expect(iso(parseSchedule("CRON_TZ=America/New_York 0 9 * * *").next(at("2024-01-01T00:00:00Z")))).toBe("2024-01-01T14:00:00.000Z");
    expect(iso(parseSchedule("@hourly").next(at("2024-01-01T10:30:00Z")))).toBe("2024-01-01T11:00:00.000Z");
    expect(iso(parseSchedule("@every 90s").next(at("2024-01-01T10:00:00.500Z")))).toBe("2024-01-01T10:01:30.000Z");
  });

  it("refuses what robfig/cron's standard parser refuses", () => {
    expect(() => parseSchedule("* * * *")).toThrow(/exactly 5 fields/);
    expect(() => parseSchedule("0 * * * * *")).toThrow(/exactly 5 fields/);
    expect(() => parseSchedule("61 * * * *")).toThrow();
    expect(() => parseSchedule("* * * * *", "Mars/Olympus_Mons")).toThrow(RangeError);
  });

  it("runs only the most recent of the missed times in (earliest, now], counting the missed", () => {
    const minutely = parseSchedule("* * * * *");
    expect(unmetScheduleTimes(minutely, at("2024-01-01T10:00:00Z"), at("2024-01-01T10:00:59Z"))).toEqual({ missed: 0, mostRecent: undefined });
    const three = unmetScheduleTimes(minutely, at("2024-01-01T10:00:00Z"), at("2024-01-01T10:03:30Z"));
    expect(three.missed).toBe(3);
    expect(iso(three.mostRecent)).toBe("2024-01-01T10:03:00.000Z");
    // A time exactly at `now` is due.
    expect(iso(unmetScheduleTimes(minutely, at("2024-01-01T10:00:00Z"), at("2024-01-01T10:01:00Z")).mostRecent)).toBe("2024-01-01T10:01:00.000Z");
    const many = unmetScheduleTimes(minutely, at("2024-01-01T00:00:00Z"), at("2024-01-01T10:00:30Z"));
    expect(many.missed).toBeGreaterThan(100);
    expect(iso(many.mostRecent)).toBe("2024-01-01T10:00:00.000Z");
    const every = unmetScheduleTimes(parseSchedule("@every 1m"), at("2024-01-01T00:00:10Z"), at("2024-01-01T10:00:30Z"));
    expect(iso(every.mostRecent)).toBe("2024-01-01T10:00:10.000Z");
  });

  it("formats the scheduled timestamp annotation in the CronJob's zone (RFC 3339)", () => {
    expect(formatRfc3339In(at("2024-01-01T10:00:00Z"), undefined)).toBe("2024-01-01T10:00:00Z");
    expect(formatRfc3339In(at("2024-07-01T07:00:00Z"), "Europe/Paris")).toBe("2024-07-01T09:00:00+02:00");
    expect(formatRfc3339In(at("2024-01-01T14:00:00Z"), "America/New_York")).toBe("2024-01-01T09:00:00-05:00");
    expect(formatRfc3339In(at("2024-01-01T10:00:00Z"), "Asia/Kolkata")).toBe("2024-01-01T15:30:00+05:30");
  });
});

describe("CronClock", () => {
  it("runs scale times as fast as the wall clock from its origin, and stands still at 0", () => {
    let wall = 1_000_000;
    const fast = new CronClock(60, 1_000_000, () => wall);
    wall += 1000;
    expect(fast.now()).toBe(1_000_000 + 60_000);
    expect(fast.toClock(1_000_500)).toBe(1_000_000 + 30_000);
    expect(fast.wallDelayUntil(fast.now() + 120_000)).toBe(2000);
    const stopped = new CronClock(0, 1_000_000, () => wall);
    expect(stopped.running).toBe(false);
    expect(stopped.wallDelayUntil(wall + 1)).toBe(Infinity);
    expect(new CronClock(1, 1_000_000, () => wall).now()).toBe(wall);
  });
});
