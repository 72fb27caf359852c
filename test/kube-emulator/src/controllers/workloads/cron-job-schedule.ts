import { CronExpressionParser } from "cron-parser";

/**
 * CronJob schedules as the controller reads them (robfig/cron's standard parser): five
 * fields, the @yearly … @hourly descriptors, `@every <duration>`, and a `TZ=`/`CRON_TZ=`
 * prefix; evaluated in spec.timeZone (1.25+) or UTC, as kube-controller-manager runs in.
 */
export interface Schedule {
  /** The first schedule time strictly after `after` (ms since the epoch). */
  next(after: number): number;
  /** The last schedule time at or before `at`, if any; undefined for `@every`, whose times depend on where they start. */
  latestAtOrBefore(at: number): number | undefined;
  /** The fixed interval of an `@every` schedule, in ms. */
  every?: number;
}

const descriptors: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** A Go duration ("90s", "1h30m", "1.5h") in ms. */
function parseGoDuration(text: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === text.length && text.length > 0 ? total : undefined;
}

/** Throws when the time zone is unknown to the runtime's tz database (time.LoadLocation fails). */
export function checkTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat("en-US", { timeZone });
}

/** Parses a CronJob schedule; throws with the parser's message when it is not one. */
export function parseSchedule(schedule: string, timeZone?: string): Schedule {
  let text = schedule.trim();
  let tz = timeZone && timeZone !== "" ? timeZone : "UTC";
  const prefix = /^(?:CRON_TZ|TZ)=(\S+)\s+/.exec(text);
  if (prefix) {
    tz = prefix[1]!;
    text = text.slice(prefix[0].length).trim();
  }
  checkTimeZone(tz);
  if (text.startsWith("@every ")) {
    const every = parseGoDuration(text.slice("@every ".length).trim());
    if (every === undefined || every < 1000) throw new Error(`failed to parse duration ${text}`);
    const step = Math.floor(every / 1000) * 1000;
    // ConstantDelaySchedule: the next whole second `step` after the given time.
    return {
      next: (after) => Math.floor(after / 1000) * 1000 + step,
      latestAtOrBefore: () => undefined,
      every: step,
    };
  }
  const expression = descriptors[text] ?? text;
  const fields = expression.split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
  // Parse once now so a bad schedule fails here, not at the first tick.
  CronExpressionParser.parse(expression, { tz, currentDate: new Date(0) });
  return {
    next: (after) => CronExpressionParser.parse(expression, { tz, currentDate: new Date(after) }).next().getTime(),
    latestAtOrBefore: (at) => {
      const it = CronExpressionParser.parse(expression, { tz, currentDate: new Date(at + 1) });
      return it.hasPrev() ? it.prev().getTime() : undefined;
    },
  };
}

export interface Unmet {
  /** The latest schedule time in (earliest, now], the one to run. */
  mostRecent?: number;
  /** How many schedule times fell in that window, up to 101 (more than 100 is "too many missed"). */
  missed: number;
}

/**
 * getMostRecentScheduleTime: the schedule times in (earliest, now]; only the most recent
 * one is run, the rest are missed.
 */
export function unmetScheduleTimes(schedule: Schedule, earliest: number, now: number): Unmet {
  let missed = 0;
  let mostRecent: number | undefined;
  for (let t = schedule.next(earliest); t <= now; t = schedule.next(t)) {
    missed++;
    mostRecent = t;
    if (missed > 100) {
      mostRecent = schedule.every ? t + Math.floor((now - t) / schedule.every) * schedule.every : (schedule.latestAtOrBefore(now) ?? t);
      break;
    }
  }
  return { mostRecent, missed };
}

/** getJobName: `<cronjob>-<scheduled time in minutes since the epoch>`, the same for the same schedule time. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}

/** time.Time.In(loc).Format(time.RFC3339): the local wall time in the zone with its offset, or Z for UTC. */
export function formatRfc3339In(ms: number, timeZone: string | undefined): string {
  const tz = timeZone && timeZone !== "" ? timeZone : "UTC";
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offsetMinutes = Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
  const local = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes > 0 ? "+" : "-";
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** RFC 3339 in UTC at second precision, as metav1.Time marshals. */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
