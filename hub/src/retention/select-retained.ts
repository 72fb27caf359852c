import { timestampMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, type Backup, type Retention } from "@lifeboat/proto";

export interface RetentionDecision {
  /** Successful backups some rule keeps, newest first. */
  keep: Backup[];
  /** Successful backups no rule keeps, newest first: to delete. */
  remove: Backup[];
}

type PeriodOf = (ms: number) => number;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

// Periods are UTC calendar periods; weeks start on Monday (ISO 8601). 1970-01-01 was a
// Thursday, hence the 3 days' shift.
const hourOf: PeriodOf = (ms) => Math.floor(ms / HOUR_MS);
const dayOf: PeriodOf = (ms) => Math.floor(ms / DAY_MS);
const weekOf: PeriodOf = (ms) => Math.floor((dayOf(ms) + 3) / 7);
const monthOf: PeriodOf = (ms) => {
  const date = new Date(ms);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
};

/** Only backups whose manifest was written count; running, failed or deleting ones are never touched. */
export function countsForRetention(backup: Backup): boolean {
  return backup.phase === BackupPhase.COMPLETED || backup.phase === BackupPhase.PARTIALLY_FAILED;
}

export function hasRetentionRules(retention: Retention | undefined): retention is Retention {
  return !!retention && retention.keepLast + retention.keepHourly + retention.keepDaily + retention.keepWeekly + retention.keepMonthly > 0;
}

/**
 * Grandfather-father-son retention over one cluster's backups of one policy: keep the newest
 * keep_last, plus the newest backup in each of the last keep_hourly hours, keep_daily days,
 * keep_weekly weeks and keep_monthly months (counted back from `now`, the current period
 * included). A backup any rule keeps stays. Only COMPLETED and PARTIALLY_FAILED backups count;
 * others appear in neither list. With every rule zero, everything is kept.
 */
export function selectRetained(backups: readonly Backup[], retention: Retention | undefined, now: Date): RetentionDecision {
  const candidates = backups.filter(countsForRetention).sort((a, b) => timeOf(b) - timeOf(a));
  if (!hasRetentionRules(retention)) return { keep: candidates, remove: [] };
  const kept = new Set<Backup>(candidates.slice(0, retention.keepLast));
  const nowMs = now.getTime();
  for (const [count, periodOf] of [
    [retention.keepHourly, hourOf],
    [retention.keepDaily, dayOf],
    [retention.keepWeekly, weekOf],
    [retention.keepMonthly, monthOf],
  ] as const) {
    for (const backup of newestPerPeriod(candidates, periodOf, periodOf(nowMs), count)) kept.add(backup);
  }
  return { keep: candidates.filter((b) => kept.has(b)), remove: candidates.filter((b) => !kept.has(b)) };
}

// `newestFirst` is sorted newest first, so the first backup met in a period is its newest.
function newestPerPeriod(newestFirst: readonly Backup[], periodOf: PeriodOf, current: number, count: number): Backup[] {
  if (count === 0) return [];
  const seen = new Set<number>();
  const chosen: Backup[] = [];
  for (const backup of newestFirst) {
    // A backup stamped in the future (clock skew between replicas) belongs to the current period.
    const period = Math.min(periodOf(timeOf(backup)), current);
    if (period <= current - count) break;
    if (seen.has(period)) continue;
    seen.add(period);
    chosen.push(backup);
  }
  return chosen;
}

// When the backup was taken: its creation, the point in time its data describes.
function timeOf(backup: Backup): number {
  return backup.createTime ? timestampMs(backup.createTime) : 0;
}
