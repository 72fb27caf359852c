import cronParser from "cron-parser";
import parseDuration from "parse-duration";
import { LifeboatError } from "@lifeboat/shared";

/** A policy's schedule as BullMQ's job scheduler takes it. */
export type Schedule = { kind: "cron"; pattern: string; timeZone: string } | { kind: "every"; everyMs: number };

const EVERY = "@every ";
// Go-style durations ("2h30m", "90s", "1.5h"), as cron tools write them. parse-duration
// alone would also take "10" (10 ms) or "1h garbage", so the shape is checked first.
const DURATION = /^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/;
const MIN_EVERY_MS = 1_000;

/**
 * Reads a policy's schedule: a 5-field cron expression read in `timeZone` (UTC when empty), or
 * "@every <duration>" of at least 1 s. Empty: undefined (run by hand only). INVALID_ARGUMENT
 * naming `field` (or `timeZoneField`) with what would be valid.
 */
export function parseSchedule(schedule: string, timeZone: string, field = "schedule", timeZoneField = "time_zone"): Schedule | undefined {
  const zone = checkTimeZone(timeZone, timeZoneField);
  const text = schedule.trim();
  if (text === "") return undefined;
  if (text.startsWith("@every")) return { kind: "every", everyMs: parseEvery(text, schedule, field) };
  return { kind: "cron", pattern: parseCron(text, schedule, zone, field), timeZone: zone };
}

/** The IANA zone, "UTC" when empty; INVALID_ARGUMENT naming `field` when Intl does not know it. */
export function checkTimeZone(timeZone: string, field = "time_zone"): string {
  if (timeZone === "") return "UTC";
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(timeZone)} is not a known IANA time zone: use a name such as "UTC" or "Europe/Paris"`, {
      field,
      value: timeZone,
    });
  }
}

/**
 * When a schedule fires next after `after` (ms): for a pattern, as BullMQ computes it; for an
 * `every`, one interval later (BullMQ then keeps that phase).
 */
export function nextRunAfter(schedule: Schedule, after: number): number {
  if (schedule.kind === "every") return after + schedule.everyMs;
  const interval = cronParser.parseExpression(schedule.pattern, { currentDate: new Date(after), tz: schedule.timeZone });
  return interval.next().getTime();
}

function parseEvery(text: string, original: string, field: string): number {
  const duration = text.startsWith(EVERY) ? text.slice(EVERY.length).trim() : "";
  const ms = DURATION.test(duration) ? parseDuration(duration) : null;
  if (ms === null || ms === undefined || !Number.isFinite(ms)) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(original)} is not a valid @every schedule: write "@every <duration>" such as "@every 2h30m" or "@every 90s"`, {
      field,
      value: original,
    });
  }
  if (ms < MIN_EVERY_MS) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(original)} is too frequent: the interval must be at least 1s`, { field, value: original });
  }
  return Math.round(ms);
}

function parseCron(text: string, original: string, timeZone: string, field: string): string {
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    throw new LifeboatError(
      "INVALID_ARGUMENT",
      `${field} ${JSON.stringify(original)} is not a valid cron expression: it has ${fields.length} fields, expected 5 (minute hour day-of-month month day-of-week, e.g. "0 2 * * *"), or "@every <duration>"`,
      { field, value: original },
    );
  }
  try {
    // The same parser BullMQ uses for patterns, so what passes here BullMQ can schedule.
    cronParser.parseExpression(text, { tz: timeZone }).next();
  } catch (err) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(original)} is not a valid cron expression: ${(err as Error).message}`, {
      field,
      value: original,
      cause: err,
    });
  }
  return fields.join(" ");
}
